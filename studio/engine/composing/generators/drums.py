"""The drums generator: the section's groove in phrases, played by a drummer of the style.

The groove table (resources/grooves.toml, read through studio.engine.grooves) decides what
plays at the section's energy; this module adds the song's own kick push (from its seed),
lays the groove over the section's bars in phrases of two, four or eight bars whose last
bar is a variation (the style file's own variations of an imported groove, else an extra
kick, an open hat or a small pickup), adds ghost notes around the backbeat, accents the
hats on the beat, marks phrase points with a crash, ends the section as drum_fills decides
(a fill sized by the change into the next section, a build, a break, an ending) and reads
the section's marks (lift plays harder and doubles the time keeper, drop-kick rests the
kick). Every stroke but the kick and the crash then takes the style's timing (grooves.toml
[drum_feel]). The kick stays on grooves.kick_onsets_beats, the grid the bass locks to: the
song's push and a phrase end may add a kick to it, nothing takes one away (but drop-kick);
swing moves off-beat eighths of both lanes alike.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.engine import resources
from studio.engine.composing import feel, groove_library, grooves
from studio.engine.composing.generators import drum_fills
from studio.engine.composing.generators.common import section_groove
from studio.engine.composing.generators.drum_fills import Fill, Stroke
from studio.engine.model import CompositionContext, Lane, Meter, Note, Section

DURATION_BEATS = 0.1  # drum samples ring out after note-off, so a short note is enough
_SNARES = (38, 40)
_BACKBEAT = frozenset({37, 38, 39, 40})
_ACCENTED = frozenset({42, 44, 51, 59, 70, 82})  # closed hats, ride, shakers
_OPEN_HAT = 46
Bar = tuple[grooves.Hit, ...]


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    meter = context.meter
    name = section_groove(context, section)
    style = feel.drum_feel(context.primary_genre)
    main = [grooves.bar_hits(name, meter, section.energy, section.feel, bar)
            for bar in range(grooves.pattern_bars(name, meter))]
    main = [grooves.signature_hits(bar, name, meter, section.energy, context.seed)
            for bar in main]
    lift_steps = 2 if feel.swing_amount(context) >= 0.3 else 1
    if "lift" in section.marks:
        main = [_doubled_hats(bar, meter, lift_steps) for bar in main]
    varied = _variation(name, meter, section, main, rng, lift_steps)
    phrase = _phrase_bars(section, rng)
    ghosts = _ghost_steps(main[0], meter, section.energy, style, rng)
    tail = _tail(name, meter, section, next_section, style.fills, rng)
    bar_beats = meter.beats_per_bar
    strokes: list[Stroke] = []
    for bar in range(section.bars):
        hits = (varied if (bar + 1) % phrase == 0 else main)[bar % len(main)]
        bar_strokes = [Stroke(h.position_beats, h.note, h.velocity, h.kick) for h in hits]
        bar_strokes += _ghosts(ghosts, hits, section.energy, rng)
        if bar == section.bars - 1 and tail is not None:
            bar_strokes = [s for s in bar_strokes if s.start_beats < tail.start_beats - 1e-9
                           or feel.drum_kind(s.note) not in tail.clears] + list(tail.strokes)
        strokes += [Stroke(bar * bar_beats + s.start_beats, s.note, s.velocity, s.kick)
                    for s in bar_strokes]
    strokes = _with_crashes(_one_a_place(strokes), section, bar_beats)
    if "drop-kick" in section.marks:
        strokes = [s for s in strokes if not s.kick]
    return _perform(context, style, strokes, section.bars * bar_beats, rng)


def _one_a_place(strokes: list[Stroke]) -> list[Stroke]:
    """One stroke of a drum at a time (the louder), where a fill or variation meets the
    groove."""
    loudest: dict[tuple[float, int], Stroke] = {}
    for stroke in strokes:
        key = (round(stroke.start_beats, 6), stroke.note)
        if key not in loudest or stroke.velocity > loudest[key].velocity:
            loudest[key] = stroke
    return list(loudest.values())


def _phrase_bars(section: Section, rng: np.random.Generator) -> int:
    """How many bars a phrase lasts, its last bar the variation: two in a short section,
    at most half the section, so a varied bar comes before the fill bar; a section of two
    bars or less is one phrase whose turn is its fill."""
    table = resources.table("grooves")["phrase"]
    if section.bars <= 2:
        return section.bars + 1
    if section.bars <= table["short_section_bars"]:
        return 2
    return int(rng.choice([bars for bars in table["bars"] if 2 * bars <= section.bars]))


def _variation(name: str, meter: Meter, section: Section, main: list[Bar],
               rng: np.random.Generator, lift_steps: int = 1) -> list[Bar]:
    """The bars that end a phrase: the groove turning into one of its style file's
    variations over the bar's second half (its kicks kept, so the bass still finds them),
    else a variation derived here."""
    candidates = groove_library.variations_of(name) if groove_library.is_imported(name) else []
    for other in rng.permutation(candidates) if candidates else ():
        try:
            bars = [grooves.bar_hits(str(other), meter, section.energy, section.feel, b)
                    for b in range(grooves.pattern_bars(str(other), meter))]
        except ValueError:
            continue  # a variation written for another bar length
        if "lift" in section.marks:
            bars = [_doubled_hats(bar, meter, lift_steps) for bar in bars]
        half = grooves.bar_steps(meter) // 2
        varied = [_over_kicks(bar, bars[i % len(bars)], half) for i, bar in enumerate(main)]
        if not all(_alike(v, m) for v, m in zip(varied, main, strict=True)):
            continue  # a variation much thinner, busier or louder is another groove
        if varied != main:  # a bar the file's variation plays alike is varied here
            return [v if v != m else _derived(m, meter, section.energy, rng)
                    for v, m in zip(varied, main, strict=True)]
    return [_derived(bar, meter, section.energy, rng) for bar in main]


def _alike(varied: Bar, main: Bar) -> bool:
    """A bar about as busy and as loud as the groove's own."""
    if not varied or not main:
        return False
    loudness = np.mean([h.velocity for h in varied]) / np.mean([h.velocity for h in main])
    return 0.8 <= len(varied) / len(main) <= 1.3 and 0.93 <= loudness <= 1.1


