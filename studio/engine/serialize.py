"""Serialization: the composition and its context as plain JSON-able dicts, and back.

Every field of the model is written, nested dataclasses as dicts and tuples as lists, under
a schema version number so later readers can migrate older dicts. Reading builds model
objects again; a round trip gives an equal composition.

The lyrics and the vocal line have readers and writers of their own (the project file keeps
each section's lyrics apart). Times are section-relative beats, as everywhere in the
composition model. A syllable points at the index of its first note in its section's vocal
notes; `note_count` above 1 marks a melisma (one syllable sung over several notes). Before a
melody exists, `note_index` is -1.

write_json() writes any such dict to a file whole or not at all (preference profiles and
settings are kept that way).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from studio.engine.model import (
    Buses,
    Chord,
    Composition,
    CompositionContext,
    Key,
    Lane,
    LaneFx,
    LyricLine,
    Mastering,
    Meter,
    Mood,
    Note,
    NoteExpression,
    Part,
    Section,
    SectionLyrics,
    Syllable,
    VocalPart,
    Voice,
    VoiceProfile,
)

SCHEMA_VERSION = 1
# Fields written only when they hold something, so a song that chose no instruments of its
# own, or whose style was not guessed, is written byte for byte as before they existed (and
# older files read the same).
_WRITTEN_WHEN_SET = {CompositionContext: ("programs", "drum_kit", "understood"),
                     Section: ("marks",)}


def context_to_dict(context: CompositionContext) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **_plain(context)}


def context_from_dict(data: dict[str, Any]) -> CompositionContext:
    data = _check_version(data)
    return CompositionContext(
        **{
            **data,
            "key": Key(**data["key"]),
            "meter": Meter(**data["meter"]),
            "genre_blend": dict(data["genre_blend"]),
            "mood": _mood(data["mood"]),
            "lanes": tuple(data["lanes"]),
            "energy_curve": tuple(tuple(point) for point in data["energy_curve"]),
            "programs": {lane: int(p) for lane, p in data.get("programs", {}).items()},
            "understood": tuple((str(name), float(score))
                                for name, score in data.get("understood", ())),
        }
    )


def composition_to_dict(composition: Composition) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "title": composition.title,
        "context": _plain(composition.context),
        "sections": [_plain(section) for section in composition.sections],
        "lanes": [_plain(lane) for lane in composition.lanes.values()],
        # parts are keyed by (section id, lane); JSON keys are strings, so the key is a list
        "parts": [
            {"key": [section_id, lane], "part": _plain(part)}
            for (section_id, lane), part in composition.parts.items()
        ],
        "mastering": _plain(composition.mastering),
        "buses": _plain(composition.buses),
        "lyrics": lyrics_to_dict(composition.lyrics),
    }


def composition_from_dict(data: dict[str, Any]) -> Composition:
    data = _check_version(data)
    return Composition(
        title=data["title"],
        context=context_from_dict(data["context"]),
        sections=[_section(s) for s in data["sections"]],
        lanes={lane["name"]: lane_from_dict(lane) for lane in data["lanes"]},
        parts={(entry["key"][0], entry["key"][1]): _part(entry["part"]) for entry in data["parts"]},
        **mix_settings_from_dict(data),
        lyrics=lyrics_from_dict(data.get("lyrics", {})),
    )


def _plain(value: Any) -> Any:
    """A dataclass, tuple, list or dict as nested dicts, lists and scalars."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        optional = _WRITTEN_WHEN_SET.get(type(value), ())
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in optional or getattr(value, f.name) not in (None, {}, ())}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _check_version(data: dict[str, Any]) -> dict[str, Any]:
    """The dict without its version; a missing version is this one (nested contexts have none)."""
    data = dict(data)
    version = data.pop("schema_version", SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"schema version {version} is newer than this program reads ({SCHEMA_VERSION})"
        )
    return data


def _mood(data: dict[str, Any]) -> Mood:
    return Mood(**{**data, "tags": tuple(data["tags"])})


def _section(data: dict[str, Any]) -> Section:
    return Section(**{**data, "chords": tuple(Chord(**chord) for chord in data["chords"]),
                      "marks": tuple(data.get("marks", ()))})


def _part(data: dict[str, Any]) -> Part:
    return Part(**{**data, "notes": tuple(Note(**note) for note in data["notes"])})


def plain(value: Any) -> Any:
    """Any model object as nested dicts, lists and scalars (JSON-able)."""
    return _plain(value)


def section_from_dict(data: dict[str, Any]) -> Section:
    return _section(data)


def lane_from_dict(data: dict[str, Any]) -> Lane:
    """A lane; one written before lanes had effects has none, one written before lanes had
    a voice sings with the default one."""
    return Lane(**{**data, "fx": LaneFx(**data.get("fx", {})),
                   "voice": voice_from_dict(data.get("voice"))})


def voice_from_dict(data: dict[str, Any] | None) -> Voice | None:
    if data is None:
        return None
    profile = data.get("profile")
    return Voice(**{**data,
                    "profile": VoiceProfile(**profile) if profile is not None else None,
                    "notes": tuple(NoteExpression(**n) for n in data.get("notes", ()))})


def mix_settings_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """The composition's mastering and buses from a dict holding them (or, as written before
    they existed, only a loudness target)."""
    mastering = data.get("mastering") or {"target_lufs": data.get("target_lufs", -14.0)}
    return {"mastering": Mastering(**mastering), "buses": Buses(**data.get("buses", {}))}


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


def write_json(path: Path, data: dict) -> None:
    """Write a temporary file beside `path` and move it over: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(data, stream, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
