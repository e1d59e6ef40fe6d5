"""The lead generator: a melody in the key, with chord tones on the strong beats.

A one-bar rhythm motif is drawn per section and repeated, with the phrase's last bar held
longer so the line breathes. Pitches follow a slow contour: notes on a beat take the chord
tone nearest the contour, notes between beats step through the scale. Every pitch is in the
key; a chord tone outside it (the raised seventh of a minor key's V) is marked chromatic.
Styles (styles.toml `lead_style`): melodic, riff (a repeated chord-tone figure), sparse.
In a song with a vocal lane the lead leaves the sung sections to the voice and plays the
others (intro, instrumental breaks, outro). Marks: a sparse section plays half as many notes;
the lift (the last of its kind) plays its line higher.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources, theory
from studio.engine.composing.generators.common import chord_at, feel_notes, in_key, velocity
from studio.engine.lyrics.plan import SUNG_KINDS
from studio.engine.model import CompositionContext, Lane, Note, Section, is_strong

LOW, HIGH = 60, 84
PHRASE_BARS = 4
LIFT_SEMITONES = 5  # the lift's line sits this much higher


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    if "vocal" in context.lanes and section.kind in SUNG_KINDS:
        return ()
    style = resources.genre(context.primary_genre)["lead_style"]
    bar_beats = context.meter.beats_per_bar
    motif = _motif(style, section.energy, bar_beats, rng,
                   thin=0.5 if "sparse" in section.marks else 1.0)
    cadence = _cadence_rhythm(bar_beats)
    notes: list[Note] = []
    contour = float(rng.integers(LOW + 6, HIGH - 8))
    if "lift" in section.marks:
        contour = min(contour + LIFT_SEMITONES, HIGH - 6)
    previous = int(contour)
    for bar in range(section.bars):
        closing = bar % PHRASE_BARS == PHRASE_BARS - 1 or bar == section.bars - 1
        rhythm = cadence if closing else motif
        contour = float(np.clip(contour + rng.normal(0, 2.5), LOW + 4, HIGH - 6))
        for offset, length in rhythm:
            start = bar * bar_beats + offset
            pitch = _pick_pitch(context, section, start, previous, contour, rng, style)
            if closing:
                pitch = _settle(context, section, start, pitch)
            accent = 1.0 if is_strong(start, context.meter) else 0.4
            notes.append(Note(pitch, start, length, velocity(section.energy, accent, 58, 45),
                              chromatic=not in_key(pitch, context)))
            previous = pitch
    return feel_notes(context, notes)


def _motif(style: str, energy: float, bar_beats: float, rng: np.random.Generator,
           thin: float = 1.0) -> list[tuple[float, float]]:
    """A bar of (offset, length) pairs; denser at higher energy, sparse style stays sparse;
    `thin` scales the density down."""
    eighths = int(bar_beats * 2)
    if style == "sparse":
        density = 0.15 + 0.2 * energy
    elif style == "riff":
        density = 0.45 + 0.45 * energy
    else:
        density = 0.3 + 0.45 * energy
    slots = [0] + [i for i in range(1, eighths) if rng.random() < density * thin]
    onsets = [i * 0.5 for i in sorted(set(slots))]
    ends = onsets[1:] + [bar_beats]
    return [(on, max(0.25, (end - on) * 0.9)) for on, end in zip(onsets, ends, strict=True)]


def _cadence_rhythm(bar_beats: float) -> list[tuple[float, float]]:
    """A phrase's last bar: a note on the downbeat held, then a breath."""
    return [(0.0, bar_beats * 0.6)]


def _settle(context: CompositionContext, section: Section, start: float, pitch: int) -> int:
    """A phrase ends on a stable tone: a chord tone that is also in the key's tonic triad."""
    scale = context.key.scale_pcs
    stable = {scale[0], scale[2], scale[4]} & set(chord_at(section, start).pitch_classes)
    if not stable or pitch % 12 in stable:
        return pitch
    choices = [p for p in range(LOW, HIGH + 1) if p % 12 in stable]
    return min(choices, key=lambda p: (abs(p - pitch), p))


def _tone_cost(pitch: int, target: float, previous: int, context: CompositionContext) -> float:
    """How far a chord tone is from where the line is heading. The key's tonic-triad tones
    are a little cheaper (melodies lean on stable degrees); a chord tone outside the key is a
    last resort."""
    scale = context.key.scale_pcs
    stable = pitch % 12 in (scale[0], scale[2], scale[4])
    return (abs(pitch - target) + 0.5 * abs(pitch - previous) - (1.5 if stable else 0.0)
            + (0.0 if in_key(pitch, context) else 6.0))


def _pick_pitch(context: CompositionContext, section: Section, start: float, previous: int,
                contour: float, rng: np.random.Generator, style: str) -> int:
    chord = chord_at(section, start)
    if float(start).is_integer() or style == "riff":
        tones = [p for p in range(LOW, HIGH + 1) if p % 12 in chord.pitch_classes]
        target = (previous + contour) / 2
        return min(tones, key=lambda p: (_tone_cost(p, target, previous, context), p))
    scale = theory.scale_pitches(context.key.scale_pcs, LOW, HIGH)
    direction = 1 if contour > previous else -1
    steps = [p for p in scale if 0 < (p - previous) * direction <= 4]
    if not steps or rng.random() < 0.2:
        steps = [p for p in scale if 0 < abs(p - previous) <= 2] or scale
    return int(steps[0] if direction > 0 else steps[-1]) if rng.random() < 0.7 \
        else int(rng.choice(steps))