def _over_kicks(main: Bar, other: Bar, half: int) -> Bar:
    """The bar turned around in its second half: the main bar up to the middle, then the
    other bar's drums over the main bar's kicks, with at most one kick of its own (a push
    into the next phrase)."""
    kicks = [h for h in main if h.kick]
    steps = {h.step for h in kicks}
    extra = [h for h in other if h.kick and h.step not in steps and h.step >= half]
    hits = [h for h in main if not h.kick and h.step < half] \
        + [h for h in other if not h.kick and h.step >= half] + kicks + extra[-1:]
    return tuple(sorted(hits, key=lambda h: (h.step, h.note)))


def _derived(bar: Bar, meter: Meter, energy: float, rng: np.random.Generator) -> Bar:
    """A varied bar a drummer plays at a phrase end: one or two of an extra kick before the
    next bar, the last off-beat hat opened, a small snare pickup."""
    last = grooves.bar_steps(meter) - 1
    kick = next((h for h in bar if h.kick), None)
    hats = [h for h in bar if h.note == 42 and h.step == last - 1
            and not any(o.note == _OPEN_HAT and o.step == last - 1 for o in bar)]
    snare = next((h for h in bar if h.note in _SNARES), None)
    options = []
    if kick is not None and not any(h.kick and h.step >= last - 1 for h in bar):
        at = last - int(rng.integers(2))
        options.append([*bar, _hit(at, kick.note, round(kick.velocity * 0.85), True)])
    if hats:
        options.append([h for h in bar if h not in hats]
                       + [_hit(last - 1, _OPEN_HAT, min(127, hats[0].velocity + 10))])
    if snare is not None and not any(h.note in _BACKBEAT and h.step == last for h in bar):
        soft = grooves.velocity_at(80, energy)
        options.append([*bar, _hit(last, snare.note, soft)]
                       + ([_hit(last - 2, snare.note, soft - 8)] if rng.random() < 0.5 else []))
    if not options:
        return bar
    picked = rng.permutation(len(options))[:1 + int(rng.random() < 0.35)]
    hits = set(bar)
    for index in picked:
        option = set(options[index])
        hits = (hits - (set(bar) - option)) | (option - set(bar))
    return tuple(sorted(hits, key=lambda h: (h.step, h.note)))


