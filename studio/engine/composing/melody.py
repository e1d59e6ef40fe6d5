"""The vocal melody: a singable line for the lyrics, fitted syllable by syllable.

Each line's rhythm comes from its stresses (lyrics.rhythm): one note per syllable, stressed
syllables on strong beats, a breath before the next line. Pitches follow an arch per line,
higher in the chorus, lower at the end of an answering line: notes on strong beats and
stressed syllables take chord tones, the rest step through the scale. Every pitch is
in the key and inside a window of at most an octave and a half of the voice's range. A
chorus's last long syllable may be sung over two notes (a melisma, marked on the syllable).
Sections of one kind with the same chords draw from one seeded generator, so a chorus with
the same lyrics sings the same notes every time.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from studio.engine import theory
from studio.engine.composing.generators.common import chord_at, velocity
from studio.engine.lyrics.plan import LineSlot, line_slots
from studio.engine.lyrics.rhythm import Rhythm, fit_rhythm
from studio.engine.model import (
    Composition,
    CompositionContext,
    LyricLine,
    Note,
    Part,
    Section,
    SectionLyrics,
    VocalPart,
    is_strong,
)
from studio.engine.rng import rng_for
from studio.engine.singing import presets

DEFAULT_VOICE_RANGE = (55, 74)
MAX_SPAN = 18
MELISMA_CHANCE = 0.5
_TESSITURA = {"verse": 0.4, "pre-chorus": 0.5, "chorus": 0.62, "bridge": 0.48}
_ARCH = {"verse": 4.0, "pre-chorus": 4.5, "chorus": 5.0, "bridge": 4.0}


def vocal_melody(composition: Composition, lyrics: dict[int, SectionLyrics],
                 voice_range: tuple[int, int] | None = None,
                 variation: int = 0) -> dict[int, VocalPart]:
    """The vocal part of every section that has lyrics, by section id."""
    return {section_id: section_melody(composition, section_lyrics, voice_range, variation)
            for section_id, section_lyrics in lyrics.items()}


def section_melody(composition: Composition, lyrics: SectionLyrics,
                   voice_range: tuple[int, int] | None = None,
                   variation: int = 0) -> VocalPart:
    """One section's vocal notes, with every syllable pointing at its notes. Without a
    range given, the melody keeps to the range of the vocal lane's voice."""
    section = next(s for s in composition.sections if s.id == lyrics.section_id)
    twin = _twin(composition, section)
    rng = rng_for(composition.context.seed, twin.id, "vocal", variation)
    low, high = singable_window(voice_range or sung_range(composition))
    meter = composition.context.meter
    slots = line_slots(meter, section, len(lyrics.lines))
    singer = _Singer(composition.context, section, section.energy, low, high, rng)
    lines = []
    for index, (line, slot) in enumerate(zip(lyrics.lines, slots, strict=True)):
        stresses = tuple(s.stress for s in line.syllables)
        rhythm = fit_rhythm(stresses, slot, meter) or _even_rhythm(len(stresses), slot)
        closing = index == len(lyrics.lines) - 1
        lines.append(singer.sing(line, rhythm, index, closing))
    return VocalPart(section.id, tuple(singer.notes), replace(lyrics, lines=tuple(lines)))


def sung_range(composition: Composition) -> tuple[int, int]:
    """The MIDI range of the voice chosen for the vocal lane; the usual one when none is."""
    lane = composition.lanes.get("vocal")
    if lane is None or lane.voice is None:
        return DEFAULT_VOICE_RANGE
    return presets.voice_range(composition)


def singable_window(voice_range: tuple[int, int]) -> tuple[int, int]:
    """The part of a voice's range a melody uses: all of it up to an octave and a half."""
    low, high = sorted(voice_range)
    if high - low < 7:
        raise ValueError(f"a voice range of {high - low} semitones is too narrow to sing in")
    spare = max(0, high - low - MAX_SPAN)
    return low + spare // 2, high - (spare - spare // 2)


def as_part(vocal: VocalPart, variation: int = 0) -> Part:
    """The vocal notes as a lane part, for playback and MIDI export."""
    return Part("vocal", vocal.section_id, vocal.notes, variation)


def _twin(composition: Composition, section: Section) -> Section:
    """The first section of the same kind, length and chords: it seeds this one's melody."""
    return next(s for s in composition.sections
                if (s.kind, s.bars, s.chords) == (section.kind, section.bars, section.chords))


