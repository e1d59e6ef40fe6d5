"""The vocal melody: a singable line for the lyrics, fitted syllable by syllable.

Each line's rhythm comes from its stresses (lyrics.rhythm): one note per syllable, stressed
syllables on strong beats, a breath before the next line (composing.phrasing varies the
phrase lengths, pushes notes ahead of the beat as the style does and leaves a beat or two
between lines). Pitches follow an arch per line, higher in the chorus, lower at the end of
an answering line: notes on strong beats and stressed syllables take chord tones, the rest
step through the scale. Every pitch is in the key and inside a window of at most an octave
and a half of the voice's range. A chorus's last long syllable may be sung over two notes
(a melisma, marked on the syllable).

A song's tune returns as a topline writer's does. The first section of each kind is its
model: a later verse sings the first verse's tune fitted to its own syllables (its rhythm
where the stresses allow, its pitches where the chords allow), and a line whose words were
sung before sings the same notes. The first chorus is built on its hook: its other lines
take the hook line's rhythm and contour, moved to fit their chords.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from studio.engine import theory
from studio.engine.composing.generators.common import chord_at, velocity
from studio.engine.composing.phrasing import Phrasing, Sung, push_amount
from studio.engine.lyrics.plan import LineSlot, line_slots
from studio.engine.lyrics.rhythm import Rhythm
from studio.engine.model import (
    Composition,
    LyricLine,
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
MOTIF_NOTES = 4
LEANING_NOTES = 2  # strong beats a returning hook may sing against the chord
_TESSITURA = {"verse": 0.4, "pre-chorus": 0.5, "chorus": 0.62, "bridge": 0.48}
_ARCH = {"verse": 4.0, "pre-chorus": 4.5, "chorus": 5.0, "bridge": 4.0}


def vocal_melody(composition: Composition, lyrics: dict[int, SectionLyrics],
                 voice_range: tuple[int, int] | None = None,
                 variation: int = 0) -> dict[int, VocalPart]:
    """The vocal part of every section that has lyrics, by section id."""
    return {section_id: _melody(composition, section_lyrics, voice_range, variation,
                                lyrics)[0]
            for section_id, section_lyrics in lyrics.items()}


def section_melody(composition: Composition, lyrics: SectionLyrics,
                   voice_range: tuple[int, int] | None = None,
                   variation: int = 0) -> VocalPart:
    """One section's vocal notes, with every syllable pointing at its notes. Without a
    range given, the melody keeps to the range of the vocal lane's voice. A section that is
    not the first of its kind follows the first one's tune (its lyrics from the
    composition)."""
    return _melody(composition, lyrics, voice_range, variation, {})[0]


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


def model_section(composition: Composition, section: Section) -> Section:
    """The first section of this one's kind: the one whose tune the others of the kind
    follow (itself when it is the first)."""
    return next(s for s in composition.sections if s.kind == section.kind)


def _melody(composition: Composition, lyrics: SectionLyrics,
            voice_range: tuple[int, int] | None, variation: int,
            given: dict[int, SectionLyrics]) -> tuple[VocalPart, list[Sung]]:
    section = next(s for s in composition.sections if s.id == lyrics.section_id)
    model = model_section(composition, section)
    model_lyrics = given.get(model.id) or composition.lyrics.get(model.id)
    model_lines: list[Sung] = []
    if model.id != section.id and model_lyrics is not None and model_lyrics.lines:
        model_lines = _melody(composition, model_lyrics, voice_range, variation, given)[1]
    rng = rng_for(composition.context.seed, _twin(composition, section).id, "vocal",
                  variation)
    low, high = singable_window(voice_range or sung_range(composition))
    phrasing = Phrasing(composition.context.meter, section, push_amount(composition.context),
                        rng_for(composition.context.seed, model.id, "vocal:phrasing",
                                variation), composition.context.key.scale_pcs)
    singer = _Singer(composition, section, low, high, rng, phrasing, model_lines)
    slots = line_slots(composition.context.meter, section, len(lyrics.lines))
    for index, (line, slot) in enumerate(zip(lyrics.lines, slots, strict=True)):
        following = None
        if index + 1 < len(slots):
            following = (tuple(s.stress for s in lyrics.lines[index + 1].syllables),
                         slots[index + 1])
        singer.sing(line, slot, index, following)
    sung = phrasing.breathe(singer.lines)
    notes, lines = [], []
    for line, tune in zip(lyrics.lines, sung, strict=True):
        lines.append(tune.placed(line, len(notes)))
        notes.extend(tune.notes)
    return VocalPart(section.id, tuple(notes), replace(lyrics, lines=tuple(lines))), sung


def _twin(composition: Composition, section: Section) -> Section:
    """The first section of the same kind, length and chords: it seeds this one's melody."""
    return next(s for s in composition.sections
                if (s.kind, s.bars, s.chords) == (section.kind, section.bars, section.chords))


