"""Serialization: the composition and its context as plain JSON-able dicts, and back.

Every field of the model is written, nested dataclasses as dicts and tuples as lists, under
a schema version number so later readers can migrate older dicts. Reading builds model
objects again; a round trip gives an equal composition.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from studio.engine.lyrics_model import lyrics_from_dict, lyrics_to_dict
from studio.engine.model import (
    Buses,
    Chord,
    Composition,
    CompositionContext,
    Key,
    Lane,
    LaneFx,
    Mastering,
    Meter,
    Mood,
    Note,
    NoteExpression,
    Part,
    Section,
    Voice,
    VoiceProfile,
)

SCHEMA_VERSION = 1


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
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
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
    return Section(**{**data, "chords": tuple(Chord(**chord) for chord in data["chords"])})


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
