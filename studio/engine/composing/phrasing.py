"""Phrasing of the vocal line: how long each line is, where it breathes and which notes
are pushed ahead of the beat.

Lines of a section take one of three shapes, drawn once for the first section of a kind so
that the others of the kind phrase alike: a full phrase, a short one (half the phrase, then
a long rest) and a long one that runs on into the next line's first half bar (the next
line enters late and short). A shape is kept only where the line's stressed syllables stay
on strong beats as well as in its full slot (a short line: on half of them). Before a
line starts, the one before it gets a breath of a beat or more when the stresses allow (its
next line starts later or its last note is let go sooner). Styles that push the beat (pop,
r&b, latin, hip-hop...) sing some notes half a beat early, an anticipation of the beat the
syllable belongs to; folk and hymn-like styles stay on the beat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from studio.engine import resources
from studio.engine.lyrics.plan import LineSlot, pickup_beats
from studio.engine.lyrics.rhythm import Rhythm, fit_rhythm
from studio.engine.model import (
    CompositionContext,
    LyricLine,
    Meter,
    Note,
    Section,
    strong_beats,
)

# Share of a line's on-beat notes (after a note held a beat or more) sung half a beat early,
# by style family (resources/styles.toml): syncopated families push, folk and hymns do not.
PUSH_BY_FAMILY = {
    "pop": 0.35, "rnb-soul-funk": 0.45, "latin": 0.45, "hip-hop": 0.4, "electronic": 0.35,
    "reggae-caribbean": 0.4, "african": 0.4, "rock": 0.25, "jazz": 0.35, "blues": 0.3,
    "world": 0.2, "country-folk": 0.08, "classical-cinematic": 0.0,
    "ballroom-traditional": 0.05,
}
# Styles that sing otherwise than their family: calm ones float on the beat, some dance.
PUSH_BY_STYLE = {
    "ambient": 0.05, "ambient-drone": 0.0, "new-age": 0.05, "chillout": 0.15,
    "pop-ballad": 0.2, "power-ballad": 0.15, "celtic": 0.05, "fado": 0.1, "bossa-nova": 0.5,
    "funk": 0.5, "swing": 0.45, "gospel": 0.3,
}
SHAPES = ("full", "short", "long")
SHAPE_WEIGHTS = (0.4, 0.3, 0.3)
SHORT_ON_STRONG = 0.5
BREATH_BEATS = 1.0
PUSH_BEATS = 0.5
_ROWS, _POSITIONS = 32, 96


def push_amount(context: CompositionContext) -> float:
    """How often the song's style sings a note ahead of its beat (0 never)."""
    total = sum(context.genre_blend.values())
    if total <= 0:
        return 0.0
    styles = resources.genres()
    return sum(weight * PUSH_BY_STYLE.get(name, PUSH_BY_FAMILY.get(
        styles.get(name, {}).get("family", ""), 0.2))
        for name, weight in context.genre_blend.items()) / total


@dataclass(frozen=True)
class Sung:
    """One line as it is sung: its words (lower case), its slot's first downbeat, its
    shape, the row of push choices it used, per syllable the onset on the beat it belongs
    to, its length and pitch, whether the last syllable is a melisma, the notes (how many
    per syllable) and the chord under each syllable."""

    text: str
    start_beats: float
    shape: str
    row: int
    onsets: tuple[float, ...]
    durations: tuple[float, ...]
    pitches: tuple[int, ...]
    melisma: bool
    notes: tuple[Note, ...]
    counts: tuple[int, ...]
    harmony: tuple[tuple[int, ...], ...] = ()

    @property
    def end_beats(self) -> float:
        return self.notes[-1].end_beats

    def pitch_at(self, at_beats: float) -> int:
        """The pitch sung `at_beats` after the slot's first downbeat (the first pitch before
        the line starts)."""
        at = self.start_beats + at_beats
        sounding = [p for onset, p in zip(self.onsets, self.pitches, strict=True)
                    if onset <= at + 1e-9]
        return sounding[-1] if sounding else self.pitches[0]

    def sings_at(self, at_beats: float) -> bool:
        """Whether a syllable starts `at_beats` after the slot's first downbeat."""
        return any(abs(onset - self.start_beats - at_beats) < 1e-6 for onset in self.onsets)

    def moved(self, by_beats: float, text: str) -> Sung:
        notes = tuple(replace(n, start_beats=n.start_beats + by_beats) for n in self.notes)
        return replace(self, text=text.strip().lower(), start_beats=self.start_beats + by_beats,
                       onsets=tuple(t + by_beats for t in self.onsets), notes=notes)

    def placed(self, line: LyricLine, first_note: int) -> LyricLine:
        """The line with each syllable pointing at its notes, the first at `first_note`."""
        syllables, index = [], first_note
        for syllable, count in zip(line.syllables, self.counts, strict=True):
            syllables.append(replace(syllable, note_index=index, note_count=count))
            index += count
        return replace(line, syllables=tuple(syllables))


