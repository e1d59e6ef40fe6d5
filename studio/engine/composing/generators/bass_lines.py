"""Bass lines of imported grooves laid over the song's chords.

A style file's bass line was played over a C major chord. Each of its notes is moved to the
chord sounding at its time: chord tones stay chord tones (C's third becomes this chord's
third, minor or major), other steps move along the key's scale from the chord's root (the
D of a C line is the second scale step above this root), and the line keeps its contour
around the root in the bass register. The rhythm, lengths and accents are the style's.
"""

from __future__ import annotations

from studio.engine import theory
from studio.engine.composing.generators.common import chord_at, in_key
from studio.engine.composing.groove_library import Pattern
from studio.engine.model import Chord, CompositionContext, Note, Section

LOW, HIGH, CENTER = 28, 55, 40
# semitones above C -> (index of the chord tone, else None) and scale steps above the root
_CHORD_TONE = {0: 0, 3: 1, 4: 1, 7: 2, 10: 3, 11: 3}
_SCALE_STEP = {0: 0, 1: 0, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 5, 9: 5, 10: 6, 11: 6}
_LOUDEST = 100


def play(context: CompositionContext, section: Section, line: Pattern) -> list[Note]:
    """The line repeated over the section, each note placed on the chord of its time."""
    end = section.bars * context.meter.beats_per_bar
    reference = _root_reference(line)
    loudest = max(v for _, _, _, v in line.bass)
    scale = 0.8 + 0.35 * section.energy
    notes: list[Note] = []
    start = 0.0
    while start < end - 1e-9:
        for beat, semitones, length, vel in line.bass:
            at = start + beat
            if at >= end - 1e-9:
                continue
            chord = chord_at(section, at)
            root = theory.nearest_pitch(chord.root_pc, CENTER, LOW, HIGH - 12)
            pitch = _placed(semitones - reference, chord, root, context)
            notes.append(Note(pitch, at, max(0.1, min(length, end - at)),
                              int(max(1, min(127, round(vel * _LOUDEST / loudest * scale)))),
                              chromatic=not in_key(pitch, context)))
        start += line.beats
    return notes


def _root_reference(line: Pattern) -> int:
    """The semitones of the line's home C: its lowest C, or the C below its lowest note."""
    lowest = min(s for _, s, _, _ in line.bass)
    roots = [s for _, s, _, _ in line.bass if s % 12 == 0]
    return min(roots) if roots else lowest - lowest % 12


def _placed(offset: int, chord: Chord, root: int, context: CompositionContext) -> int:
    """A note `offset` semitones above the line's C, moved onto this chord."""
    interval = offset % 12
    pc = _pitch_class(interval, chord, context)
    target = root + offset  # the contour around the root, octave for octave
    return theory.nearest_pitch(pc, target, LOW, HIGH)


def _pitch_class(interval: int, chord: Chord, context: CompositionContext) -> int:
    tones = chord.pitch_classes
    index = _CHORD_TONE.get(interval)
    if index is not None and index < len(tones):
        return tones[index]
    scale = context.key.scale_pcs
    if chord.root_pc not in scale:
        return (chord.root_pc + interval) % 12  # a chord from outside the key moves as a block
    degree = scale.index(chord.root_pc)
    pc = scale[(degree + _SCALE_STEP[interval]) % len(scale)]
    if interval in (1, 6, 8):  # a chromatic passing note stays a semitone off its step
        return (pc + 1) % 12 if interval != 8 else (pc - 1) % 12
    return pc
