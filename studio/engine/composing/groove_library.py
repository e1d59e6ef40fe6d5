"""Grooves converted from MMA's style files: drum layers, bass lines and comping rhythms.

resources/styles/mma_grooves.json (made by scripts/import_styles.py from Debian's `mma`)
holds every groove as it was played over a C major chord. This module turns a groove's drums
into rows of the groove table's own layer format (grooves.py parses them like the
hand-written ones), so an imported groove thickens with the section's energy the same way:
kick, backbeat and the beats of the hats and ride play from the quietest section, their
off-beats join as the energy rises, percussion, open hats and toms later. Its bass line and
comping rhythm stay as patterns that the bass and keys generators lay over the song's own
chords. Swung off-beats are stored straight: the song's swing plays them late again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np

from studio.engine import resources
from studio.engine.memory import collection_paused
from studio.engine.model import Meter

KICKS = frozenset({35, 36})
_HATS = frozenset({42, 44, 51, 53, 59})
_BACKBEAT = frozenset({37, 38, 39, 40})
_TOMS = frozenset({41, 43, 45, 47, 48, 50})
_CYMBALS = frozenset({49, 52, 55, 57})
# (first energy, energy at which all its strokes play) of each kind of drum
_ENERGIES = {"kick": (0.0, 0.7), "backbeat": (0.0, 0.6), "hats": (0.0, 0.85),
             "open hat": (0.4, 0.9), "toms": (0.55, 0.95), "cymbals": (0.7, 1.0),
             "percussion": (0.2, 0.95)}
_FILL_VOICES = (38, 50, 48, 47, 45, 43, 41)
_LOUDEST = 110  # an imported groove's loudest strokes play at this table velocity
SWUNG = 0.3  # from this swing on, off-beat eighths are stored on the straight grid


@dataclass(frozen=True)
class Pattern:
    """The pitched parts of an imported groove, pattern-relative, as played over C."""

    name: str
    bars: int
    bar_beats: float
    bass: tuple[tuple[float, int, float, int], ...]  # beat, semitones from C4, length, velocity
    comp: tuple[tuple[float, float], ...]  # beat and length of each chord played

    @property
    def beats(self) -> float:
        return self.bars * self.bar_beats


@cache
def _data() -> dict:
    """The whole library (some 180,000 lists), read with the collector paused."""
    with open(resources.resource_dir() / "styles" / "mma_grooves.json", "rb") as handle, \
            collection_paused():
        return json.load(handle)


def files() -> dict[str, dict]:
    """MMA style files by id ("stdlib/bossanova"): their grooves, tempo and description."""
    return _data()["files"]


def names() -> tuple[str, ...]:
    """The playable imported grooves."""
    return tuple(sorted(name for name, row in _data()["grooves"].items() if _playable(row)))


def grooves_of(file_ids: list[str], meter: str) -> dict[str, list[str]]:
    """The grooves of these style files that are in the meter, by role (main first)."""
    found: dict[str, list[str]] = {}
    if not file_ids:
        return found  # a style of hand-written grooves: the table is not read at all
    table = _data()["grooves"]
    for file_id in file_ids:
        try:
            entries = files()[file_id]["grooves"]
        except KeyError:
            raise ValueError(f"unknown MMA style file '{file_id}'") from None
        for name in entries:
            row = table[name]
            if _meter(row) == meter and _playable(row):
                found.setdefault(row["role"], []).append(name)
    return found


def file_of(name: str) -> str:
    """The MMA style file an imported groove comes from."""
    return _data()["grooves"][name]["file"]


def variations_of(name: str) -> list[str]:
    """The playable variation grooves of an imported groove's style file in its meter (the
    file's other takes on the groove), the groove itself left out."""
    row = _data()["grooves"][name]
    return [other for other in files()[row["file"]]["grooves"] if other != name
            and _data()["grooves"][other]["role"] == "variation"
            and _meter(_data()["grooves"][other]) == _meter(row)
            and _playable(_data()["grooves"][other])]


def strokes_per_bar(name: str) -> float:
    """How busy an imported groove's drums and comping are: strokes a bar."""
    row = _data()["grooves"][name]
    return (len(row["drums"]) + len(row["comp"])) / max(1, int(row["bars"]))


def is_imported(name: str) -> bool:
    row = _data()["grooves"].get(name)
    return row is not None and _playable(row)