class Phrasing:
    """The rhythmic decisions for one section's lines, seeded by its kind's first section."""

    def __init__(self, meter: Meter, section: Section, push: float,
                 rng: np.random.Generator, scale_pcs: tuple[int, ...]) -> None:
        self.meter, self.section, self.push, self.scale_pcs = meter, section, push, scale_pcs
        self.shapes = [SHAPES[int(i)] for i in rng.choice(len(SHAPES), size=_ROWS,
                                                          p=SHAPE_WEIGHTS)]
        self.pushes = rng.random((_ROWS, _POSITIONS))
        self.late: dict[int, LineSlot] = {}
        # a style that does not push keeps its syllables on the beats too
        self.off_beat = max(0.0, 0.6 - 2.0 * push)

    def rhythm(self, stresses: tuple[int, ...], slot: LineSlot, index: int,
               prior: Sung | None, template: Sung | None, follow: bool = False,
               following: tuple[tuple[int, ...], LineSlot] | None = None,
               opening: int = 0) -> tuple[Rhythm, str]:
        """The line's rhythm and shape: the first candidate slot that keeps its stresses on
        strong beats as well as the full slot does. A line that `follow`s its template
        takes the template's shape too. A long line runs on into the next line's first half
        bar when that line (`following`: its stresses and slot) can enter late. The first
        `opening` syllables keep to the template's rhythm firmly (a motif's)."""
        relative = () if template is None else tuple(t - template.start_beats
                                                     for t in template.onsets)
        firsts = relative[:opening]
        full = fit_rhythm(stresses, slot, self.meter, relative) or _even_rhythm(stresses, slot)
        late = self.late.pop(index, None)
        shape = template.shape if follow and template else self.shapes[index % _ROWS]
        candidates = [(slot, "full")]
        if late is not None:
            candidates = [(late, "late")]
        elif shape == "short":
            candidates.insert(0, (self._short(slot), "short"))
        elif shape == "long" and following is not None and self.can_enter_late(*following):
            candidates.insert(0, (replace(slot, end_beats=slot.end_beats + self._late_beats()),
                                  "long"))
        if prior is not None:
            breath = prior.onsets[-1] + min(1.0, prior.durations[-1]) + BREATH_BEATS
            candidates = [(_after(s, breath), name) for s, name in candidates] + candidates
        for candidate, name in candidates:
            # a short line is sung on eighths: sixteenths would rush its words
            grids = (0.5,) if name in ("short", "late") else (0.5, 0.25)
            found = fit_rhythm(stresses, candidate, self.meter, relative, grids, firsts,
                               self.off_beat)
            if found is not None and (name == "late" or self._keeps(found, full, name)):
                if name == "long":
                    self.reserve_late(index + 1, following[1])
                return found, name
        return full, "full"

    def can_enter_late(self, stresses: tuple[int, ...], slot: LineSlot) -> bool:
        """Whether a line can be sung short, entering half a bar after its first downbeat."""
        full = fit_rhythm(stresses, slot, self.meter)
        found = fit_rhythm(stresses, self._late(slot), self.meter, (), (0.5,))
        return full is not None and found is not None and self._keeps(found, full, "short")

    def reserve_late(self, index: int, slot: LineSlot) -> None:
        """Line `index` enters late: the line before it runs on into its first half bar."""
        self.late[index] = self._late(slot)

    def _keeps(self, found: Rhythm, full: Rhythm, shape: str) -> bool:
        """Whether a shaped rhythm keeps the line's stresses: as well as its full slot does,
        or for a short line (sung on the beats, no sixteenths) on half the strong beats."""
        if shape == "short":
            return (found.on_strong >= min(full.on_strong, SHORT_ON_STRONG) - 1e-9
                    and min(found.durations) >= 0.5)
        return found.on_strong >= full.on_strong - 1e-9

    def _short(self, slot: LineSlot) -> LineSlot:
        phrase = slot.end_beats - slot.start_beats + pickup_beats(self.meter)
        half = round(phrase / 2 / self.meter.beats_per_bar) * self.meter.beats_per_bar
        return replace(slot, end_beats=min(slot.end_beats, slot.start_beats + max(half, 1.0)))

    def _late_beats(self) -> float:
        """Where a late line enters: the bar's second strong beat, else its last beat."""
        strong = strong_beats(self.meter)
        return strong[1] if len(strong) > 1 else self.meter.beats_per_bar - 1.0

    def _late(self, slot: LineSlot) -> LineSlot:
        start = slot.start_beats + self._late_beats()
        return LineSlot(start, start - pickup_beats(self.meter), slot.end_beats)

    def sung(self, slot: LineSlot, shape: str, row: int, rhythm: Rhythm,
             pitches: tuple[int, ...], melisma: bool, velocities: tuple[int, ...],
             below: Callable[[int], int], text: str) -> Sung:
        """The line's notes: pushes ahead of the beat, and the melisma on its last
        syllable."""
        notes: list[Note] = []
        counts = []
        beat = 1.5 if self.meter.is_compound else 1.0
        for j, (onset, length, pitch, loud) in enumerate(
                zip(rhythm.onsets, rhythm.durations, pitches, velocities, strict=True)):
            start = onset
            if j > 0 and self._pushed(row, onset - slot.start_beats, beat) \
                    and notes[-1].duration_beats >= 2 * PUSH_BEATS:
                start = onset - PUSH_BEATS
                notes[-1] = replace(notes[-1], duration_beats=notes[-1].duration_beats
                                    - PUSH_BEATS)
            note = Note(pitch, start, length + onset - start, loud,
                        chromatic=pitch % 12 not in self.scale_pcs)
            if j == len(pitches) - 1 and melisma:
                # the second note starts a whole beat later, on the beat when the first does
                half = float(max(1, int(length // 2)))
                second = below(pitch)
                notes += [replace(note, duration_beats=half + onset - start),
                          replace(note, pitch=second, start_beats=onset + half,
                                  duration_beats=length - half, chromatic=False)]
                counts.append(2)
            else:
                notes.append(note)
                counts.append(1)
        return Sung(text.strip().lower(), slot.start_beats, shape, row, rhythm.onsets,
                    rhythm.durations, pitches, melisma, tuple(notes), tuple(counts))

    def _pushed(self, row: int, at_beats: float, beat: float) -> bool:
        if abs(at_beats / beat - round(at_beats / beat)) > 1e-6:
            return False  # only notes on a beat are sung ahead of it
        position = int(round(at_beats * 2)) % _POSITIONS
        return bool(self.pushes[row % _ROWS, position] < self.push)

    def breathe(self, lines: list[Sung]) -> list[Sung]:
        """The lines with each last note let go a beat before the next line when it can
        still be held half a beat."""
        result = list(lines)
        sung = [i for i, line in enumerate(result) if line.notes]
        for i, j in zip(sung, sung[1:], strict=False):
            line, following = result[i], result[j]
            last = line.notes[-1]
            room = following.notes[0].start_beats - BREATH_BEATS - last.start_beats
            if last.end_beats > following.notes[0].start_beats - BREATH_BEATS and room >= 0.5:
                notes = (*line.notes[:-1], replace(last, duration_beats=room))
                result[i] = replace(line, notes=notes)
        return result


def _after(slot: LineSlot, breath_beats: float) -> LineSlot:
    """The slot with no pickup before `breath_beats` (its first downbeat stays)."""
    return replace(slot, earliest_beats=min(slot.start_beats,
                                            max(slot.earliest_beats, breath_beats)))


def _even_rhythm(stresses: tuple[int, ...], slot: LineSlot) -> Rhythm:
    count = len(stresses)
    step = (slot.end_beats - slot.start_beats) / max(1, count)
    onsets = tuple(slot.start_beats + i * step for i in range(count))
    return Rhythm(onsets, tuple(step for _ in onsets), 0.0)
