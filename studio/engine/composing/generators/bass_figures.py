"""Bass figures by a style's role: what a bass player of the style plays over the chords.

    offbeat(context, section, rng, octaves)   house and its kin: the off-beat eighths, off
                                              the four-on-the-floor kick
    sub(context, section, onsets)             trap: sub notes held from kick to kick
    walking(context, section, rng)            jazz: a walking line with skips, a two-feel
                                              when quiet
    fills(context, section, notes, next_section, rng)   rock and country: walk-ups and
                                              runs into the next phrase's chord
    thinned(context, section, notes)          a sparse section: the strong beats held
    in_range(notes)                           nothing below a bass guitar's low E

Notes are in section beats, before the song's swing is applied.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources, theory
from studio.engine.composing.generators.common import chord_at, in_key, velocity
from studio.engine.model import Chord, CompositionContext, Note, Section, is_strong

LOW, HIGH, CENTER = 28, 52, 40  # MIDI 28: a bass guitar's low E
SUB_RANGE = (28, 40)
PHRASE_BARS = 4


def offbeat(context: CompositionContext, section: Section, rng: np.random.Generator,
            octaves: bool) -> list[Note]:
    """The chord's root on every off-beat (the kick has the beat), the octave above on every
    other one for octave styles, a sixteenth pickup now and then when loud."""
    beat = 1.5 if context.meter.is_compound else 1.0
    end = section.bars * context.meter.beats_per_bar
    thin = "sparse" in section.marks
    notes: list[Note] = []
    for index, on in enumerate(np.arange(0.0, end - 1e-9, beat)):
        if thin and not is_strong(float(on), context.meter):
            continue
        at = float(on) + beat / 2
        root = theory.nearest_pitch(chord_at(section, at).root_pc, 36, LOW, HIGH - 12)
        pitch = root + 12 if octaves and index % 2 == 1 else root
        notes.append(_note(pitch, at, beat * 0.4, velocity(section.energy, 0.6, 60, 40),
                           context))
        if section.energy >= 0.7 and rng.random() < 0.25 and at + beat / 4 < end:
            notes.append(_note(root, at + beat / 4, beat * 0.2,
                               velocity(section.energy, 0.0, 45, 35), context))
    return notes


def sub(context: CompositionContext, section: Section, onsets: list[float]) -> list[Note]:
    """An 808: the root low, struck with the chord changes and the kicks at least a beat
    apart, each held until the next."""
    chord_starts = {round(c.start_beats, 6) for c in section.chords}
    kept: list[float] = []
    for at in onsets:
        if round(at, 6) in chord_starts or not kept or at - kept[-1] >= 1.0 - 1e-9:
            kept.append(at)
    end = section.bars * context.meter.beats_per_bar
    notes = []
    for i, at in enumerate(kept):
        stop = kept[i + 1] if i + 1 < len(kept) else end
        pitch = theory.nearest_pitch(chord_at(section, at).root_pc, 33, *SUB_RANGE)
        accent = 1.0 if round(at, 6) in chord_starts else 0.4
        notes.append(_note(pitch, at, (stop - at) * 0.97,
                           velocity(section.energy, accent, 65, 40), context))
    return notes


def walking(context: CompositionContext, section: Section,
            rng: np.random.Generator) -> list[Note]:
    """Quarter notes: the root on each chord, chord and scale tones between, a step into the
    next chord; now and then a skip (the beat and its off-beat eighth). A quiet or sparse
    section walks in two: half notes on the strong beats."""
    end = int(section.bars * context.meter.beats_per_bar)
    scale = theory.scale_pitches(context.key.scale_pcs, LOW, HIGH)
    two_feel = section.energy < 0.35 or "sparse" in section.marks
    skip_chance = 0.08 + 0.25 * section.energy
    notes: list[Note] = []
    pitch = CENTER
    for beat in range(end):
        chord = chord_at(section, beat)
        next_chord = chord_at(section, beat + 1) if beat + 1 < end else chord
        on_chord = abs(beat - chord.start_beats) < 1e-6
        if two_feel and not on_chord and not is_strong(beat, context.meter):
            continue
        if on_chord:
            pitch = theory.nearest_pitch(chord.root_pc, pitch, LOW, HIGH)
        elif next_chord is not chord:
            target = theory.nearest_pitch(next_chord.root_pc, pitch, LOW, HIGH)
            pitch = target - 1 if rng.random() < 0.5 else target + 1
        else:
            pitch = _walk_step(pitch, chord, scale, rng)
        vel = velocity(section.energy, 1.0 if beat % 2 == 0 else 0.5, 55, 45)
        length = 1.9 if two_feel else 0.9
        if not two_feel and not on_chord and beat + 1 < end and rng.random() < skip_chance:
            # a skip: the note, then a ghosted repeat on the off-beat eighth
            notes.append(_note(pitch, float(beat), 0.45, vel, context))
            notes.append(_note(pitch, beat + 0.5, 0.4, max(1, vel - 20), context))
            continue
        notes.append(_note(pitch, float(beat), length, vel, context))
    return _cut_overlaps(notes)


def fills(context: CompositionContext, section: Section, notes: list[Note],
          next_section: Section | None, rng: np.random.Generator) -> list[Note]:
    """Runs into the chord that opens each phrase: a walk-up of quarter notes in country,
    eighth notes in rock; always into the next section, at inner phrase ends by chance
    (every time when the section lifts)."""
    bar = context.meter.beats_per_bar
    country = resources.genre(context.primary_genre)["family"] == "country-folk"
    count, step = (3, 1.0) if country else (4, 0.5)
    span = count * step
    if span > bar:
        count, step = int(bar), 1.0
        span = count * step
    result = list(notes)
    chance = 1.0 if "lift" in section.marks else 0.25 + 0.35 * section.energy
    for phrase_end in range(PHRASE_BARS, section.bars, PHRASE_BARS):
        if rng.random() <= chance:
            result = _run(context, result, phrase_end * bar - span, count, step,
                          chord_at(section, phrase_end * bar), rng, section.energy)
    if next_section is not None and next_section.chords:
        result = _run(context, result, section.bars * bar - span, count, step,
                      next_section.chords[0], rng, section.energy)
    return result


def thinned(context: CompositionContext, section: Section, notes: list[Note]) -> list[Note]:
    """Only the notes on the chord changes and the strong beats, each held to the next."""
    starts = {round(c.start_beats, 6) for c in section.chords}
    kept = [n for n in notes
            if round(n.start_beats, 6) in starts or is_strong(n.start_beats, context.meter)]
    end = section.bars * context.meter.beats_per_bar
    held = []
    for i, note in enumerate(kept):
        stop = kept[i + 1].start_beats if i + 1 < len(kept) else end
        held.append(Note(note.pitch, note.start_beats, max(0.2, (stop - note.start_beats)
                                                           * 0.92),
                         note.velocity, note.chromatic))
    return held


def in_range(notes: list[Note]) -> list[Note]:
    """Every note at or above a bass guitar's low E (an octave up where it dipped below)."""
    result = []
    for note in notes:
        pitch = note.pitch
        while pitch < LOW:
            pitch += 12
        result.append(note if pitch == note.pitch else
                      Note(pitch, note.start_beats, note.duration_beats, note.velocity,
                           note.chromatic))
    return result


