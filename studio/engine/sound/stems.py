"""Stems: the dry stereo audio of every lane, each section rendered by the lane's instrument
and laid at its first sample, and the lengths and places every renderer shares.

instrument_for() is the one place that knows which instrument plays a lane: the singing voice
for the vocal lane, the SoundFont for the others.
"""

from __future__ import annotations

import numpy as np

from studio.engine.model import Composition, CompositionContext, Lane
from studio.engine.progress import CancelToken, ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.singing.score import LineCache
from studio.engine.sound.instrument import TAIL_S, Instrument
from studio.engine.sound.soundfont import SoundFontSynth

FADE_S = 0.1  # ends the tail smoothly, so a long release cut by the stem's end does not click
VOCAL_LANE = "vocal"  # the lane that sings the lyrics


def song_samples(composition: Composition, sample_rate: int) -> int:
    """Length of the song itself in samples, without the release tail."""
    return round(composition.total_beats * 60.0 / composition.context.tempo_bpm * sample_rate)


def stem_samples(composition: Composition, sample_rate: int) -> int:
    """Length of every stem: the song plus the release tail."""
    return song_samples(composition, sample_rate) + round(TAIL_S * sample_rate)


def render_lane(composition: Composition, lane_name: str, sample_rate: int) -> np.ndarray:
    """The dry stereo stem (2, samples) of one lane, before its gain and pan.

    Each section is rendered on its own, with the release of its last notes, and laid at
    the section's first sample: a section re-rendered alone is therefore exactly what a whole
    render would have put there (see SongRenderer).
    """
    synth = instrument_for(composition.lanes[lane_name], composition.context, sample_rate)
    stem = np.zeros((2, stem_samples(composition, sample_rate)), dtype=np.float32)
    for section_id, start in section_starts(composition, sample_rate):
        place(stem, start, synth.render_part(composition, section_id))
    fade_end(stem, sample_rate)
    return stem


def section_starts(composition: Composition, sample_rate: int) -> list[tuple[int, int]]:
    """(section id, first sample) of every section in song order."""
    samples_per_beat = 60.0 / composition.context.tempo_bpm * sample_rate
    return [(s.id, round(composition.section_start_beats(s.id) * samples_per_beat))
            for s in composition.sections]


def place(stem: np.ndarray, start: int, segment: np.ndarray) -> None:
    """Add a section's audio into a stem at its first sample (cut at the stem's end)."""
    stop = min(stem.shape[1], start + segment.shape[1])
    if stop > start:
        stem[:, start:stop] += segment[:, : stop - start]


def fade_end(stem: np.ndarray, sample_rate: int) -> None:
    """Fade the last FADE_S of a stem so a release cut by its end does not click."""
    fade = min(round(FADE_S * sample_rate), stem.shape[1])
    stem[:, stem.shape[1] - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)


def instrument_for(lane: Lane, context: CompositionContext, sample_rate: int,
                   lines: LineCache | None = None) -> Instrument:
    """The instrument of a lane: the singing voice for the vocal lane (its sung lines kept in
    `lines`, a LineCache, when given), else the SoundFont."""
    if lane.name == VOCAL_LANE:
        # imported here, not above: the window imports the renderers but never renders, and
        # the singer loads native libraries (WORLD, espeak-ng) that take a while to start
        from studio.engine.sound.voice import VoiceSynth

        return VoiceSynth(lane, context, sample_rate, lines)
    return SoundFontSynth(lane, context, sample_rate)


def render_stems(
    composition: Composition,
    sample_rate: int,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, np.ndarray]:
    """Dry stems of every lane, in the composition's lane order, rendered from scratch.

    Lanes render one after another: a whole render costs a few seconds for a 3-minute song,
    so callers that render again after edits keep a SongRenderer instead, and callers with
    live audio run this in the worker process.
    """
    progress = progress or ignore_progress
    names = list(composition.lanes)
    stems = {}
    for index, name in enumerate(names):
        if cancel is not None:
            cancel.check()
        progress(ProgressEvent("render", index / len(names), f"rendering {name}"))
        stems[name] = render_lane(composition, name, sample_rate)
    progress(ProgressEvent("render", 1.0, f"{len(names)} lanes rendered"))
    return stems
