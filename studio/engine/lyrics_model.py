"""The lyrics and the vocal line as plain dicts, and back (the dataclasses are in model).

Times are section-relative beats, as everywhere in the composition model. A syllable points
at the index of its first note in its section's vocal notes; `note_count` above 1 marks a
melisma (one syllable sung over several notes). Before a melody exists, `note_index` is -1.
"""

from __future__ import annotations

from studio.engine.model import LyricLine, Note, SectionLyrics, Syllable, VocalPart


def note_to_dict(note: Note) -> dict:
    return {"pitch": note.pitch, "start_beats": note.start_beats,
            "duration_beats": note.duration_beats, "velocity": note.velocity,
            "chromatic": note.chromatic}


def note_from_dict(data: dict) -> Note:
    return Note(int(data["pitch"]), float(data["start_beats"]), float(data["duration_beats"]),
                int(data["velocity"]), bool(data.get("chromatic", False)))


def syllable_to_dict(syllable: Syllable) -> dict:
    return {"text": syllable.text, "word_index": syllable.word_index, "stress": syllable.stress,
            "note_index": syllable.note_index, "note_count": syllable.note_count}


def syllable_from_dict(data: dict) -> Syllable:
    return Syllable(str(data["text"]), int(data["word_index"]), int(data["stress"]),
                    int(data.get("note_index", -1)), int(data.get("note_count", 1)))


def line_to_dict(line: LyricLine) -> dict:
    return {"text": line.text, "section_id": line.section_id, "role": line.role,
            "syllables": [syllable_to_dict(s) for s in line.syllables]}


def line_from_dict(data: dict) -> LyricLine:
    return LyricLine(str(data["text"]), tuple(syllable_from_dict(s) for s in data["syllables"]),
                     int(data["section_id"]), str(data.get("role", "")))


def section_lyrics_to_dict(lyrics: SectionLyrics) -> dict:
    return {"section_id": lyrics.section_id, "scheme": lyrics.scheme, "source": lyrics.source,
            "variation": lyrics.variation, "lines": [line_to_dict(line) for line in lyrics.lines]}


def section_lyrics_from_dict(data: dict) -> SectionLyrics:
    return SectionLyrics(int(data["section_id"]),
                         tuple(line_from_dict(line) for line in data["lines"]),
                         str(data["scheme"]), str(data.get("source", "local")),
                         int(data.get("variation", 0)))


def vocal_part_to_dict(part: VocalPart) -> dict:
    return {"section_id": part.section_id, "notes": [note_to_dict(n) for n in part.notes],
            "lyrics": section_lyrics_to_dict(part.lyrics)}


def vocal_part_from_dict(data: dict) -> VocalPart:
    return VocalPart(int(data["section_id"]), tuple(note_from_dict(n) for n in data["notes"]),
                     section_lyrics_from_dict(data["lyrics"]))


def lyrics_to_dict(lyrics: dict[int, SectionLyrics]) -> dict:
    """A song's lyrics as a JSON-able dict (keys become strings, as JSON needs)."""
    return {str(section_id): section_lyrics_to_dict(s) for section_id, s in lyrics.items()}


def lyrics_from_dict(data: dict) -> dict[int, SectionLyrics]:
    return {int(section_id): section_lyrics_from_dict(s) for section_id, s in data.items()}


def vocals_to_dict(vocals: dict[int, VocalPart]) -> dict:
    return {str(section_id): vocal_part_to_dict(p) for section_id, p in vocals.items()}


def vocals_from_dict(data: dict) -> dict[int, VocalPart]:
    return {int(section_id): vocal_part_from_dict(p) for section_id, p in data.items()}
