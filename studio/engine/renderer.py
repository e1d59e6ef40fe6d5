"""Incremental rendering: every section of every lane is kept, and only stale ones re-render.

A section's audio depends only on what produced it (the lane's instrument, the tempo, the
section's length and its part's notes), so it is cached under a hash of those. After an
edit, sections whose hash is new are rendered; the stems are then rebuilt only over the
samples those sections (and their release tails) cover, by the same summation a whole render
does, so the result equals a full re-render.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from studio.engine.mix import apply_lane, audible_lanes
from studio.engine.model import Composition, Lane
from studio.engine.progress import CancelToken, ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.render import LaneSynth, drum_kit, fade_end, section_starts, stem_samples
from studio.engine.render_cache import RenderCache


@dataclass(frozen=True)
class Placed:
    """One section of one lane in a stem: its cache key and first sample."""

    key: str
    start: int


@dataclass
class RenderState:
    """What the renderer holds for a song: dry stems, processed stems, the mix, layout."""

    sample_rate: int
    dry: dict[str, np.ndarray] = field(default_factory=dict)
    stems: dict[str, np.ndarray] = field(default_factory=dict)
    mix: np.ndarray | None = None
    layout: dict[str, list[Placed]] = field(default_factory=dict)
    lanes: dict[str, Lane] = field(default_factory=dict)


class SongRenderer:
    """Keeps section audio between renders of one song and rebuilds only what changed."""

    def __init__(self, sample_rate: int = 44100, max_segments: int = 4000,
                 disk: RenderCache | None = None) -> None:
        self.sample_rate = sample_rate
        self.max_segments = max_segments
        self.disk = disk  # sections rendered in earlier runs, when given
        self.segments: dict[str, np.ndarray] = {}
        self.state: RenderState | None = None
        self.rendered = 0  # sections rendered by the last call, for progress and benchmarks

    def render(self, composition: Composition, progress: ProgressCallback = ignore_progress,
               cancel: CancelToken | None = None) -> RenderState:
        """Dry stems, processed stems and mix of the composition, reusing what it can."""
        layout = self._layout(composition)
        self._render_missing(composition, layout, progress, cancel)
        total = stem_samples(composition, self.sample_rate)
        old = self.state
        state = RenderState(self.sample_rate, layout=layout,
                            lanes={n: _lane_copy(lane) for n, lane in composition.lanes.items()})
        reusable = old is not None and set(old.dry) == set(layout) and old.mix is not None \
            and old.mix.shape[1] == total
        for name in layout:
            if reusable:
                state.dry[name] = old.dry[name]
                for start, stop in _changed(old.layout[name], layout[name], self.segments):
                    self._assemble(state.dry[name], layout[name], start, stop)
            else:
                state.dry[name] = np.zeros((2, total), dtype=np.float32)
                self._assemble(state.dry[name], layout[name], 0, total)
        self._remix(state, old if reusable else None)
        self.state = state
        self._evict(layout)
        return state

    def _layout(self, composition: Composition) -> dict[str, list[Placed]]:
        starts = section_starts(composition, self.sample_rate)
        return {name: [Placed(segment_key(composition, sid, name, self.sample_rate), start)
                       for sid, start in starts]
                for name in composition.lanes}

    def _render_missing(self, composition: Composition, layout: dict[str, list[Placed]],
                        progress: ProgressCallback, cancel: CancelToken | None) -> None:
        missing = [(name, index) for name, placed in layout.items()
                   for index, p in enumerate(placed) if not self._recall(p.key)]
        self.rendered = len(missing)
        synths: dict[str, LaneSynth] = {}
        for done, (name, index) in enumerate(missing):
            if cancel is not None:
                cancel.check()
            synth = synths.get(name) or synths.setdefault(
                name, LaneSynth(composition.lanes[name], composition.context, self.sample_rate))
            section_id = composition.sections[index].id
            key = layout[name][index].key
            self.segments[key] = synth.render_part(composition, section_id)
            if self.disk is not None:
                self.disk.put(key, self.segments[key])
            progress(ProgressEvent("render", (done + 1) / len(missing), f"{name}"))
        if not missing:
            progress(ProgressEvent("render", 1.0, "nothing stale"))

    def _recall(self, key: str) -> bool:
        """Whether a section's audio is at hand, in memory or in the disk cache."""
        if key in self.segments:
            return True
        audio = self.disk.get(key) if self.disk is not None else None
        if audio is not None:
            self.segments[key] = audio
        return audio is not None

    def _assemble(self, stem: np.ndarray, placed: list[Placed], start: int, stop: int) -> None:
        """Rebuild stem[start:stop] from the sections that overlap it, in song order."""
        stem[:, start:stop] = 0.0
        for p in placed:
            audio = self.segments[p.key]
            lo, hi = max(start, p.start), min(stop, p.start + audio.shape[1])
            if hi > lo:
                stem[:, lo:hi] += audio[:, lo - p.start: hi - p.start]
        if stop >= stem.shape[1]:
            fade_end(stem, self.sample_rate)

    def _remix(self, state: RenderState, old: RenderState | None) -> None:
        """Processed stems and the mix; over changed ranges only when the mix settings held."""
        same_mix = old is not None and old.lanes == state.lanes
        if not same_mix:
            audible = audible_lanes(state.lanes)
            for name, dry in state.dry.items():
                state.stems[name] = apply_lane(dry, state.lanes[name]) if name in audible \
                    else np.zeros_like(dry)
            state.mix = _sum(list(state.stems.values()))
            return
        state.stems, state.mix = old.stems, old.mix
        audible = audible_lanes(state.lanes)
        for start, stop in _merged([r for name in state.dry for r in _changed(
                old.layout[name], state.layout[name], self.segments)]):
            for name, dry in state.dry.items():
                state.stems[name][:, start:stop] = apply_lane(
                    dry[:, start:stop], state.lanes[name]) if name in audible else 0.0
            state.mix[:, start:stop] = _sum([s[:, start:stop] for s in state.stems.values()])

    def _evict(self, layout: dict[str, list[Placed]]) -> None:
        """Forget old section audio beyond the cap, keeping what the current song uses."""
        if len(self.segments) <= self.max_segments:
            return
        keep = {p.key for placed in layout.values() for p in placed}
        for key in list(self.segments):
            if key not in keep and len(self.segments) > self.max_segments:
                del self.segments[key]