def _even_rhythm(count: int, slot: LineSlot) -> Rhythm:
    step = (slot.end_beats - slot.start_beats) / max(1, count)
    onsets = tuple(slot.start_beats + i * step for i in range(count))
    return Rhythm(onsets, tuple(step for _ in onsets), 0.0)


class _Singer:
    """Chooses pitches line by line, remembering where the voice is."""

    def __init__(self, context: CompositionContext, section: Section, energy: float,
                 low: int, high: int, rng: np.random.Generator) -> None:
        self.context, self.section, self.energy, self.rng = context, section, energy, rng
        self.low, self.high = low, high
        self.scale = theory.scale_pitches(context.key.scale_pcs, low, high)
        self.centre = low + (high - low) * _TESSITURA.get(section.kind, 0.5)
        self.previous = int(round(self.centre))
        self.notes: list[Note] = []

    def sing(self, line: LyricLine, rhythm: Rhythm, index: int, closing: bool) -> LyricLine:
        """The line's notes appended; the line returned with its syllables placed."""
        count = len(rhythm.onsets)
        lift = float(self.rng.integers(-2, 3))
        syllables = []
        for j, (syllable, onset, length) in enumerate(
                zip(line.syllables, rhythm.onsets, rhythm.durations, strict=True)):
            shape = j / (count - 1) if count > 1 else 0.5
            target = (self.centre + lift + _ARCH.get(self.section.kind, 3.0)
                      * math.sin(math.pi * shape) - (2.0 * shape if index % 2 else 0.0))
            last = j == count - 1
            pitch = self._pitch(onset, length, syllable.stress, target, last and closing,
                                chord_tone=last or syllable.stress == 1
                                or is_strong(onset, self.context.meter))
            first_note = len(self.notes)
            self._add(pitch, onset, length)
            if last and self._melisma(line, length):
                self._split_last()
            syllables.append(replace(syllable, note_index=first_note,
                                     note_count=len(self.notes) - first_note))
            self.previous = pitch
        return replace(line, syllables=tuple(syllables))

    def _pitch(self, onset: float, length: float, stress: int, target: float, settle: bool,
               chord_tone: bool) -> int:
        scale_pcs = set(self.context.key.scale_pcs)
        if chord_tone:
            chord_pcs = set(chord_at(self.section, onset).pitch_classes)
            pcs = chord_pcs & scale_pcs or chord_pcs
            if settle:
                tonic_triad = {self.context.key.scale_pcs[i] for i in (0, 2, 4)}
                pcs = pcs & tonic_triad or pcs
            options = [p for p in range(self.low, self.high + 1) if p % 12 in pcs]
        else:
            options = [p for p in self.scale if abs(p - self.previous) <= 4]
        options = options or self.scale
        jitter = self.rng.random(len(options)) * 0.8
        return min(zip(options, jitter, strict=True),
                   key=lambda o: self._cost(o[0], target) + o[1])[0]

    def _cost(self, pitch: int, target: float) -> float:
        leap = abs(pitch - self.previous)
        # near the contour, small steps over leaps, and not stuck on one pitch
        return (abs(pitch - target) + 0.35 * leap + (3.0 if leap > 7 else 0.0)
                + (8.0 if leap > 9 else 0.0) + (1.5 if leap == 0 else 0.0))

    def _add(self, pitch: int, onset: float, length: float) -> None:
        accent = 1.0 if is_strong(onset, self.context.meter) else 0.5
        self.notes.append(Note(pitch, onset, length, velocity(self.energy, accent, 60, 40),
                               chromatic=pitch % 12 not in self.context.key.scale_pcs))

    def _melisma(self, line: LyricLine, length: float) -> bool:
        if self.section.kind != "chorus" or length < 2.0:
            return False
        return bool(self.rng.random() < MELISMA_CHANCE)

    def _split_last(self) -> None:
        """Sing the held last syllable over two notes: its pitch, then the scale step below."""
        note = self.notes.pop()
        # the second note starts a whole beat later, on the beat when the first one does
        half = float(max(1, int(note.duration_beats // 2)))
        below = [p for p in self.scale if p < note.pitch]
        second = below[-1] if below else next(p for p in self.scale if p > note.pitch)
        self.notes.append(replace(note, duration_beats=half))
        self.notes.append(replace(note, pitch=second, start_beats=note.start_beats + half,
                                  duration_beats=note.duration_beats - half, chromatic=False))
