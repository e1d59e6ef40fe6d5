"""Drum grooves from resources/grooves.toml: what a groove plays in one bar at an energy.

A groove is a set of layers on a step grid (a step is a sixteenth note); each layer joins
at a section energy, so louder sections play more layers, and every velocity is scaled by
the energy. The kick positions this module reports are the ones the drums play in every
bar that is not a fill (with the song's seed, its own kick push too), and the ones the bass
locks to, so both lanes read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from studio.engine import resources
from studio.engine.composing import groove_library
from studio.engine.model import Meter
from studio.engine.rng import rng_for

_EPSILON = 1e-9
_LOWEST_DRUM, _HIGHEST_DRUM = 27, 87  # the General MIDI percussion key range
_NEVER = 2.0  # a max_energy above any section energy: the layer never stops


@dataclass(frozen=True)
class Layer:
    """One instrument part of a groove: a drum note on some steps, from an energy on.

    Between min_energy and full_energy the steps join one by one in their listed order, so
    a groove thickens smoothly instead of in a few jumps.
    """

    name: str
    note: int
    steps: tuple[int, ...]
    velocities: tuple[int, ...]
    min_energy: float
    full_energy: float
    max_energy: float
    kick: bool

    def steps_at(self, energy: float) -> tuple[tuple[int, int], ...]:
        """(step, table velocity) of the steps this layer plays at an energy."""
        if not self.min_energy <= energy < self.max_energy:
            return ()
        count = len(self.steps)
        if self.full_energy > self.min_energy and count > 1:
            share = (energy - self.min_energy) / (self.full_energy - self.min_energy)
            count = min(count, 1 + int(share * (count - 1) + _EPSILON))
        return tuple(zip(self.steps[:count], self.velocities[:count], strict=True))


@dataclass(frozen=True)
class Groove:
    name: str
    meters: tuple[str, ...]
    pattern_steps: int
    layers: tuple[Layer, ...]
    fill_voices: tuple[int, ...]

    @property
    def kick_note(self) -> int:
        """The groove's bass drum (a groove without drums has the General MIDI kick)."""
        return next((layer.note for layer in self.layers if layer.kick), 36)


@dataclass(frozen=True)
class Hit:
    """One drum stroke of a bar, before humanising: its step and quarter-note position."""

    step: int
    position_beats: float
    note: int
    velocity: int
    kick: bool


@dataclass(frozen=True)
class FillLevel:
    """How a fill plays at an energy: its share of the last bar, roll speed and crescendo."""

    min_energy: float
    bars: float
    min_beats: float
    roll_steps: int
    velocity_start: int
    velocity_end: int


@dataclass(frozen=True)
class Crash:
    note: int
    min_energy: float
    velocity: int


def step_beats() -> float:
    """Length of one grid step in quarter-note beats."""
    return float(resources.table("grooves")["step_beats"])


def bar_steps(meter: Meter) -> int:
    """Steps in one bar of a meter (16 in 4/4, 12 in 6/8)."""
    steps = meter.beats_per_bar / step_beats()
    if abs(steps - round(steps)) > _EPSILON:
        raise ValueError(f"a bar of {meter} is not a whole number of steps")
    return round(steps)


def groove_names() -> tuple[str, ...]:
    """The hand-written grooves and the playable imported ones."""
    return tuple(sorted({*_parsed_grooves(), *groove_library.names()}))


def groove_names_for(genre: str, meter: Meter) -> list[str]:
    """The grooves a style plays in a meter, its usual one first: the main and variation
    grooves of its MMA style files (played by musicians of the style), then its
    hand-written grooves that fit (first when they were written for it, `own_grooves`); the
    meter's generic groove when it has none in it."""
    try:
        row = resources.genre(genre)
    except KeyError:
        raise ValueError(f"unknown genre '{genre}' has no grooves") from None
    by_role = groove_library.grooves_of(list(row.get("mma", ())), str(meter))
    imported = by_role.get("main", []) + by_role.get("variation", [])
    hand = [name for name in row.get("grooves", ())
            if str(meter) in groove(name).meters and _fits(groove(name), meter)]
    names = hand + imported if row.get("own_grooves") else imported + hand
    if names:
        return names
    generic = resources.table("grooves")["meter_grooves"].get(str(meter))
    if generic is None:
        raise ValueError(f"no groove for the meter {meter}")
    return [generic]