def segment_key(composition: Composition, section_id: int, lane: str, sample_rate: int) -> str:
    """A hash of everything one section of one lane's audio depends on."""
    context = composition.context
    section = next(s for s in composition.sections if s.id == section_id)
    instrument = composition.lanes[lane]
    part = composition.parts.get((section_id, lane))
    recipe = (instrument.program, instrument.is_drums,
              drum_kit(context) if instrument.is_drums else None, context.tempo_bpm,
              context.meter.beats_per_bar, section.bars, sample_rate,
              part.notes if part else ())
    return hashlib.blake2b(repr(recipe).encode(), digest_size=16).hexdigest()


def _changed(old: list[Placed], new: list[Placed],
             segments: dict[str, np.ndarray]) -> list[tuple[int, int]]:
    """Sample ranges where a lane's placed sections differ between two layouts."""
    ranges = []
    for p in set(old) ^ set(new):
        audio = segments.get(p.key)
        length = audio.shape[1] if audio is not None else 0
        ranges.append((p.start, p.start + length))
    return _merged(ranges)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def _sum(stems: list[np.ndarray]) -> np.ndarray:
    """Stems added one after another (no stacked copy of them all), as a whole mix does."""
    total = np.zeros_like(stems[0])
    for stem in stems:
        total += stem
    return total


def _lane_copy(lane: Lane) -> Lane:
    return Lane(lane.name, lane.program, lane.is_drums, lane.gain_db, lane.pan, lane.mute,
                lane.solo)