def _hit(step: int, note: int, velocity: int, kick: bool = False) -> grooves.Hit:
    return grooves.Hit(step, step * grooves.step_beats(), note, int(max(1, velocity)), kick)


def _doubled_hats(bar: Bar, meter: Meter, every: int = 1) -> Bar:
    """A lifted bar, played harder: every stroke louder by the table's `lift_velocity`, and
    the groove's time keeper (closed hat, shaker, ride) on every sixteenth (eighth, `every`
    2, in a swung style); the arrangement's shaping may lay percussion over it too."""
    factor = resources.table("grooves")["phrase"]["lift_velocity"]
    bar = tuple(replace(h, velocity=min(127, round(h.velocity * factor))) for h in bar)
    keepers = [h for h in bar if h.note in _ACCENTED]
    if not keepers:
        return bar
    note = max(sorted({h.note for h in keepers}),
               key=lambda n: sum(h.note == n for h in keepers))
    taken = {h.step for h in keepers if h.note == note}
    usual = round(np.mean([h.velocity for h in keepers if h.note == note]))
    added = [_hit(s, note, usual) for s in range(0, grooves.bar_steps(meter), every)
             if s not in taken]
    return tuple(sorted((*bar, *added), key=lambda h: (h.step, h.note)))


def _ghost_steps(bar: Bar, meter: Meter, energy: float, style: feel.DrumFeel,
                 rng: np.random.Generator) -> tuple[tuple[int, int], ...]:
    """(step, snare note) of the section's ghost notes: sixteenths next to the backbeat,
    more of them as the energy rises (fewer again at the top where the style bashes), where
    the style plays them."""
    table = resources.table("grooves")["ghosts"]
    loud = min(1.0, max(0.0, (energy - 0.7) / 0.3))
    per_bar = style.ghosts * (1.0 - (1.0 - style.loud_ghosts) * loud)
    beat_steps = 6 if meter.is_compound else 4
    backbeats = [h for h in bar if h.note in _SNARES and h.step % beat_steps == 0 and h.step]
    if not backbeats or energy < table["min_energy"] or per_bar <= 0:
        return ()
    busy = {h.step for h in bar if h.note in _BACKBEAT}
    steps = grooves.bar_steps(meter)
    candidates = sorted({b.step + d for b in backbeats for d in (-1, 1, 3, -3)
                         if 0 < b.step + d < steps and b.step + d not in busy})
    share = min(1.0, (energy - table["min_energy"])
                / (table["full_energy"] - table["min_energy"]))
    count = min(len(candidates), int(per_bar * share + rng.random()))
    picked = rng.choice(candidates, size=count, replace=False) if count else []
    return tuple((int(step), backbeats[0].note) for step in sorted(picked))


def _ghosts(ghosts: tuple[tuple[int, int], ...], bar: Bar, energy: float,
            rng: np.random.Generator) -> list[Stroke]:
    """The ghost notes of one bar, soft, a few left out at random so no two bars match."""
    table = resources.table("grooves")["ghosts"]
    taken = {h.step for h in bar if h.note in _BACKBEAT}
    return [Stroke(step * grooves.step_beats(), note,
                   int(rng.integers(table["velocity_low"], table["velocity_high"] + 1)),
                   ghost=True)
            for step, note in ghosts if step not in taken and rng.random() < 0.85 + 0.1 * energy]


