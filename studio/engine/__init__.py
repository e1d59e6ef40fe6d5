"""The engine's public face: everything a window or a script does goes through these names.

Compose and render
    compose(prompt, seed, length_s=None, progress=..., cancel=..., lyrics_text=...,
            lyrics_provider=...) -> Composition
    render_song(composition, sample_rate=44100, progress=..., cancel=...) -> RenderedSong
    export_song(composition, rendered, out_dir, ExportOptions(...), progress=...) -> paths
    render_and_export(composition, out_dir, ExportOptions(...), progress=..., cancel=...)
        -> (RenderedSong, paths): the same, its files written while the song is made
    ExportError: an export could not be written (the message says why and which files)
    generate_part(composition, section, lane, variation=0) -> Part: one lane of one section
    to_midi(composition) -> mido.MidiFile; write_midi(composition, path)

Reading prompts
    read_prompt(text) -> PromptReading; build_context(reading, seed, length_s=None)
    PromptError: a prompt asked for something impossible (the message names it)

Model
    Composition, CompositionContext, Section, Lane, Part, Note, Chord, Key, Meter, Mood

Progress
    ProgressEvent(stage, fraction, message), CancelToken, Cancelled

The names are imported on first use (PEP 562), so a process that needs one small part of the
engine (the audio process needs the mixer and numpy alone) does not load the whole of it.

The packages, in the order a song goes through them (each __init__ is its table of contents)
    composing/   prompt reading, context, arrangement, harmony, grooves, lane generators, the
                 vocal melody
    lyrics/      the lyrics stage: plan, rhythm, the built-in writer and other providers
    singing/     the singing voice: espeak-ng, WORLD, presets, voice profiles
    sound/       instruments (SoundFont, the singer), stems, the incremental renderer and its
                 cache, mix, mastering, limiter, loudness
    export/      files (master, stems, report), ranges, MIDI, lyric files (LRC, MusicXML)
    edit/        operations on a composition, refine in words
    worker/      the background process, its jobs (tasks)
    playback/    the audio process and the window's side of it
    orchestrator.py runs the stages in order; model.py, theory.py, rng.py, resources.py,
    locations.py (where the files read at run time are), about.py (version and licences),
    progress.py, serialize.py, lifetime.py, memory.py (how a process keeps and gives back
    freed memory) and limits.py (what a song may hold) are leaves every package may use;
    song_check.py checks a song against the limits.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "studio.engine.composing.context": ("build_context",),
    "studio.engine.composing.prompt": ("PromptError", "PromptReading", "read_prompt"),
    "studio.engine.export.files": ("ExportOptions", "SongExport", "export_song"),
    "studio.engine.export.midi": ("to_midi", "write_midi"),
    "studio.engine.export.staging": ("ExportError",),
    "studio.engine.model": ("Chord", "Composition", "CompositionContext", "Key", "Lane",
                            "Meter", "Mood", "Note", "Part", "Section"),
    "studio.engine.orchestrator": ("compose", "generate_part", "render_and_export",
                                   "render_song"),
    "studio.engine.progress": ("Cancelled", "CancelToken", "ProgressEvent"),
    "studio.engine.sound.renderer": ("RenderedSong",),
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