@dataclass(frozen=True)
class _Reference:
    """Another line this one is sung after: copied note for note ("copy"), followed in
    rhythm and pitch ("follow"), or followed moved by `shift` semitones ("motif")."""

    mode: str
    line: Sung
    shift: int = 0


class _Singer:
    """Chooses rhythm and pitches line by line, remembering where the voice is."""

    def __init__(self, composition: Composition, section: Section, low: int, high: int,
                 rng: np.random.Generator, phrasing: Phrasing, model_lines: list[Sung]) -> None:
        self.context, self.section, self.rng = composition.context, section, rng
        self.phrasing, self.model_lines = phrasing, model_lines
        self.low, self.high = low, high
        self.scale = theory.scale_pitches(self.context.key.scale_pcs, low, high)
        self.centre = low + (high - low) * _TESSITURA.get(section.kind, 0.5)
        self.previous = int(round(self.centre))
        self.lines: list[Sung] = []

    def sing(self, line: LyricLine, slot: LineSlot, index: int,
             following: tuple[tuple[int, ...], LineSlot] | None) -> None:
        """The line's notes, after a line it repeats or follows when there is one.
        `following` is the next line's stresses and slot (None for the last line)."""
        stresses = tuple(s.stress for s in line.syllables)
        closing = following is None
        if not stresses:  # nothing to sing: the line stays silent
            self.lines.append(Sung(line.text.strip().lower(), slot.start_beats, "full", index,
                                   (), (), (), False, (), ()))
            return
        reference = self._reference(line, slot, index)
        if reference is not None and reference.mode == "copy":
            copied = self._copy(reference.line, line, slot, stresses, index, following)
            if copied is not None:
                self.lines.append(copied)
                self.previous = copied.pitches[-1]
                return
            reference = _Reference("follow", reference.line)
        prior = self._prior()
        template = reference.line if reference is not None else None
        motif = reference is not None and reference.mode == "motif"
        rhythm, shape = self.phrasing.rhythm(stresses, slot, index, prior, template,
                                             template is not None and not motif, following,
                                             MOTIF_NOTES if motif else 0)
        if reference is not None and reference.mode == "motif":
            reference = replace(reference, shift=self._shift(reference.line, rhythm, slot))
        lift = float(self.rng.integers(-2, 3))
        pitches = []
        leaning: list[float] = []  # strong beats the hook sings against the chord
        for j, (stress, onset) in enumerate(zip(stresses, rhythm.onsets, strict=True)):
            last = j == len(stresses) - 1
            strong = is_strong(onset, self.context.meter)
            target = self._target(reference, onset - slot.start_beats, j, len(stresses), lift,
                                  index, closing)
            motif = self._motif_note(reference, j, last)
            if motif and strong and not self._fits(target, onset, True) and self._fits(
                    target, onset, False) and _may_lean([*leaning, rhythm.durations[j]]):
                leaning.append(rhythm.durations[j])
                strong = False
            if motif and self._fits(target, onset, strong):
                pitch = int(target)  # the hook's opening, moved to this line's chords
            else:
                exact = reference is not None and reference.line.sings_at(
                    onset - slot.start_beats)
                pitch = self._pitch(onset, target, last and closing, last or stress == 1
                                    or strong, exact)
            pitches.append(pitch)
            self.previous = pitch
        melisma = self._melisma(rhythm, reference)
        row = reference.line.row if reference is not None else index
        sung = self.phrasing.sung(slot, shape, row, rhythm, tuple(pitches), melisma,
                                  self._velocities(rhythm), self._below, line.text)
        harmony = tuple(chord_at(self.section, t).pitch_classes for t in rhythm.onsets)
        self.lines.append(replace(sung, harmony=harmony))

    def _reference(self, line: LyricLine, slot: LineSlot, index: int) -> _Reference | None:
        text = line.text.strip().lower()
        # the model's line in this place first: a chorus sung again is the first one as
        # it was breathed, note for note
        same_place = self.model_lines[index:index + 1]
        for earlier in (*same_place, *self.lines, *self.model_lines):
            if earlier.text == text and earlier.notes:
                return _Reference("copy", earlier)
        if self.model_lines:
            model = self.model_lines[index % len(self.model_lines)]
            return _Reference("follow", model) if model.notes else None
        if self.section.kind == "chorus" and self.lines and self.lines[0].notes:
            return _Reference("motif", self.lines[0])
        return None

    def _prior(self) -> Sung | None:
        """The last line sung so far that has notes."""
        return next((sung for sung in reversed(self.lines) if sung.notes), None)

    def _copy(self, earlier: Sung, line: LyricLine, slot: LineSlot, stresses: tuple[int, ...],
              index: int, following: tuple[tuple[int, ...], LineSlot] | None) -> Sung | None:
        """The earlier line's notes moved to this slot, when they fit its chords and time
        (a long line only when the next line can enter late)."""
        if len(earlier.onsets) != len(stresses):
            return None
        if earlier.shape == "long" and (following is None
                                        or not self.phrasing.can_enter_late(*following)):
            return None
        moved = earlier.moved(slot.start_beats - earlier.start_beats, line.text)
        prior = self._prior()
        prior_end = prior.end_beats if prior is not None else 0.0
        section_end = self.section.bars * self.context.meter.beats_per_bar
        if moved.notes[0].start_beats < prior_end + 0.5 or moved.end_beats > section_end:
            return None
        if tuple(chord_at(self.section, t).pitch_classes for t in moved.onsets) == \
                earlier.harmony:
            # the same chords under the same words: the same notes
            return self._keep_copy(moved, index, following)
        for j, (onset, pitch) in enumerate(zip(moved.onsets, moved.pitches, strict=True)):
            needs_chord = (j == len(stresses) - 1 or stresses[j] == 1
                           or is_strong(onset, self.context.meter))
            if needs_chord and pitch % 12 not in self._chord_pcs(onset):
                return None
        return self._keep_copy(moved, index, following)

    def _keep_copy(self, moved: Sung, index: int,
                   following: tuple[tuple[int, ...], LineSlot] | None) -> Sung:
        if moved.shape == "long" and following is not None:
            self.phrasing.reserve_late(index + 1, following[1])
        return moved

    def _shift(self, hook: Sung, rhythm: Rhythm, slot: LineSlot) -> int:
        """How far to move the hook's opening notes for this line: not at all when they
        fit its chords but for strong beats it may lean on (_may_lean) (the hook
        returns as it was, as pop hooks do over moving chords), else the smallest move
        that keeps them in key and in range and puts chord tones on the strong beats."""
        best, best_cost = 0, float("inf")
        opening = list(zip(rhythm.onsets, rhythm.durations, hook.pitches, strict=False))
        for shift in range(-7, 8):
            if not all(self._fits(p + shift, t, False) for t, _, p in opening[:MOTIF_NOTES]):
                continue
            clashes = [length for t, length, p in opening[:MOTIF_NOTES]
                       if not self._fits(p + shift, t, is_strong(t, self.context.meter))]
            cost = (0.0 if shift == 0 and _may_lean(clashes)
                    else 0.15 * abs(shift) + 2.0 * len(clashes))
            if cost < best_cost:
                best, best_cost = shift, cost
        return best

    def _motif_note(self, reference: _Reference | None, j: int, last: bool) -> bool:
        return (reference is not None and reference.mode == "motif" and j < MOTIF_NOTES
                and j < len(reference.line.pitches) and not last)

    def _fits(self, pitch: float, onset: float, chord_tone: bool) -> bool:
        """Whether a pitch is in key and range (and a chord tone here, when asked)."""
        if not float(pitch).is_integer() or not self.low <= pitch <= self.high:
            return False
        pcs = self._chord_pcs(onset) if chord_tone else set(self.context.key.scale_pcs)
        return int(pitch) % 12 in pcs

    def _target(self, reference: _Reference | None, at: float, j: int, count: int,
                lift: float, index: int, closing: bool) -> float:
        if self._motif_note(reference, j, j == count - 1):
            return float(reference.line.pitches[j] + reference.shift)
        if reference is not None and not (reference.mode == "motif" and closing):
            return float(reference.line.pitch_at(at) + reference.shift)
        shape = j / (count - 1) if count > 1 else 0.5
        return (self.centre + lift + _ARCH.get(self.section.kind, 3.0)
                * math.sin(math.pi * shape) - (2.0 * shape if index % 2 else 0.0))

    def _chord_pcs(self, onset: float) -> set[int]:
        chord_pcs = set(chord_at(self.section, onset).pitch_classes)
        return chord_pcs & set(self.context.key.scale_pcs) or chord_pcs

    def _pitch(self, onset: float, target: float, settle: bool, chord_tone: bool,
               exact: bool = False) -> int:
        if chord_tone:
            pcs = self._chord_pcs(onset)
            if settle:
                tonic_triad = {self.context.key.scale_pcs[i] for i in (0, 2, 4)}
                pcs = pcs & tonic_triad or pcs
            options = [p for p in range(self.low, self.high + 1) if p % 12 in pcs]
        else:
            options = [p for p in self.scale if abs(p - self.previous) <= 4]
        options = options or self.scale
        if exact and float(target).is_integer() and int(target) in options:
            return int(target)  # the tune this line follows fits here as it is
        jitter = self.rng.random(len(options)) * 0.8
        return min(zip(options, jitter, strict=True),
                   key=lambda o: self._cost(o[0], target) + o[1])[0]

    def _cost(self, pitch: int, target: float) -> float:
        leap = abs(pitch - self.previous)
        # near the contour, small steps over leaps, and not stuck on one pitch
        return (abs(pitch - target) + 0.35 * leap + (3.0 if leap > 7 else 0.0)
                + (8.0 if leap > 9 else 0.0) + (1.5 if leap == 0 else 0.0))

    def _velocities(self, rhythm: Rhythm) -> tuple[int, ...]:
        return tuple(velocity(self.section.energy,
                              1.0 if is_strong(onset, self.context.meter) else 0.5, 60, 40)
                     for onset in rhythm.onsets)

    def _melisma(self, rhythm: Rhythm, reference: _Reference | None) -> bool:
        if self.section.kind != "chorus" or rhythm.durations[-1] < 2.0:
            return False
        if reference is not None and reference.mode == "follow":
            return reference.line.melisma
        return bool(self.rng.random() < MELISMA_CHANCE)

    def _below(self, pitch: int) -> int:
        """The scale step below a pitch (above it at the bottom of the window)."""
        below = [p for p in self.scale if p < pitch]
        return below[-1] if below else next(p for p in self.scale if p > pitch)


def _may_lean(lengths: list[float]) -> bool:
    """Whether a hook may sing these strong-beat notes (their lengths in beats) against
    the chord: two at most, each passing within a beat (as an appoggiatura does)."""
    return len(lengths) <= LEANING_NOTES and all(length <= 1.0 for length in lengths)
