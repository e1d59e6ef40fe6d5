"""The orchestrator: runs the stages in order, reporting progress and honouring cancel.

    prompt -> context -> arrangement -> harmony -> parts -> lyrics -> melody   (compose)
    parts -> render -> mix -> master                                           (render_song)

Every stage is a function of the composition and the context; randomness comes only from
rng_for(seed, section, lane, variation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from studio.engine import resources
from studio.engine.composing.arrangement import arrange
from studio.engine.composing.context import build_context
from studio.engine.composing.generators import generator_for
from studio.engine.composing.harmony import harmonize
from studio.engine.composing.leanings import Leanings
from studio.engine.composing.meaning import load_meaning, style_line
from studio.engine.composing.melody import section_melody
from studio.engine.composing.prompt import PromptReading, read_prompt
from studio.engine.composing.room import ROOM_LANES, make_room
from studio.engine.composing.shaping import shape_part
from studio.engine.export.files import ExportOptions, SongExport
from studio.engine.lyrics.grammar import prompt_subject
from studio.engine.lyrics.plan import sung_sections
from studio.engine.lyrics.providers import LyricsProvider
from studio.engine.lyrics.stage import fit_song_lyrics, write_lyrics, write_section_lyrics
from studio.engine.model import (
    Composition,
    CompositionContext,
    Lane,
    Mastering,
    Part,
    Section,
    SectionLyrics,
)
from studio.engine.progress import CancelToken, ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.rng import rng_for
from studio.engine.sound.cache import RenderCache
from studio.engine.sound.mastering import master_measured, master_preset, preset_name
from studio.engine.sound.mix import bus_defaults, lane_fx_defaults
from studio.engine.sound.render_keys import master_key
from studio.engine.sound.renderer import RenderedSong, RenderState, SongRenderer
from studio.engine.sound.stems import section_starts, stem_samples

COMPOSE_STAGES = ("prompt", "arrangement", "harmony", "parts", "lyrics", "melody")


def compose(prompt: str, seed: int, *, length_s: float | None = None,
            progress: ProgressCallback = ignore_progress,
            cancel: CancelToken | None = None,
            preferences: Leanings | None = None,
            lyrics_provider: LyricsProvider | None = None,
            lyrics_text: str | None = None,
            by_meaning: bool = False,
            on_lyrics: Callable[[Composition, SectionLyrics], None] | None = None,
            ) -> Composition:
    """A whole composition from a prompt: context, sections, chords, every lane's parts, and
    lyrics with a vocal melody fitted to them. `preferences` (a user's learned leanings)
    shift what the prompt leaves open; `lyrics_text` is a person's own lyrics for the song
    (raises LyricsFitError when a line cannot be sung in its bars); `lyrics_provider` writes
    them otherwise (the built-in writer by default). `by_meaning` reads a prompt that names
    no style by meaning (composing.meaning), loading the language model the first time in
    this process (seconds; MeaningError when it is missing). `on_lyrics(composition so far,
    section lyrics)` is called as each sung section's words are written, before the melody
    (SongRenderer.speak_ahead starts speaking them)."""
    progress(ProgressEvent("prompt", 0.0, "reading the prompt"))
    reading = read_prompt(prompt)
    if by_meaning:
        reading = read_by_meaning(reading, progress)
    context = build_context(reading, seed, length_s=length_s, preferences=preferences)
    progress(ProgressEvent("prompt", 1.0, f"{context.key.name}, {context.tempo_bpm:g} bpm, "
                                          f"{context.meter}, {context.primary_genre}"))
    return compose_context(context, seed, progress=progress, cancel=cancel,
                           preferences=preferences, lyrics_provider=lyrics_provider,
                           lyrics_text=lyrics_text, on_lyrics=on_lyrics)


def compose_context(context: CompositionContext, seed: int, *,
                    progress: ProgressCallback = ignore_progress,
                    cancel: CancelToken | None = None,
                    preferences: Leanings | None = None,
                    lyrics_provider: LyricsProvider | None = None,
                    lyrics_text: str | None = None, title: str = "",
                    on_lyrics: Callable[[Composition, SectionLyrics], None] | None = None,
                    ) -> Composition:
    """A whole composition from a context already built (compose() reads it from a prompt):
    sections, chords, every lane's parts, lyrics and the vocal melody."""
    cancel = cancel or CancelToken()
    cancel.check()
    progress(ProgressEvent("arrangement", 0.0, "laying out sections"))
    sections, curve = arrange(context, rng_for(seed, -1, "arrangement"))
    if preferences is not None:
        sections, curve = preferences.lift(sections, curve)
    context = replace(context, energy_curve=curve)
    progress(ProgressEvent("arrangement", 1.0, f"{len(sections)} sections"))
    cancel.check()
    progress(ProgressEvent("harmony", 0.0, "choosing chords"))
    sections = harmonize(context, sections)
    progress(ProgressEvent("harmony", 1.0, "chords in every section"))
    cancel.check()
    composition = Composition(title=title or title_from(context.prompt, context),
                              context=context, sections=sections,
                              lanes=make_lanes(context), buses=bus_defaults(context),
                              mastering=Mastering(preset=preset_name(context)))
    composition.parts = generate_parts(composition, progress, cancel)
    if "vocal" in composition.lanes:
        cancel.check()
        progress(ProgressEvent("lyrics", 0.0, "writing the words"))
        written = partial(on_lyrics or _unheard, composition)
        if lyrics_text is not None:
            composition.lyrics = fit_song_lyrics(composition, lyrics_text)
            for lyrics in composition.lyrics.values():
                written(lyrics)
            # sung sections the person's text does not reach get lines that fit around it
            for section in sung_sections(composition):
                if section.id not in composition.lyrics:
                    composition.lyrics[section.id] = write_section_lyrics(
                        composition, section.id, lyrics_provider, progress=progress)
                    progress(ProgressEvent("lyrics", 0.5, f"{section.kind}: no lines given, "
                                                          "the writer filled it"))
                    written(composition.lyrics[section.id])
        else:
            composition.lyrics = write_lyrics(composition, lyrics_provider, progress=progress,
                                              written=written)
            if not title and not prompt_subject(context.prompt):  # named after its hook
                composition.title = hook_title(composition) or composition.title
        progress(ProgressEvent("lyrics", 1.0, f"{len(composition.lyrics)} sung sections"))
        for done, section in enumerate(composition.sections):
            cancel.check()
            place_part(composition, section, "vocal")
            progress(ProgressEvent("melody", (done + 1) / len(composition.sections),
                                   f"{section.kind}: vocal"))
    return composition


def _unheard(composition: Composition, lyrics: SectionLyrics) -> None:
    """What compose does with each section's words as they are written when no one asked."""


def read_by_meaning(reading: PromptReading,
                    progress: ProgressCallback = ignore_progress) -> PromptReading:
    """The reading with its style guessed from its meaning when it named none (loading the
    model once per process); as it was otherwise, without loading anything."""
    if reading.genre_blend or not reading.text.strip():
        return reading
    progress(ProgressEvent("prompt", 0.2, "reading the prompt by meaning"))
    reading = load_meaning().understand(reading)
    said = (style_line(reading.genre_blend, reading.understood, reading.text)
            if reading.understood else "no style suggested: the default plays")
    progress(ProgressEvent("prompt", 0.8, said))
    return reading


def make_lanes(context: CompositionContext) -> dict[str, Lane]:
    """The context's lanes with the instruments chosen for them (else the primary genre's),
    effects and default mix."""
    programs = {**resources.genre(context.primary_genre)["lanes"], **context.programs}
    defaults = resources.table("lanes")
    lanes = {}
    for name in context.lanes:
        program = programs.get(name, defaults[name].get("program", 0))
        lanes[name] = Lane(name, program, is_drums=name == "drums",
                           gain_db=defaults[name]["gain_db"], pan=defaults[name]["pan"],
                           fx=lane_fx_defaults(context, name))
    return lanes


def place_part(composition: Composition, section: Section, lane: str,
               variation: int = 0) -> Part:
    """Generate one lane's part for one section into the composition and return it. The
    vocal part is the melody of the section's lyrics, whose syllables are aligned to it
    (a section without lyrics has an empty vocal part); the section's lanes that make room
    for the voice are made again around it (unless locked)."""
    if lane != "vocal":
        part = generate_part(composition, section, lane, variation)
    else:
        lyrics = composition.lyrics.get(section.id)
        if lyrics is None:
            part = Part(lane, section.id, (), variation)
        else:
            vocal = section_melody(composition, lyrics, variation=variation)
            part = Part(lane, section.id, vocal.notes, variation)
            composition.lyrics[section.id] = vocal.lyrics
    composition.parts[(section.id, lane)] = part
    if lane == "vocal":  # the lanes that make room for the voice make it for this one
        for other in ROOM_LANES:
            kept = composition.parts.get((section.id, other))
            if kept is not None and not kept.locked:
                composition.parts[(section.id, other)] = generate_part(
                    composition, section, other, kept.variation)
    return part


def generate_part(composition: Composition, section: Section, lane: str,
                  variation: int = 0) -> Part:
    """One instrument lane's part for one section, from its own seeded generator, shaped by
    the arrangement (composing.shaping) and, for the lanes that share the voice's register,
    clear of the section's vocal (composing.room). A lane whose density is 0 rests. (The
    vocal part comes with its lyrics' alignment: see place_part.)"""
    if lane == "vocal":
        raise ValueError("the vocal part is sung to the lyrics: make it with place_part")
    index = composition.sections.index(section)
    following = composition.sections[index + 1] if index + 1 < len(composition.sections) else None
    rng = rng_for(composition.context.seed, section.id, lane, variation)
    density = section.density.get(lane, 1.0)
    if density <= 0.0:  # the lane rests in this section
        return Part(lane, section.id, (), variation)
    played = section
    if density != 1.0:
        # A lane thinned or thickened here plays as if the section had that much energy.
        played = replace(section, energy=min(1.0, max(0.0, section.energy * density)))
    notes = generator_for(lane)(composition.context, played, composition.lanes[lane], rng,
                                following)
    notes = shape_part(composition, section, lane, notes)
    if lane in ROOM_LANES:
        notes = make_room(composition, section, lane, notes)
    return Part(lane, section.id, notes, variation)


def generate_parts(composition: Composition, progress: ProgressCallback,
                   cancel: CancelToken) -> dict[tuple[int, str], Part]:
    jobs = [(s, lane) for s in composition.sections for lane in composition.lanes
            if lane != "vocal"]
    parts = {}
    for done, (section, lane) in enumerate(jobs):
        cancel.check()
        parts[(section.id, lane)] = generate_part(composition, section, lane)
        progress(ProgressEvent("parts", (done + 1) / len(jobs), f"{section.kind}: {lane}"))
    return parts


def render_song(composition: Composition, sample_rate: int = 44100, *,
                progress: ProgressCallback = ignore_progress,
                cancel: CancelToken | None = None,
                renderer: SongRenderer | None = None,
                on_stems: Callable[[dict, dict], None] | None = None,
                keep_dry: bool = True) -> RenderedSong:
    """Render every lane, mix and master. A renderer kept between calls re-renders only the
    sections that changed since its last render. `on_stems(dry_stems, stems)` is called as
    stems are done: with the lanes' once they are through their faders (when the lanes are
    mixed afresh), and with all of them before mastering (SongExport.add_stems writes them
    meanwhile). `keep_dry` False lets a renderer made `once` write the lanes' effects over
    their dry stems: the song then has none (an export that writes no dry stems)."""
    cancel = cancel or CancelToken()
    renderer = renderer or SongRenderer(sample_rate, once=True)
    if renderer.sample_rate != sample_rate:
        raise ValueError(f"the renderer works at {renderer.sample_rate} Hz, not {sample_rate}")
    state = renderer.render(composition, progress=progress, cancel=cancel, on_faded=on_stems,
                            keep_dry=keep_dry)
    cancel.check()
    progress(ProgressEvent("mix", 1.0, "mixed"))
    if on_stems is not None:
        on_stems(state.dry, state.stems)
    settings = composition.mastering
    progress(ProgressEvent("master", 0.0, f"{settings.preset}, to {settings.target_lufs:g} LUFS"))
    mastered, report = _mastered(composition, state, renderer.disk)
    progress(ProgressEvent("master", 1.0, f"{report['integrated_lufs']:.1f} LUFS, "
                                          f"{report['true_peak_dbtp']:.1f} dBTP"))
    return RenderedSong(sample_rate, state.dry, state.stems, state.mix, mastered, report)


def _mastered(composition: Composition, state: RenderState,
              disk: RenderCache | None) -> tuple[np.ndarray, dict]:
    """The master of a rendered mix and its loudness report: from the render cache when this
    mix was mastered so before (in any process), else made and kept there."""
    settings, rate = composition.mastering, state.sample_rate
    preset = master_preset(composition.context, settings.preset)
    sections = section_spans(composition, rate)
    key = master_key(state.mix_key, preset, settings, sections, rate)
    if disk is not None:
        audio, report = disk.get(key), disk.get_note(key)
        if audio is not None and report is not None:
            return audio, report
    mastered, report = master_measured(state.mix, rate, settings.target_lufs,
                                       settings.ceiling_dbtp, preset=preset, sections=sections)
    if disk is not None and disk.put(key, mastered):
        disk.put_note(key, report)
    return mastered, report


def render_and_export(composition: Composition, out_dir: str | Path,
                      options: ExportOptions | None = None, *,
                      progress: ProgressCallback = ignore_progress,
                      cancel: CancelToken | None = None,
                      renderer: SongRenderer | None = None,
                      ) -> tuple[RenderedSong, dict[str, Path]]:
    """render_song then export_song, overlapped: the MIDI file, lyrics and context are
    written during the render, the lanes' stems while the buses are made, the buses' stems
    while the master is made. The options and range are checked before anything is rendered
    or written (ValueError)."""
    options = options or ExportOptions()
    sample_rate = renderer.sample_rate if renderer is not None else (
        options.sample_rate or 44100)
    with SongExport(composition, out_dir, options, sample_rate=sample_rate,
                    length=stem_samples(composition, sample_rate), progress=progress) as export:
        rendered = render_song(composition, sample_rate, progress=progress, cancel=cancel,
                               renderer=renderer, on_stems=export.add_stems,
                               keep_dry=options.stems == "dry")
        return rendered, export.finish(rendered)


def section_spans(composition: Composition, sample_rate: int) -> list[tuple[int, int, float]]:
    """(first sample, end sample, energy) of every section, for the master's section ride."""
    starts = section_starts(composition, sample_rate)
    song_end = composition.total_beats * 60.0 / composition.context.tempo_bpm * sample_rate
    ends = [start for _, start in starts[1:]] + [int(round(song_end))]
    energy = {s.id: s.energy for s in composition.sections}
    return [(start, end, energy[sid]) for (sid, start), end in zip(starts, ends, strict=True)]


def title_from(prompt: str, context: CompositionContext) -> str:
    """A working title: the prompt's subject ("... about summer nights"), else mood and genre
    (a song whose prompt names no subject is named after its hook once it has words: see
    hook_title)."""
    words = [w for w in prompt_subject(prompt).split() if w.lower() not in _TITLE_SKIP][:6]
    if words:
        return _title_case(words)
    if not prompt.strip():
        return "Untitled"
    genre = context.primary_genre.replace("-", " ")
    mood = context.mood.tags[0] if context.mood.tags else ""
    words = f"{mood} {genre}" if mood and mood != context.primary_genre else genre
    return " ".join(w.capitalize() for w in words.split())


def hook_title(composition: Composition) -> str | None:
    """The line the first chorus sings more than once, as a title ("I Still Dream of My
    Heart"); None when no chorus repeats a line."""
    chorus = next((composition.lyrics[s.id] for s in composition.sections
                   if s.kind == "chorus" and s.id in composition.lyrics), None)
    if chorus is None:
        return None
    lines = [text.strip(" ,.;:!?") for text in chorus.texts]
    repeated = next((line for line in lines if lines.count(line) > 1 and line), None)
    return _title_case(repeated.split()) if repeated else None


def _title_case(words: list[str]) -> str:
    """Words as a title: each capitalised but the little ones inside it; words typed in
    capitals ("NYC") and "I" stay as they are."""
    small = {"a", "an", "the", "of", "in", "on", "at", "to", "by", "and", "or", "for", "with"}
    return " ".join(w if w.isupper() or (0 < i and w.lower() in small and not w[0].isupper())
                    else w[0].upper() + w[1:] for i, w in enumerate(words))


_TITLE_SKIP = {"a", "an", "the"}
