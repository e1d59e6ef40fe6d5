"""Where the vocal lane's words are written: each whole word at its first note, on one of a
few rows under the notes, only where it fits beside the words already placed; a word with no
room is left out (the line is on the lane's tooltip, and zooming in makes room). Pure
functions of the song and the zoom, so the drawing steps and the view's tooltip agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.engine.model import Composition

ROWS = 2  # rows of words under the vocal notes
GAP_PX = 4.0  # the least space between two words on a row


@dataclass(frozen=True)
class SungWord:
    """One word as sung: its text, where its first note starts and where its line's last
    note ends (x in pixels), and the line it belongs to."""

    text: str
    x: float
    line_end_x: float
    line: str


@dataclass(frozen=True)
class PlacedWord:
    text: str
    x: float
    width: float
    row: int


def sung_words(song: Composition, starts: dict[int, float], per_beat: float) -> list[SungWord]:
    """Every sung word in time order; `starts` is each shown section's left edge (pixels)."""
    found = []
    for sid, vocal in song.vocals().items():
        if sid not in starts:
            continue
        for index, line in enumerate(vocal.lyrics.lines):
            if not line.syllables or line.syllables[0].note_index < 0:
                continue
            notes = vocal.line_notes(index)
            end = starts[sid] + max(n.start_beats + n.duration_beats for n in notes) * per_beat
            texts = line.text.split()
            first_syllables = {}
            for syllable in line.syllables:
                first_syllables.setdefault(syllable.word_index, syllable)
            for word_index, syllable in first_syllables.items():
                text = texts[word_index] if word_index < len(texts) else "".join(
                    s.text for s in line.syllables if s.word_index == word_index)
                x = starts[sid] + vocal.notes[syllable.note_index].start_beats * per_beat
                found.append(SungWord(text, x, end, line.text))
    found.sort(key=lambda word: word.x)
    return found


def place_words(words: list[SungWord], width_of: Callable[[str], float],
                rows: int = ROWS) -> list[PlacedWord]:
    """The words that fit, each on the first row where it starts GAP_PX past the word
    before it; no two placed words overlap, and a word is placed whole or not at all."""
    row_ends = [float("-inf")] * rows
    placed = []
    for word in words:
        width = width_of(word.text)
        for row in range(rows):
            if word.x >= row_ends[row] + GAP_PX:
                placed.append(PlacedWord(word.text, word.x, width, row))
                row_ends[row] = word.x + width
                break
    return placed


def line_at(words: list[SungWord], x: float) -> str | None:
    """The line sung at x (pixels): the last line begun by then, while it lasts."""
    current = None
    for word in words:
        if word.x > x:
            break
        current = word
    return current.line if current is not None and x <= current.line_end_x else None
