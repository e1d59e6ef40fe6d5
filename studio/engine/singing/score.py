"""What the vocal lane sings, line by line: the notes and words of each line as a LineScore,
the octave the voice sings the melody in, and the cache of sung lines.

Pure model logic (no audio libraries), so the renderer can hash what a section sings
without loading the singer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.engine.model import Composition, Lane, Note, SectionLyrics, Voice
from studio.engine.singing.presets import VoiceParams, default_preset

MAX_LEAD_S = 1.0  # a line needs at most this much of the quiet before it (breath, consonants)

# What a line is spoken from (world.line_analysis's arguments): its words, the word of each
# syllable, the speech voice and its pitch
SpokenLine = tuple[str, tuple[int, ...], str, int]


@dataclass(frozen=True)
class SungNote:
    """A note of a line, in seconds from the line's first note; pitch in MIDI (may be
    fractional); vibrato and portamento scale the voice's."""

    start_s: float
    end_s: float
    pitch: float
    velocity: int
    vibrato: float = 1.0
    portamento: float = 1.0


@dataclass(frozen=True)
class LineScore:
    """What one line sings: its words, the word of each syllable, each syllable's notes, the
    quiet time before its first note, the section's energy and the breath level (0 none)."""

    text: str
    syllable_words: tuple[int, ...]
    syllables: tuple[tuple[SungNote, ...], ...]
    lead_s: float
    energy: float
    breath: float = 1.0


@dataclass
class LineCache:
    """Sung lines by hash; `sung` counts lines actually sung (not found here)."""

    max_lines: int = 400  # about 200 MB of lines at 44.1 kHz; a song has some 40
    lines: dict[str, tuple[np.ndarray, int]] = field(default_factory=dict)
    sung: int = 0

    def get(self, key: str) -> tuple[np.ndarray, int] | None:
        return self.lines.get(key)

    def put(self, key: str, value: tuple[np.ndarray, int]) -> None:
        if len(self.lines) >= self.max_lines:
            del self.lines[next(iter(self.lines))]
        self.lines[key] = value


def sung_voice(lane: Lane) -> Voice:
    """The voice a lane sings with: its own, or the default preset."""
    return lane.voice if lane.voice is not None else Voice(default_preset())


def spoken_lines(lyrics: SectionLyrics, params: VoiceParams) -> list[SpokenLine]:
    """What each line of a section is spoken from: known once its words are written, before
    its melody (which places the syllables but changes neither words nor syllables)."""
    return [(line.text, tuple(s.word_index for s in line.syllables), params.speech_voice,
             params.speech_pitch) for line in lyrics.lines if line.syllables]


def line_scores(composition: Composition, section_id: int, voice: Voice,
                shift: int = 0) -> list[tuple[LineScore, float]]:
    """What each sung line of a section sings, with the beat of its first note."""
    lyrics = composition.lyrics.get(section_id)
    part = composition.parts.get((section_id, "vocal"))
    if lyrics is None or part is None:
        return []
    section = next(s for s in composition.sections if s.id == section_id)
    seconds_per_beat = 60.0 / composition.context.tempo_bpm
    overrides = {n.note_index: n for n in voice.notes if n.section_id == section_id}
    result = []
    previous_end = 0.0
    for line in lyrics.lines:
        indices = [list(range(s.note_index, s.note_index + s.note_count))
                   for s in line.syllables]
        if not indices or any(i < 0 or i >= len(part.notes) for group in indices for i in group):
            continue
        first = part.notes[indices[0][0]].start_beats
        syllables = tuple(tuple(_sung(part.notes[i], i, first, seconds_per_beat, voice,
                                      overrides, shift) for i in group) for group in indices)
        lead_s = min(MAX_LEAD_S, round((first - previous_end) * seconds_per_beat, 3))
        previous_end = part.notes[indices[-1][-1]].end_beats
        score = LineScore(line.text, tuple(s.word_index for s in line.syllables), syllables,
                          lead_s, round(section.energy, 3), voice.breath)
        result.append((score, first))
    return result


def _sung(note: Note, index: int, first_beats: float, seconds_per_beat: float, voice: Voice,
          overrides: dict, shift: int) -> SungNote:
    expression = overrides.get(index)
    vibrato, glide = voice.vibrato, voice.portamento
    if expression is not None:
        vibrato = expression.vibrato if expression.vibrato is not None else vibrato
        glide = expression.portamento if expression.portamento is not None else glide
    start = round((note.start_beats - first_beats) * seconds_per_beat, 4)
    end = round((note.end_beats - first_beats) * seconds_per_beat, 4)
    return SungNote(start, end, float(note.pitch + shift), note.velocity, vibrato, glide)


def octave_shift(composition: Composition, params: VoiceParams) -> int:
    """Semitones (a multiple of 12) that bring the song's vocal notes into the voice's range:
    the fewest notes outside it, then the melody's middle nearest the range's."""
    pitches = [n.pitch for n in composition.lane_notes("vocal")]
    if not pitches:
        return 0
    middle = (params.low + params.high) / 2.0
    centre = (min(pitches) + max(pitches)) / 2.0

    def cost(shift: int) -> tuple[int, float]:
        outside = sum(1 for p in pitches if not params.low <= p + shift <= params.high)
        return outside, abs(centre + shift - middle)

    return min((12 * k for k in range(-3, 4)), key=cost)