def _tail(name: str, meter: Meter, section: Section, next_section: Section | None,
          style: str, rng: np.random.Generator) -> Fill | None:
    """How the section's last bar ends: its marks first, else a fill into the next one."""
    if "ending" in section.marks:
        return drum_fills.final_hit(name, meter, section.energy)
    if "break" in section.marks:
        pickup = next_section is not None and rng.random() < 0.6
        return drum_fills.break_tail(name, meter, section.energy, pickup)
    if "build" in section.marks and next_section is not None and section.bars >= 4:
        return drum_fills.build(name, meter, section.energy, style, rng)
    return drum_fills.fill(name, meter, section, next_section, style, rng)


def _with_crashes(strokes: list[Stroke], section: Section, bar_beats: float) -> list[Stroke]:
    """A crash on beat 1 of a loud section and every few bars through a louder one; the
    hat or ride it lands on gives way to it."""
    crash = grooves.crash()
    table = resources.table("grooves")["phrase"]
    points = []
    if section.energy >= crash.min_energy:
        points.append(0.0)
    if section.energy >= table["crash_min_energy"]:
        every = 4 if section.energy >= table["loud_crash_min_energy"] else \
            table["crash_every_bars"]
        points += [bar * bar_beats for bar in range(every, section.bars, every)]
    if "ending" in section.marks:
        points = [p for p in points if p < (section.bars - 1) * bar_beats]
    if not points:
        return strokes
    velocity = grooves.velocity_at(crash.velocity, section.energy)
    kept = [s for s in strokes
            if not (s.note in _ACCENTED and any(abs(s.start_beats - p) < 1e-9 for p in points))]
    return kept + [Stroke(p, crash.note, velocity) for p in points]


def _perform(context: CompositionContext, style: feel.DrumFeel, strokes: list[Stroke],
             end_beats: float, rng: np.random.Generator) -> tuple[Note, ...]:
    """Humanised velocities, hats accented on the beat, swing, and the style's timing on
    every stroke but the kick, in time order."""
    swing = feel.swing_amount(context)
    beat_beats = 1.5 if context.meter.is_compound else 1.0
    offsets = rng.normal(0.0, grooves.humanize_velocity(), size=len(strokes))
    # a drummer's spread, never wild: within two and a half deviations
    jitter = np.clip(rng.normal(0.0, 1.0, size=len(strokes)), -2.5, 2.5) * style.jitter_ms
    latest = end_beats - DURATION_BEATS
    crash_note = grooves.crash().note
    ghost_loudest = resources.table("grooves")["ghosts"]["velocity_high"]
    accents = np.array([_accent(stroke, beat_beats) for stroke in strokes])
    kept = np.array([stroke.note in _ACCENTED for stroke in strokes])
    if kept.any():  # accents shape the time keeper without making it softer overall
        accents[kept] /= accents[kept].mean()
    notes = []
    for stroke, accent, offset, late_ms in zip(strokes, accents, offsets, jitter, strict=True):
        velocity = stroke.velocity * accent + offset
        start = feel.swing_beats(stroke.start_beats, swing)
        if not stroke.kick and stroke.note != crash_note:  # the kick and crash land as one
            start = feel.swing16_beats(start, style.swing16)
            ms = style.timing_ms.get(feel.drum_kind(stroke.note), 0.0) + late_ms
            start = min(latest, max(0.0, start + feel.ms_to_beats(ms, context.tempo_bpm)))
        loudest = ghost_loudest if stroke.ghost else 127  # a ghost note stays a ghost
        notes.append(Note(stroke.note, start, DURATION_BEATS,
                          int(max(1, min(loudest, round(velocity))))))
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def _accent(stroke: Stroke, beat_beats: float) -> float:
    """The velocity factor of a time keeper by where it falls: beat, eighth, sixteenth."""
    if stroke.note not in _ACCENTED:
        return 1.0
    table = resources.table("grooves")["accents"]
    position = stroke.start_beats % beat_beats
    if min(position, beat_beats - position) < 1e-6:
        return table["beat"]
    if abs(position * 2 - round(position * 2)) < 1e-6:
        return table["eighth"]
    return table["sixteenth"]
