"""The drums generator: the section's groove in every bar, a fill into the next section.

The groove table (resources/grooves.toml, read through studio.engine.grooves) decides what
plays at the section's energy; this module lays it over the section's bars, turns the end
of the last bar into a fill when another section follows (the style file's own fill for an
imported groove, else a tom and snare roll), puts a crash on the first beat of loud
sections, and humanises velocities. Kicks outside fill bars sit exactly
on grooves.kick_onsets_beats, the grid the bass locks to; swing moves off-beat eighths of
both lanes alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.engine.composing import feel, groove_library, grooves
from studio.engine.composing.generators.common import section_groove
from studio.engine.model import CompositionContext, Lane, Meter, Note, Section

DURATION_BEATS = 0.1  # drum samples ring out after note-off, so a short note is enough


@dataclass(frozen=True)
class _Stroke:
    """A drum stroke in section beats, before humanising and swing."""

    start_beats: float
    note: int
    velocity: int


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    meter = context.meter
    name = section_groove(context, section)
    # a pattern of several bars plays its bars in turn from the section's first bar
    bars_hits = [grooves.bar_hits(name, meter, section.energy, section.feel, bar)
                 for bar in range(grooves.pattern_bars(name, meter))]
    fill = _fill(name, meter, section.energy) if next_section is not None else ()
    fill_start_beats = min((s.start_beats for s in fill), default=meter.beats_per_bar)
    strokes = _crash(section)
    for bar in range(section.bars):
        bar_start_beats = bar * meter.beats_per_bar
        is_fill_bar = bar == section.bars - 1 and bool(fill)
        strokes += [_Stroke(bar_start_beats + h.position_beats, h.note, h.velocity)
                    for h in bars_hits[bar % len(bars_hits)]
                    if not (is_fill_bar and h.position_beats >= fill_start_beats - 1e-9)]
        if is_fill_bar:
            strokes += [_Stroke(bar_start_beats + s.start_beats, s.note, s.velocity)
                        for s in fill]
    return _perform(context, strokes, rng)


def _crash(section: Section) -> list[_Stroke]:
    """A crash on beat 1 of a loud section; a quiet one (a soft intro) starts without."""
    crash = grooves.crash()
    if section.energy < crash.min_energy:
        return []
    return [_Stroke(0.0, crash.note, grooves.velocity_at(crash.velocity, section.energy))]


def _fill(name: str, meter: Meter, energy: float) -> tuple[_Stroke, ...]:
    """The fill into the next section: the fill its style file has for an imported groove
    (a drummer's own, at the section's energy), else a roll written here."""
    if groove_library.is_imported(name):
        fills = groove_library.grooves_of([groove_library.file_of(name)], str(meter))
        if fills.get("fill"):
            hits = grooves.bar_hits(fills["fill"][0], meter, energy)
            if hits:
                return tuple(_Stroke(h.position_beats, h.note, h.velocity) for h in hits)
    return _fill_strokes(name, meter, energy)


def _fill_strokes(name: str, meter: Meter, energy: float) -> tuple[_Stroke, ...]:
    """A fill in bar-relative beats: a roll down the groove's fill voices over kicks.

    Higher energy makes it longer (half a bar, then all of it), faster (eighths, then
    sixteenths) and louder, so a fill never thins a loud section out.
    """
    groove = grooves.groove_for_meter(name, meter)
    level = grooves.fill_level(energy)
    steps_in_bar = grooves.bar_steps(meter)
    step_beats = grooves.step_beats()
    first_step = steps_in_bar - _fill_span_steps(level, steps_in_bar, step_beats)
    roll = range(first_step, steps_in_bar, level.roll_steps)
    strokes = []
    for index, step in enumerate(roll):
        voice = groove.fill_voices[index * len(groove.fill_voices) // len(roll)]
        rise = index / max(1, len(roll) - 1)
        table_velocity = round(level.velocity_start
                               + rise * (level.velocity_end - level.velocity_start))
        strokes.append(_Stroke(step * step_beats, voice,
                               grooves.velocity_at(table_velocity, energy)))
    # the kick keeps the pulse under the roll: on each beat, dotted quarters in 6/8 and 12/8
    beat_steps = round((1.5 if meter.is_compound else 1.0) / step_beats)
    kick_velocity = grooves.velocity_at(level.velocity_end, energy)
    strokes += [_Stroke(step * step_beats, groove.kick_note, kick_velocity)
                for step in range(first_step, steps_in_bar) if step % beat_steps == 0]
    return tuple(strokes)


def _fill_span_steps(level: grooves.FillLevel, steps_in_bar: int, step_beats: float) -> int:
    """How many steps at the end of the bar the fill takes, in whole eighths."""
    span_steps = max(level.bars * steps_in_bar, level.min_beats / step_beats)
    # whole eighths, so the fill starts where a drummer would count it in
    return min(steps_in_bar, 2 * math.ceil(span_steps / 2 - 1e-9))


def _perform(context: CompositionContext, strokes: list[_Stroke],
             rng: np.random.Generator) -> tuple[Note, ...]:
    """Humanised velocities and swung off-beat eighths, in time order."""
    swing = feel.swing_amount(context)
    offsets = rng.normal(0.0, grooves.humanize_velocity(), size=len(strokes))
    notes = [
        Note(stroke.note, feel.swing_beats(stroke.start_beats, swing), DURATION_BEATS,
             int(max(1, min(127, round(stroke.velocity + offset)))))
        for stroke, offset in zip(strokes, offsets, strict=True)
    ]
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))