def section_grooves(genre: str, meter: Meter, role: str) -> list[str]:
    """A style's imported grooves of one role in a meter ("intro", "ending", "fill")."""
    row = resources.genre(genre)
    return groove_library.grooves_of(list(row.get("mma", ())), str(meter)).get(role, [])


def _fits(found: Groove, meter: Meter) -> bool:
    """A pattern fills a bar a whole number of times, or whole bars."""
    steps = bar_steps(meter)
    return steps % found.pattern_steps == 0 or found.pattern_steps % steps == 0


def pattern_bars(name: str, meter: Meter) -> int:
    """How many bars the groove's pattern lasts (1 for a pattern of a bar or less)."""
    return max(1, groove(name).pattern_steps // bar_steps(meter))


def groove(name: str) -> Groove:
    """A groove by name; ValueError naming it when the table has no such groove."""
    hand = _parsed_grooves()
    if name in hand:
        return hand[name]
    if groove_library.is_imported(name):
        return _imported_groove(name)
    raise ValueError(f"unknown groove '{name}'")


def groove_for_meter(name: str, meter: Meter) -> Groove:
    """A groove that fits the meter; ValueError when the groove is unknown or does not fit."""
    found = groove(name)
    if str(meter) not in found.meters:
        raise ValueError(f"groove '{name}' is for {', '.join(found.meters)}, not {meter}")
    if not _fits(found, meter):
        raise ValueError(f"groove '{name}' does not fill a bar of {meter}")
    return found


def velocity_at(table_velocity: int, energy: float) -> int:
    """A table velocity played at a section energy: softer below full energy, 1..127."""
    floor = float(resources.table("grooves")["dynamics"]["floor"])
    scaled = table_velocity * (floor + (1.0 - floor) * _clamp(energy))
    return int(max(1, min(127, round(scaled))))


def humanize_velocity() -> float:
    """Standard deviation of the random velocity offset of every stroke."""
    return float(resources.table("grooves")["dynamics"]["humanize_velocity"])


def bar_hits(name: str, meter: Meter, energy: float, feel: str = "",
             bar: int = 0) -> tuple[Hit, ...]:
    """Every stroke of one bar of the groove at an energy, in step order; no randomness.
    `bar` counts bars from the section's start: a pattern of several bars plays its own
    bar of them.

    In a half-time feel the first half of the bar is stretched over the whole bar, so the
    backbeat moves from beats 2 and 4 to beat 3 and the hats play half as often.
    """
    hits = _straight_hits(name, meter, energy, bar)
    if feel == "half-time":
        half = bar_steps(meter) // 2
        hits = tuple(Hit(h.step * 2, h.position_beats * 2, h.note, h.velocity, h.kick)
                     for h in hits if h.step < half)
    elif feel:
        raise ValueError(f"unknown feel '{feel}' (known: half-time)")
    return hits


def _straight_hits(name: str, meter: Meter, energy: float, bar: int) -> tuple[Hit, ...]:
    found = groove_for_meter(name, meter)
    energy = _clamp(energy)
    beats = step_beats()
    steps = bar_steps(meter)
    first = (bar % max(1, found.pattern_steps // steps)) * steps  # this bar's part of it
    hits = []
    for repeat in range(max(1, steps // found.pattern_steps)):
        for layer in found.layers:
            for step, table_velocity in layer.steps_at(energy):
                at = repeat * found.pattern_steps + step - first
                if not 0 <= at < steps:
                    continue
                hits.append(Hit(at, at * beats, layer.note, velocity_at(table_velocity, energy),
                                layer.kick))
    hits.sort(key=lambda h: (h.step, h.note))
    return tuple(hits)


def kick_onsets_beats(name: str, meter: Meter, energy: float, feel: str = "", bar: int = 0,
                      seed: int | None = None) -> tuple[float, ...]:
    """Kick positions within one bar, in quarter-note beats from the bar's start; with the
    song's seed, its own kick push too (signature_hits), as the drums play it."""
    hits = bar_hits(name, meter, energy, feel, bar)
    if seed is not None:
        hits = signature_hits(hits, name, meter, energy, seed)
    return tuple(sorted({h.position_beats for h in hits if h.kick}))


_BACKBEAT = frozenset({37, 38, 39, 40})


def signature_hits(hits: tuple[Hit, ...], name: str, meter: Meter, energy: float,
                   seed: int) -> tuple[Hit, ...]:
    """A bar of the groove with the song's own kick push ([signature] of the table): a
    sixteenth drawn from the song's seed and the groove alone, so every section that plays
    the groove (and every take of one) plays it; none where the bar has no kick, a kick or
    backbeat there already, or a kick on most beats."""
    table = resources.table("grooves")["signature"]
    steps = [s for s in table["steps"] if s < bar_steps(meter)]
    weights = np.array([table["none_weight"]] + [1.0] * len(steps))
    pick = int(rng_for(seed, -1, f"drum signature {name}").choice(len(weights),
                                                                 p=weights / weights.sum()))
    kick = next((h for h in hits if h.kick), None)
    if pick == 0 or energy < table["min_energy"] or kick is None:
        return hits
    step = steps[pick - 1]
    if any((h.kick or h.note in _BACKBEAT) and h.step == step for h in hits) \
            or sum(h.kick for h in hits) >= 4:
        return hits
    push = Hit(step, step * step_beats(), kick.note, velocity_at(table["velocity"], energy),
               True)
    return tuple(sorted((*hits, push), key=lambda h: (h.step, h.note)))


def fill_level(energy: float) -> FillLevel:
    """The strongest fill level the energy reaches."""
    levels = [_fill_level(row) for row in resources.table("grooves")["fill"]]
    reached = [level for level in levels if level.min_energy <= _clamp(energy)]
    return max(reached, key=lambda level: level.min_energy)


def crash() -> Crash:
    row = resources.table("grooves")["crash"]
    return Crash(int(row["note"]), float(row["min_energy"]), int(row["velocity"]))


def _clamp(energy: float) -> float:
    return min(1.0, max(0.0, float(energy)))


def _fill_level(row: dict) -> FillLevel:
    return FillLevel(float(row["min_energy"]), float(row["bars"]), float(row["min_beats"]),
                     int(row["roll_steps"]), int(row["velocity_start"]),
                     int(row["velocity_end"]))


@cache
def _parsed_grooves() -> dict[str, Groove]:
    """Every groove of the table, checked once, so a typo fails loudly and by name."""
    return {name: _parse_groove(name, row)
            for name, row in resources.table("grooves")["groove"].items()}


@cache
def _imported_groove(name: str) -> Groove:
    """An imported groove, converted the first time a song plays it."""
    return _parse_groove(name, groove_library.groove_row(name))


def _parse_groove(name: str, row: dict) -> Groove:
    pattern_steps = int(row["steps"])
    layers = tuple(_parse_layer(name, pattern_steps, layer) for layer in row["layers"])
    if layers and not any(layer.kick and layer.steps_at(0.0) for layer in layers):
        raise ValueError(f"groove '{name}' has no kick at the lowest energy")
    voices = tuple(int(v) for v in row["fill_voices"])
    if not voices or not all(_LOWEST_DRUM <= v <= _HIGHEST_DRUM for v in voices):
        raise ValueError(f"groove '{name}' needs fill voices in the drum range")
    return Groove(name, tuple(row["meters"]), pattern_steps, layers, voices)


def _parse_layer(groove_name: str, pattern_steps: int, row: dict) -> Layer:
    min_energy = float(row["min"])
    layer = Layer(
        name=str(row["name"]), note=int(row["note"]),
        steps=tuple(int(s) for s in row["steps"]),
        velocities=tuple(int(v) for v in row["velocities"]),
        min_energy=min_energy, full_energy=float(row.get("full", min_energy)),
        max_energy=float(row.get("max", _NEVER)), kick=bool(row.get("kick", False)),
    )
    where = f"groove '{groove_name}', layer '{layer.name}'"
    if len(set(layer.steps)) != len(layer.steps) or layer.full_energy < layer.min_energy:
        raise ValueError(f"{where}: steps repeat or full comes before min")
    if len(layer.steps) != len(layer.velocities):
        raise ValueError(f"{where}: one velocity per step")
    if not all(0 <= s < pattern_steps for s in layer.steps):
        raise ValueError(f"{where}: steps must lie inside the {pattern_steps}-step pattern")
    if not all(1 <= v <= 127 for v in layer.velocities):
        raise ValueError(f"{where}: velocities must be 1..127")
    if not _LOWEST_DRUM <= layer.note <= _HIGHEST_DRUM:
        raise ValueError(f"{where}: note {layer.note} is not a General MIDI drum")
    return layer
