"""The engine's public face: everything a window or a script does goes through these names.

Compose and render
    compose(prompt, seed, length_s=None, progress=..., cancel=..., lyrics_text=...,
            lyrics_provider=...) -> Composition
    render_song(composition, sample_rate=44100, progress=..., cancel=...) -> RenderedSong
    export_song(composition, rendered, out_dir, ExportOptions(...), progress=...) -> paths
    render_and_export(composition, out_dir, ExportOptions(...), progress=..., cancel=...)
        -> (RenderedSong, paths): the same, its files written while the song is made

Reading prompts
    read_prompt(text) -> PromptReading; build_context(reading, seed, length_s=None)
    PromptError: a prompt asked for something impossible (the message names it)

Model
    Composition, CompositionContext, Section, Lane, Part, Note, Chord, Key, Meter, Mood

Progress
    ProgressEvent(stage, fraction, message), CancelToken, Cancelled

The names are imported on first use (PEP 562), so a process that needs one small part of the
engine (the audio process needs the mixer and numpy alone) does not load the whole of it.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "studio.engine.context": ("build_context",),
    "studio.engine.export": ("ExportOptions", "SongExport", "export_song"),
    "studio.engine.midi_file": ("to_midi", "write_midi"),
    "studio.engine.model": ("Chord", "Composition", "CompositionContext", "Key", "Lane",
                            "Meter", "Mood", "Note", "Part", "Section"),
    "studio.engine.orchestrator": ("compose", "generate_part", "render_and_export",
                                   "render_song"),
    "studio.engine.progress": ("Cancelled", "CancelToken", "ProgressEvent"),
    "studio.engine.prompt": ("PromptError", "PromptReading", "read_prompt"),
    "studio.engine.renderer": ("RenderedSong",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_HOME_OF)


def __getattr__(name: str):
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'studio.engine' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
