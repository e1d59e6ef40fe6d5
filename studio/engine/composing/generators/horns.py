"""The horns generator: a horn section's short stabs on the chords, in keys' voicings.

The section plays a one-bar stab rhythm drawn once per section (a syncopated comping rhythm,
as the keys comp), each stab a short accented chord; in quiet sections it only swells a held
chord at each change, and in the intro and outro it stays out of the way with fewer stabs.
Marks: a sparse section only swells; the lift (last chorus) doubles the top voice an octave
up.
"""

from __future__ import annotations

import numpy as np

from studio.engine.composing.generators.common import feel_notes, in_key, velocity
from studio.engine.composing.generators.keys import voicings
from studio.engine.model import Chord, CompositionContext, Lane, Note, Section

HORNS_RANGE = (55, 79)
STAB_BEATS = 0.3  # a stab's length: short, so the rests between stabs are heard
QUIET = 0.35  # below this section energy the horns hold swells instead of stabbing
LIFT_TOP = 91  # a trumpet's high notes: the lift's octave doubling stays below
# Stab positions (eighths of a bar) a pattern draws from: off-beats weigh more, which is
# where horn stabs answer the beat.
_OFFBEAT_WEIGHT = 2.0


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    notes: list[Note] = []
    quiet = section.energy < QUIET or "sparse" in section.marks
    pattern = _stab_pattern(context, section, rng)
    for chord, voices in zip(section.chords, voicings(section, *HORNS_RANGE), strict=True):
        if "lift" in section.marks and voices[-1] + 12 <= LIFT_TOP:
            voices = tuple(voices) + (voices[-1] + 12,)
        if quiet:
            vel = velocity(section.energy, 0.0, 35, 40)
            length = chord.duration_beats * 0.9
            notes.extend(_note(p, chord.start_beats, length, vel, context) for p in voices[:3])
            continue
        for start in _stab_starts(chord, context.meter.beats_per_bar, pattern):
            accent = 1.0 if abs(start - chord.start_beats) < 1e-6 else 0.5
            vel = velocity(section.energy, accent, 55, 50)
            notes.extend(_note(p, start, STAB_BEATS, vel, context) for p in voices)
    return feel_notes(context, notes)


def _stab_pattern(context: CompositionContext, section: Section,
                  rng: np.random.Generator) -> tuple[float, ...]:
    """Where in a bar the stabs fall: two to four eighths, more when the section is loud."""
    eighths = np.arange(int(context.meter.beats_per_bar * 2)) * 0.5
    weights = np.where(eighths % 1.0 > 0, _OFFBEAT_WEIGHT, 1.0)
    count = 2 if section.energy < 0.6 or section.kind in ("intro", "outro") else 3
    if section.energy >= 0.85:
        count = 4
    count = min(count, len(eighths))
    picked = rng.choice(len(eighths), size=count, replace=False, p=weights / weights.sum())
    return tuple(sorted(float(eighths[i]) for i in picked))


def _stab_starts(chord: Chord, bar_beats: float, pattern: tuple[float, ...]) -> list[float]:
    """The pattern in every bar the chord covers, and the chord's own first beat."""
    end = chord.start_beats + chord.duration_beats
    starts = {chord.start_beats}
    bar = int(chord.start_beats // bar_beats)
    while bar * bar_beats < end:
        starts.update(bar * bar_beats + p for p in pattern
                      if chord.start_beats <= bar * bar_beats + p < end - 0.1)
        bar += 1
    return sorted(starts)


def _note(pitch: int, start: float, length: float, vel: int, context: CompositionContext) -> Note:
    return Note(pitch, start, max(0.05, length), max(1, vel), chromatic=not in_key(pitch, context))
