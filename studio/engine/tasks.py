"""The jobs the worker process runs, as "studio.engine.tasks:NAME".

Each takes a plain payload, a progress callback and a cancel token, and returns its result
packed: compressed JSON bytes (see `pack`). Unpickling a large nested dict holds the GIL for
tens of milliseconds in whichever thread receives it; bytes arrive at once, and the caller
unpacks them where it chooses.
"""

from __future__ import annotations

import dataclasses
import json
import zlib

from studio.engine import operations
from studio.engine.lyrics_providers import LyricsProvider, make_provider
from studio.engine.orchestrator import compose as compose_song
from studio.engine.orchestrator import render_song
from studio.engine.serialize import composition_from_dict, composition_to_dict


def compose(payload: dict, progress, cancel) -> dict:
    """{prompt, seed, length_s, lyrics_text, lyrics_provider} -> a composition dict.
    `lyrics_provider` is provider settings ({"kind": "chat", "url": ...}), not an object."""
    song = compose_song(payload["prompt"], payload["seed"], length_s=payload.get("length_s"),
                        progress=progress, cancel=cancel,
                        lyrics_text=payload.get("lyrics_text"),
                        lyrics_provider=_provider(payload.get("lyrics_provider")))
    return pack(composition_to_dict(song))


def render(payload: dict, progress, cancel) -> bytes:
    """{prompt, seed, length_s} -> the master's loudness report, after composing and
    rendering the whole song (its audio stays in the worker; the report crosses)."""
    song = compose_song(payload["prompt"], payload["seed"], length_s=payload.get("length_s"),
                        progress=progress, cancel=cancel)
    rendered = render_song(song, payload.get("sample_rate", 44100), progress=progress,
                           cancel=cancel)
    return pack(rendered.master_report)


def operate(payload: dict, progress, cancel) -> dict:
    """{composition, operation, args, kwargs} -> {composition, change}: one iteration step."""
    song = composition_from_dict(payload["composition"])
    operation = getattr(operations, payload["operation"])
    if payload["operation"].startswith("_") or not callable(operation):
        raise ValueError(f"'{payload['operation']}' is not an operation")
    progress(dataclasses.replace(_event(payload["operation"]), fraction=0.0))
    cancel.check()
    kwargs = dict(payload.get("kwargs", {}))
    if "provider" in kwargs:
        kwargs["provider"] = _provider(kwargs["provider"])
    changed, change = operation(song, *payload.get("args", ()), **kwargs)
    progress(_event(payload["operation"]))
    return pack({"composition": composition_to_dict(changed), "change": {
        "kind": change.kind, "message": change.message,
        "stale": sorted(change.stale), "all_audio": change.all_audio}})


def _provider(settings: dict | None) -> LyricsProvider | None:
    return make_provider(**settings) if settings else None


def pack(value) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def unpack(data: bytes):
    return json.loads(zlib.decompress(data))


def _event(operation: str):
    from studio.engine.progress import ProgressEvent

    return ProgressEvent(operation.replace("_", " "), 1.0, "done")
