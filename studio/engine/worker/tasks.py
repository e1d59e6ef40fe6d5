"""The jobs the worker process runs, as "studio.engine.worker.tasks:NAME".

Each takes a plain payload, a progress callback and a cancel token, and returns its result
packed: compressed JSON bytes (see `pack`). Unpickling a large nested dict holds the GIL for
tens of milliseconds in whichever thread receives it; bytes arrive at once, and the caller
unpacks them where it chooses.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from importlib import import_module

from studio.engine.composing.leanings import Leanings
from studio.engine.composing.meaning import display_name
from studio.engine.edit import operations
from studio.engine.edit.instructions import refine as refine_song
from studio.engine.edit.refine_report import report_refine
from studio.engine.export.files import ExportOptions
from studio.engine.lyrics.providers import LyricsProvider, make_provider
from studio.engine.orchestrator import compose as compose_song
from studio.engine.orchestrator import render_and_export, render_song
from studio.engine.playback import share_audio
from studio.engine.progress import ProgressEvent
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.engine.singing.profile import analyse_profile
from studio.engine.sound.cache import DEFAULT_CAP_BYTES, RenderCache
from studio.engine.sound.mix import RETURNS
from studio.engine.sound.renderer import SongRenderer
from studio.engine.sound.soundfont import preload
from studio.engine.sound.stems import stem_samples


def warm_up(payload: dict, progress, cancel) -> None:
    """What a render needs loaded, loaded before the first job: the SoundFont at
    payload["sample_rate"], and the singer (its native libraries take a second to load, and
    a new song's first section may be sung)."""
    preload(payload["sample_rate"])
    import_module("studio.engine.sound.voice")


def warm_up_compose(payload: dict, progress, cancel) -> None:
    """What composing needs loaded, loaded before the first job: a short song composed and
    dropped. The first song in a process otherwise spends seconds loading the groove library,
    the word lists and the styles' tables (measured: 6.6 s for the first 3-minute song, 1.5 s
    for the next, on a busy 2-core machine), and Generate would wait for them."""
    compose_song("a short warm-up song", 0, length_s=15.0, by_meaning=False)


def compose(payload: dict, progress, cancel) -> dict:
    """{prompt, seed, length_s, lyrics_text, lyrics_provider, by_meaning, preferences} -> a
    composition dict. `lyrics_provider` is provider settings ({"kind": "chat", "url": ...}),
    not an object; `preferences` a user's Leanings as a dict (None: the neutral defaults). A
    prompt that names no style is read by meaning unless `by_meaning` is false: the model
    loads in this process with the first such prompt and stays for the next."""
    leanings = payload.get("preferences")
    song = compose_song(payload["prompt"], payload["seed"], length_s=payload.get("length_s"),
                        progress=progress, cancel=cancel,
                        lyrics_text=payload.get("lyrics_text"),
                        lyrics_provider=_provider(payload.get("lyrics_provider")),
                        by_meaning=payload.get("by_meaning", True),
                        preferences=Leanings(**leanings) if leanings else None)
    return pack(composition_to_dict(song))


def render(payload: dict, progress, cancel) -> bytes:
    """{prompt, seed, length_s, by_meaning} -> the master's loudness report, after composing and
    rendering the whole song (its audio stays in the worker; the report crosses)."""
    song = compose_song(payload["prompt"], payload["seed"], length_s=payload.get("length_s"),
                        progress=progress, cancel=cancel,
                        by_meaning=payload.get("by_meaning", True))
    rate = payload.get("sample_rate", 44100)
    rendered = render_song(song, rate, progress=progress, cancel=cancel,
                           renderer=SongRenderer(rate, disk=_cache(payload), once=True))
    return pack(rendered.master_report)


def export(payload: dict, progress, cancel) -> bytes:
    """{composition, out_dir, options} -> the paths written: the song rendered, mastered and
    exported with ExportOptions(**options)."""
    song = composition_from_dict(payload["composition"])
    options = ExportOptions(**payload.get("options", {}))
    renderer = SongRenderer(options.sample_rate or 44100, disk=_cache(payload), once=True)
    _, paths = render_and_export(song, payload["out_dir"], options, progress=progress,
                                 cancel=cancel, renderer=renderer)
    return pack({key: str(path) for key, path in paths.items()})


def refine(payload: dict, progress, cancel) -> bytes:
    """{composition, text} -> {composition, change, note}: an instruction in words applied
    as one change (the steps' messages joined), or change None when nothing would change;
    `note` says which words were used, which not, and the nearest things refine can do."""
    song = composition_from_dict(payload["composition"])
    progress(ProgressEvent("refine", 0.0, payload["text"]))
    result = refine_song(song, payload["text"])
    report = report_refine(song, result)
    progress(ProgressEvent("refine", 1.0, result.message or "nothing changed"))
    change = result.change
    return pack({"composition": composition_to_dict(result.composition), "change": change and {
        "kind": change.kind, "message": change.message, "stale": sorted(change.stale),
        "all_audio": change.all_audio}, "note": report.text})


PREVIEW_LENGTH_S = 20.0  # the shortest song; its liveliest section is what is heard


def preview_style(payload: dict, progress, cancel) -> bytes:
    """{style, sample_rate, owner, seed} -> a shared block (as render_audio's, one lane
    "preview") holding the style's groove: an instrumental song in the style, cut to its
    liveliest section, mastered."""
    name = display_name(payload["style"])
    song = compose_song(f"{name} instrumental", payload.get("seed", 1),
                        length_s=PREVIEW_LENGTH_S, progress=progress, cancel=cancel,
                        by_meaning=False)
    keep = max(song.sections, key=lambda section: section.energy)
    for section in [s for s in song.sections if s.id != keep.id]:
        song = operations.delete_section(song, section.id)[0]
    rate = payload.get("sample_rate", 48000)
    rendered = render_song(song, rate, progress=progress, cancel=cancel,
                           renderer=SongRenderer(rate, disk=_cache(payload), once=True))
    return pack(share_audio([rendered.master], ["preview"], rate, payload["owner"]))


# one per rate, kept between jobs: edits re-render only what changed; sections, lanes and
# returns made in earlier runs come from the render cache in the user's cache folder
_RENDERERS: dict[int, SongRenderer] = {}


def render_audio(payload: dict, progress, cancel) -> bytes:
    """{composition, sample_rate, owner (a pid), sections} -> where the audio to play is: a
    shared memory block holding each lane after its effects, then the bus returns, as
    (count, 2, samples) float32. The renderer stays in the worker between jobs, so after an
    edit only stale sections render. The owner owns the block from here (see
    playback.blocks). The composition may come packed (bytes, as `pack` makes them): the
    window packs it off its own thread.

    With `sections` (a count), only the song's first sections render: the block is the
    song's length, silent after them, and its description says "partial". Effects and buses
    run forward in time, so those samples are what the whole song's render has there: a
    new song starts playing while the rest renders, and the whole crossfades in."""
    song = payload["composition"]
    song = composition_from_dict(unpack(song) if isinstance(song, bytes) else song)
    rate = payload.get("sample_rate", 48000)
    renderer = _RENDERERS.get(rate) or _RENDERERS.setdefault(
        rate, SongRenderer(rate, disk=_cache(payload)))
    renderer.disk.cap_bytes = _cache_cap(payload)  # as the settings say now
    count = payload.get("sections")
    part = song if count is None else dataclasses.replace(song, sections=song.sections[:count])
    state = renderer.render(part, progress=progress, cancel=cancel, keep_mixed=part is song)
    names = list(state.wet)
    arrays = [state.wet[n] for n in names] + [state.stems[n] for n in RETURNS]
    shared = share_audio(arrays, names, rate, payload["owner"], stem_samples(song, rate))
    return pack({**shared, "partial": part is not song})


def operate(payload: dict, progress, cancel) -> dict:
    """{composition, operation, args, kwargs} -> {composition, change}: one iteration step."""
    song = composition_from_dict(payload["composition"])
    operation = operations.OPERATIONS.get(payload["operation"])
    if operation is None:
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


def analyse_voice(payload: dict, progress, cancel) -> bytes:
    """{audio (mono, or (channels, samples)), sample_rate, name} -> the VoiceProfile a
    recording makes, as a dict (WORLD over ten seconds or more: too heavy for the window)."""
    progress(ProgressEvent("voice", 0.0, f"listening to '{payload['name']}'"))
    cancel.check()
    profile = analyse_profile(payload["audio"], payload["sample_rate"], payload["name"])
    progress(ProgressEvent("voice", 1.0, "done"))
    return pack(dataclasses.asdict(profile))


def _cache(payload: dict) -> RenderCache:
    """The render cache in the user's cache folder, capped as payload["cache_cap_bytes"]
    says (the studio's settings), else at its default."""
    return RenderCache(cap_bytes=_cache_cap(payload))


def _cache_cap(payload: dict) -> int:
    return int(payload.get("cache_cap_bytes", DEFAULT_CAP_BYTES))


def _provider(settings: dict | None) -> LyricsProvider | None:
    return make_provider(**settings) if settings else None


def pack(value) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def unpack(data: bytes):
    return json.loads(zlib.decompress(data))


def _event(operation: str):
    return ProgressEvent(operation.replace("_", " "), 1.0, "done")