@cache
def pattern(name: str) -> Pattern:
    """The bass line and comping rhythm of an imported groove."""
    row = _data()["grooves"][name]
    swing = float(row.get("swing", 0.0))
    bass = tuple((_straight(b, swing), int(s), float(d), int(v)) for b, s, d, v in row["bass"])
    comp = tuple((_straight(b, swing), float(d)) for b, d, _, _ in row["comp"])
    return Pattern(name, int(row["bars"]), Meter(*row["meter"]).beats_per_bar, bass, comp)


def groove_row(name: str) -> dict:
    """An imported groove's drums as a row of the groove table's layer format."""
    return _groove_row(_data()["grooves"][name])


def _meter(row: dict) -> str:
    return str(Meter(*row["meter"]))


def _playable(row: dict) -> bool:
    """Whole bars of drums, bass or comping (a piano or guitar style has no drums)."""
    return bool(row["drums"] or row["bass"] or row["comp"]) and row["bars"] >= 1


def _straight(beat: float, swing: float) -> float:
    """A swung off-beat eighth back on the straight grid (the song swings it again)."""
    if swing < SWUNG:
        return beat
    whole, part = divmod(beat, 1.0)
    if 0.55 <= part <= 0.8:
        part = 0.5
    return whole + part


def _kind(note: int) -> str:
    if note in KICKS:
        return "kick"
    if note in _BACKBEAT:
        return "backbeat"
    if note in _HATS:
        return "hats"
    if note == 46:
        return "open hat"
    if note in _TOMS:
        return "toms"
    if note in _CYMBALS:
        return "cymbals"
    return "percussion"


def _groove_row(row: dict) -> dict:
    step_beats = float(resources.table("grooves")["step_beats"])  # the groove table's grid
    bar_steps = round(Meter(*row["meter"]).beats_per_bar / step_beats)
    pattern_steps = bar_steps * int(row["bars"])
    swing = float(row.get("swing", 0.0))
    strokes: dict[int, dict[int, int]] = {}
    for beat, note, vel in row["drums"]:
        step = round(_straight(float(beat), swing) / step_beats) % pattern_steps
        by_step = strokes.setdefault(int(note), {})
        by_step[step] = max(by_step.get(step, 0), int(vel))
    loudest = max((max(s.values()) for s in strokes.values()), default=1)
    kick_notes = KICKS & set(strokes)
    if strokes and not kick_notes:
        kick_notes = {_stand_in_kick(strokes, bar_steps)}
    layers = []
    for note in sorted(strokes):
        kind = "kick" if note in kick_notes else _kind(note)
        low, full = _ENERGIES[kind]
        # a layer a bar, so every bar of a longer pattern thins out alike at low energy
        for bar in range(int(row["bars"])):
            in_bar = [s for s in strokes[note] if s // bar_steps == bar]
            if not in_bar:
                continue
            order = sorted(in_bar, key=lambda s: (_weight(s, bar_steps), s))
            layers.append({
                "name": f"{kind} {note}, bar {bar + 1}", "note": note, "kick": kind == "kick",
                "min": low, "full": full, "steps": order,
                "velocities": [int(np.clip(round(strokes[note][s] * _LOUDEST / loudest), 1, 127))
                               for s in order],
            })
    toms = [v for v in _FILL_VOICES if v in strokes and v != 38]
    return {"meters": [_meter(row)], "steps": pattern_steps,
            "fill_voices": [38, *toms] if len(toms) >= 2 else list(_FILL_VOICES),
            "layers": layers}


def _stand_in_kick(strokes: dict[int, dict[int, int]], bar_steps: int) -> int:
    """A groove without a bass drum (brushes, hand drums): the lowest drum on the pattern's
    first beat (else on any bar's first beat) stands in, so the bass has strokes to lock to."""
    for downbeats in ((0,), range(0, max(max(s) for s in strokes.values()) + 1, bar_steps)):
        on_one = [note for note, steps in strokes.items() if set(steps) & set(downbeats)]
        if on_one:
            return min(on_one)
    return max(strokes, key=lambda note: len(strokes[note]))


def _weight(step: int, bar_steps: int) -> int:
    """How strong a step is: the downbeat, then beats, eighths, sixteenths."""
    in_bar = step % bar_steps
    if in_bar == 0:
        return 0
    if in_bar % 4 == 0:
        return 1
    if in_bar % 2 == 0:
        return 2
    return 3
