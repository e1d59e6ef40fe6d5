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
"""

from studio.engine.context import build_context
from studio.engine.export import ExportOptions, SongExport, export_song
from studio.engine.midi_file import to_midi, write_midi
from studio.engine.model import (
    Chord,
    Composition,
    CompositionContext,
    Key,
    Lane,
    Meter,
    Mood,
    Note,
    Part,
    Section,
)
from studio.engine.orchestrator import (
    RenderedSong,
    compose,
    generate_part,
    render_and_export,
    render_song,
)
from studio.engine.progress import Cancelled, CancelToken, ProgressEvent
from studio.engine.prompt import PromptError, PromptReading, read_prompt

__all__ = [
    "CancelToken", "Cancelled", "Chord", "Composition", "CompositionContext", "ExportOptions",
    "Key", "Lane", "Meter", "Mood", "Note", "Part", "ProgressEvent", "PromptError", "PromptReading",
    "RenderedSong", "Section", "SongExport", "build_context", "compose", "export_song",
    "generate_part", "read_prompt", "render_and_export", "render_song", "to_midi", "write_midi",
]