def _run(context: CompositionContext, notes: list[Note], start: float, count: int,
         step: float, target: Chord, rng: np.random.Generator, energy: float) -> list[Note]:
    """`count` scale steps toward the target's root, from below or above, from `start`."""
    if start <= 0:
        return notes
    before = [n for n in notes if n.start_beats < start]
    reference = max(before, key=lambda n: n.start_beats).pitch if before else CENTER
    goal = theory.nearest_pitch(target.root_pc, reference, LOW + 3, HIGH)
    scale = theory.scale_pitches(context.key.scale_pcs, LOW, HIGH + 3)
    below = [p for p in scale if p < goal][-count:]
    above = [p for p in scale if p > goal][:count][::-1]
    steps = below if (rng.random() < 0.6 or len(above) < count) else above
    if len(steps) < count:
        return notes
    kept = [_trimmed(n, start) for n in notes if n.start_beats < start - 1e-6]
    kept += [n for n in notes if n.start_beats >= start + count * step - 1e-6]
    run = [_note(p, start + i * step, step * 0.9, velocity(energy, 0.5, 55, 45), context)
           for i, p in enumerate(steps)]
    return sorted(kept + run, key=lambda n: n.start_beats)


def _trimmed(note: Note, at: float) -> Note:
    if note.end_beats > at:
        return Note(note.pitch, note.start_beats, max(0.1, at - note.start_beats - 0.02),
                    note.velocity, note.chromatic)
    return note


def _cut_overlaps(notes: list[Note]) -> list[Note]:
    result = []
    for i, note in enumerate(notes):
        nxt = notes[i + 1].start_beats if i + 1 < len(notes) else None
        result.append(_trimmed(note, nxt) if nxt is not None else note)
    return result


def _walk_step(pitch: int, chord: Chord, scale: list[int], rng: np.random.Generator) -> int:
    tones = [p for p in range(LOW, HIGH + 1) if p % 12 in chord.pitch_classes]
    near = [p for p in tones + scale if 0 < abs(p - pitch) <= 4]
    return int(rng.choice(near)) if near else pitch


def _note(pitch: int, start: float, length: float, vel: int, context: CompositionContext) -> Note:
    return Note(pitch, start, max(0.05, length), max(1, min(127, vel)),
                chromatic=not in_key(pitch, context))
