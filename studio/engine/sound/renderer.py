"""Incremental rendering: every section of every lane is kept, and only stale ones re-render.

A section's audio depends only on what produced it (the lane's instrument, the tempo, the
section's length and its part's notes), so it is cached under a hash of those. After an
edit, sections whose hash is new are rendered; the dry stems are then rebuilt only over the
samples those sections (and their release tails) cover, by the same summation a whole render
does. When only parts changed, effects, faders, sends and the mix are redone around the
changed samples too (see _remix_ranges); a change of the mix or the effects redoes the lanes
it touches whole, and the buses.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from studio.engine.model import Buses, Composition, Lane, SectionLyrics
from studio.engine.progress import CancelToken, ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.singing.presets import voice_params
from studio.engine.singing.score import LineCache, spoken_lines, sung_voice
from studio.engine.sound.cache import RenderCache
from studio.engine.sound.instrument import Instrument
from studio.engine.sound.mix import (
    RETURNS,
    Faders,
    apply_lane,
    audible_lanes,
    bus_plugin,
    bus_response,
    mix_wet,
    process_lane,
    process_lane_soon,
    process_lanes,
    sum_stems,
)
from studio.engine.sound.render_keys import returns_key, segment_key, wet_key
from studio.engine.sound.side_render import SideRender, can_render_aside
from studio.engine.sound.soundfont_file import soundfont_identity, soundfont_path
from studio.engine.sound.stems import (
    VOCAL_LANE,
    fade_end,
    instrument_for,
    section_starts,
    stem_samples,
)

PREROLL_S = 1.0  # effects run this long before a change to settle on the same input
SETTLE_S = 2.0  # and this long after it, until they meet the old audio again
FADE_S = 0.01
ASIDE_MIN_SECTIONS = 2  # fewer sung sections than this to render are sung in this process


@dataclass(frozen=True)
class Placed:
    """One section of one lane in a stem: its cache key and first sample."""

    key: str
    start: int


@dataclass
class RenderedSong:
    """Audio of one render: dry stems, stems with effects and faders (then the reverb and
    delay returns), their sum (the pre-master bus), the master, and the master's loudness
    report (see loudness.loudness_report) as the mastering stage measured it."""

    sample_rate: int
    dry_stems: dict[str, np.ndarray]
    stems: dict[str, np.ndarray]
    mix: np.ndarray
    master: np.ndarray
    master_report: dict | None = None


@dataclass
class _Early:
    """What a render starts while a lane renders in another process (see _ahead): lanes'
    insert effects under way, the lanes already through their faders, and those of them
    already kept in the disk cache."""

    wet: dict[str, Future] = field(default_factory=dict)
    faders: Faders | None = None
    kept: set[str] = field(default_factory=set)


@dataclass
class RenderState:
    """What the renderer holds for a song: dry stems, processed stems, the mix, layout."""

    sample_rate: int
    dry: dict[str, np.ndarray] = field(default_factory=dict)
    wet: dict[str, np.ndarray] = field(default_factory=dict)  # after the insert effects
    # (empty after a render `once`: see SongRenderer.render)
    stems: dict[str, np.ndarray] = field(default_factory=dict)  # faded lanes, then returns
    mix: np.ndarray | None = None
    layout: dict[str, list[Placed]] = field(default_factory=dict)
    lanes: dict[str, Lane] = field(default_factory=dict)
    buses: Buses = Buses()
    tempo_bpm: float = 120.0
    wet_keys: dict[str, str] = field(default_factory=dict)  # render_keys.wet_key per lane
    mix_key: str = ""  # render_keys.returns_key: all the mix depends on


# Section audio kept in memory beyond what the current song uses (earlier versions, other
# songs): about three one-minute songs. Older sections come back from the disk cache, or are
# rendered again; without a cap, a process that rendered ten songs held them all.
SPARE_BYTES = 512 * 2**20


class SongRenderer:
    """Keeps section audio between renders of one song and rebuilds only what changed."""

    def __init__(self, sample_rate: int = 44100, max_segments: int = 4000,
                 disk: RenderCache | None = None, aside: bool = True,
                 max_spare_bytes: int = SPARE_BYTES, once: bool = False) -> None:
        self.sample_rate = sample_rate
        self.max_segments = max_segments
        self.max_spare_bytes = max_spare_bytes
        self.disk = disk  # sections rendered in earlier runs, when given
        self.segments: dict[str, np.ndarray] = {}
        self.state: RenderState | None = None
        self.rendered = 0  # sections rendered by the last call, for progress and benchmarks
        self.lines = LineCache()  # sung lines, so a lyric edit sings only its line again
        self.aside = aside  # whether a whole song's vocal may be sung in another process
        self.side: SideRender | None = None
        self.sent_aside: str | None = None  # the lane the last render sang in another process
        self.once = once  # keeps nothing for a next render (see render)
        self._unassembled: Counter[str] = Counter()  # in a render once: uses of each section
        self._over_dry = False  # this render writes the lanes' effects over their dry stems

    def render(self, composition: Composition, progress: ProgressCallback = ignore_progress,
               cancel: CancelToken | None = None,
               on_faded: Callable[[dict, dict], None] | None = None,
               keep_mixed: bool = True, keep_dry: bool = True) -> RenderState:
        """Dry stems, processed stems and mix of the composition, reusing what it can.
        When the lanes are mixed afresh, `on_faded(dry stems, lane stems)` is called as soon
        as the lanes are through their faders, before the buses are made. `keep_mixed` False
        keeps the lanes after their effects and the returns out of the disk cache (a song's
        first section rendered alone: no later render asks for them), its sections not.

        A renderer made `once` (a song rendered once and let go: the command line's, an
        export's) keeps nothing for a next render: each lane's sections go as soon as its
        stem is assembled, and the lanes after their effects (`wet`, left empty) once they
        are through their faders. The memory they held is then reused by what comes after
        (the buses, the master, the export) instead of fresh memory, whose first touch costs
        more than the arithmetic done on it (see memory). A next render renders every
        section again, or takes it from the disk cache. With `keep_dry` False as well (the
        caller wants no dry stems) each lane's effects are written over its dry stem, and
        `dry` is left empty (`on_faded` is given none)."""
        layout = self._layout(composition)
        total = stem_samples(composition, self.sample_rate)
        old = self.state
        state = RenderState(self.sample_rate, layout=layout,
                            lanes={n: copy.copy(lane) for n, lane in composition.lanes.items()},
                            buses=composition.buses, tempo_bpm=composition.context.tempo_bpm)
        state.wet_keys = {name: wet_key([(p.key, p.start) for p in placed], state.lanes[name],
                                        total, self.sample_rate)
                          for name, placed in layout.items()}
        state.mix_key = returns_key(state.wet_keys, state.lanes, state.buses, state.tempo_bpm,
                                    self.sample_rate)
        reusable = old is not None and set(old.dry) == set(layout) and old.mix is not None \
            and old.mix.shape[1] == total
        early = _Early()
        keep = self._to_disk if keep_mixed else _ignore
        ahead = None if reusable else partial(self._ahead, state, early, total, on_faded, keep)
        self._over_dry = self.once and not keep_dry
        if self.once:  # a section goes when no lane still to assemble places it
            self._unassembled = Counter(p.key for placed in layout.values() for p in placed)
        self._render_missing(composition, layout, progress, cancel, ahead)
        changed: dict[str, list[tuple[int, int]]] = {}
        for name in layout:
            ranges = _changed(old.layout[name], layout[name], self.segments) if reusable else []
            if reusable:
                # rebuilt in place: a render's arrays are valid until the next render
                state.dry[name] = old.dry[name]
                for start, stop in ranges:
                    self._assemble(state.dry[name], layout[name], start, stop)
                if ranges:
                    changed[name] = ranges
            elif name not in state.dry:
                state.dry[name] = self._assembled(layout[name], total)
        state.dry = {name: state.dry[name] for name in layout}  # in lane order, as made
        if reusable and _same_mix(old, state):
            self._remix_ranges(state, old, changed)
        else:
            self._remix(state, old if reusable else None, set(changed), on_faded, early,
                        keep_mixed)
        if self.once:
            state.wet = {}
            state.dry = {} if self._over_dry else state.dry
            self.segments.clear()
        else:
            self.state = state
        self._evict(layout)
        return state

    def _ahead(self, state: RenderState, early: _Early, total: int,
               on_faded: Callable[[dict, dict], None] | None,
               keep: Callable[[str, np.ndarray], None], names: list[str]) -> None:
        """While a lane renders in another process: the dry stems of the lanes done here,
        their insert effects (unless the disk cache has them), then those of them that come
        first in lane order through their faders, for _remix to take; and when they are
        also the first the stems are numbered in, `on_faded` is given them (an export starts
        writing them while the vocal is still sung)."""
        for name in names:
            state.dry[name] = self._assembled(state.layout[name], total)
            if self._from_disk(state.wet_keys[name]) is None:
                early.wet[name] = process_lane_soon(state.dry[name], state.lanes[name].fx,
                                                    self.sample_rate, in_place=self._over_dry)
        if len(early.wet) < len(names):
            return
        early.faders = Faders(state.layout, state.lanes, total)
        ready = {}
        for name in early.faders.next_lanes():
            if name not in early.wet:
                break
            ready[name] = early.wet[name].result()
            keep(state.wet_keys[name], ready[name])  # before it may be faded where it is
            early.kept.add(name)
        stems = early.faders.fade(ready, self._in_place(state, ready))
        if on_faded is not None and list(stems) == list(state.layout)[:len(stems)]:
            on_faded({} if self._over_dry else {name: state.dry[name] for name in stems}, stems)

    def _assembled(self, placed: list[Placed], total: int) -> np.ndarray:
        stem = np.zeros((2, total), dtype=np.float32)
        self._assemble(stem, placed, 0, total)
        if self.once:
            self._unassembled.subtract(p.key for p in placed)
            for p in placed:
                if self._unassembled[p.key] <= 0:
                    self.segments.pop(p.key, None)
        return stem

    def _layout(self, composition: Composition) -> dict[str, list[Placed]]:
        starts = section_starts(composition, self.sample_rate)
        font = soundfont_identity(soundfont_path())
        return {name: [Placed(segment_key(composition, sid, name, self.sample_rate, font), start)
                       for sid, start in starts]
                for name in composition.lanes}

    def _render_missing(self, composition: Composition, layout: dict[str, list[Placed]],
                        progress: ProgressCallback, cancel: CancelToken | None,
                        ahead: Callable[[list[str]], None] | None = None) -> None:
        """Render the sections no cache has. When the vocal renders in another process,
        `ahead(lanes done here)` is called before waiting for it."""
        missing = [(name, index) for name, placed in layout.items()
                   for index, p in enumerate(placed) if not self._recall(p.key)]
        self.rendered = len(missing)
        aside = self.sent_aside = self._aside(composition, missing)
        try:
            self._render_here(composition, layout, [m for m in missing if m[0] != aside],
                              progress, cancel, len(missing))
            if aside is not None:
                if ahead is not None:
                    ahead([name for name in layout if name != aside])
                self._collect(aside, composition, layout, cancel)
                progress(ProgressEvent("render", 1.0, f"{aside}, in a process of its own"))
        finally:
            self.stop_aside()
        if not missing:
            progress(ProgressEvent("render", 1.0, "nothing stale"))

    def _aside(self, composition: Composition,
               missing: list[tuple[str, int]]) -> str | None:
        """Start the vocal lane's missing sections in a process of their own when a whole
        song's worth of them renders beside other lanes (for a section or two, starting an
        interpreter costs more than it saves); the lane sent aside, or None."""
        vocal = [index for name, index in missing if name == VOCAL_LANE]
        sung = [i for i in vocal if composition.sections[i].id in composition.lyrics]
        if len(sung) < ASIDE_MIN_SECTIONS or len(vocal) == len(missing) \
                or not self.aside or not can_render_aside():
            return None
        self.start_aside()
        self.side.ask(composition, VOCAL_LANE, [composition.sections[i].id for i in vocal],
                      self.sample_rate)
        return VOCAL_LANE

    def start_aside(self) -> None:
        """Start the process the next render may sing a whole song's vocal in, now (while
        the song is composed, say): its start-up is then out of the render's way. The render
        ends it, whether it used it or not."""
        if self.side is None and self.aside and can_render_aside():
            self.side = SideRender()

    def speak_ahead(self, composition: Composition, lyrics: SectionLyrics) -> None:
        """Hand a section's lines, as soon as they are written, to the process start_aside
        started (compose's `on_lyrics`): it speaks them while the rest of the song is
        composed, and the vocal sung there starts with them ready. A voice made from a
        person's profile is left to the render (choosing its speech voice means speaking)."""
        lane = composition.lanes.get(VOCAL_LANE)
        if self.side is None or lane is None or sung_voice(lane).profile is not None:
            return
        self.side.speak(spoken_lines(lyrics, voice_params(sung_voice(lane))))

    def stop_aside(self) -> None:
        """End the process start_aside started, if a render has not."""
        if self.side is not None:
            self.side.stop()
            self.side = None

    def _collect(self, lane: str, composition: Composition, layout: dict[str, list[Placed]],
                 cancel: CancelToken | None) -> None:
        """The sections rendered aside, and the lines sung there, taken in."""
        audio, lines = self.side.result(cancel)
        for key, line in lines.lines.items():
            self.lines.put(key, line)
        self.lines.sung += lines.sung
        index = {s.id: i for i, s in enumerate(composition.sections)}
        for section_id, part in audio.items():
            key = layout[lane][index[section_id]].key
            self.segments[key] = part
            self._to_disk(key, part)

    def _render_here(self, composition: Composition, layout: dict[str, list[Placed]],
                     missing: list[tuple[str, int]], progress: ProgressCallback,
                     cancel: CancelToken | None, total: int) -> None:
        synths: dict[str, Instrument] = {}
        for done, (name, index) in enumerate(missing):
            if cancel is not None:
                cancel.check()
            synth = synths.get(name) or synths.setdefault(
                name, instrument_for(composition.lanes[name], composition.context,
                                     self.sample_rate, self.lines))
            section_id = composition.sections[index].id
            key = layout[name][index].key
            self.segments[key] = synth.render_part(composition, section_id)
            self._to_disk(key, self.segments[key])
            progress(ProgressEvent("render", (done + 1) / total, f"{name}"))

    def _recall(self, key: str) -> bool:
        """Whether a section's audio is at hand, in memory or in the disk cache."""
        if key in self.segments:
            self.segments[key] = self.segments.pop(key)  # used now: the last to be forgotten
            return True
        audio = self._from_disk(key)
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

    def _remix(self, state: RenderState, old: RenderState | None, changed: set[str],
               on_faded: Callable[[dict, dict], None] | None = None,
               early: _Early | None = None, keep_mixed: bool = True) -> None:
        """Insert effects where a lane's sound or effects changed, then faders, sends and the
        mix; all of it kept from the last render when nothing changed. With a disk cache,
        lanes after their effects and the bus returns come from it when an earlier run (this
        process or another) made them, and are kept in it when a song is mixed whole here
        (not after each change to one lane's effects: some 65 MB a lane for a 3-minute song,
        they would soon push out the sections that take far longer to make again). `early`
        holds lanes' insert effects already under way (see _ahead)."""
        redo = {n for n in state.dry if old is None or n in changed or n not in old.wet
                or old.lanes[n].fx != state.lanes[n].fx}
        if old is not None and not redo and old.lanes == state.lanes \
                and (old.buses, old.tempo_bpm) == (state.buses, state.tempo_bpm):
            state.wet, state.stems, state.mix = old.wet, old.stems, old.mix
            return
        keys, early = state.wet_keys, early or _Early()
        kept = {n: None if n in early.wet else self._from_disk(keys[n]) for n in redo}
        todo = {n for n in redo if kept[n] is None and n not in early.wet}
        fresh = process_lanes({n: state.dry[n] for n in todo}, state.lanes, self.sample_rate,
                              in_place=self._over_dry)
        fresh.update({n: job.result() for n, job in early.wet.items() if n in redo})
        keep = self._to_disk if old is None and keep_mixed else _ignore
        for name in set(fresh) - early.kept:
            keep(keys[name], fresh[name])
        state.wet = {n: fresh[n] if n in fresh else kept[n] if n in redo else old.wet[n]
                     for n in state.dry}
        faded = None if on_faded is None else partial(on_faded,
                                                      {} if self._over_dry else state.dry)
        returns = {bus: self._from_disk(state.mix_key + bus) for bus in RETURNS}
        state.stems, state.mix = mix_wet(
            state.wet, state.lanes, state.buses, state.tempo_bpm, self.sample_rate, faded,
            returns=None if any(a is None for a in returns.values()) else returns,
            faders=early.faders, in_place=self._in_place(state, fresh))
        if any(a is None for a in returns.values()):
            for bus in RETURNS:
                keep(state.mix_key + bus, state.stems[bus])

    def _in_place(self, state: RenderState, wet: dict[str, np.ndarray]) -> set[str]:
        """The lanes of `wet`, just made by their effects, whose arrays may become their
        stems (faded where they are): in a render `once`, which keeps no lane after its
        effects, any but a lane whose effects gave back its dry stem itself (unless the dry
        stems are not kept either)."""
        if not self.once:
            return set()
        return {n for n, audio in wet.items() if self._over_dry or audio is not state.dry[n]}

    def _from_disk(self, key: str) -> np.ndarray | None:
        return self.disk.get(key) if self.disk is not None else None

    def _to_disk(self, key: str, audio: np.ndarray) -> None:
        if self.disk is not None:
            self.disk.put(key, audio)

    def _remix_ranges(self, state: RenderState, old: RenderState,
                      changed: dict[str, list[tuple[int, int]]]) -> None:
        """After a part changed and nothing else: effects, faders, sends and the mix again
        only around the changed samples.

        Effects are causal, so nothing before a change moves. A lane's insert chain runs
        from PREROLL_S before the change (its filters and compressor settle on the same input
        they had) to SETTLE_S after it, where it meets the old audio again and a short
        crossfade hands back to it. The buses are linear: their returns change by the bus's
        response to the change in what is sent to them, run until that response dies away.
        Differences from a whole re-render stay around -100 dB (below -90 dB): float
        rounding in the reverb, and what is left of the compressors' settling.
        """
        rate, total = self.sample_rate, _length(state.dry)
        state.wet, state.stems, state.mix = old.wet, old.stems, old.mix
        audible = audible_lanes(state.lanes)
        sends = {bus: [] for bus in RETURNS}
        touched = []
        for name, ranges in changed.items():
            lane = state.lanes[name]
            for start, stop in _merged([(max(0, a - int(PREROLL_S * rate)),
                                         min(total, b + int(SETTLE_S * rate)))
                                        for a, b in ranges]):
                first = min(a for a, _ in ranges if a >= start)
                fresh = process_lane(state.dry[name][:, start:stop], lane.fx, rate)
                fresh = fresh[:, first - start:]
                _crossfade_tail(fresh, state.wet[name][:, first:stop], int(FADE_S * rate))
                before = state.stems[name][:, first:stop].copy()
                state.wet[name][:, first:stop] = fresh
                state.stems[name][:, first:stop] = apply_lane(fresh, lane) if name in audible \
                    else 0.0
                delta = state.stems[name][:, first:stop] - before
                for bus, level in (("reverb", lane.fx.reverb_send),
                                   ("delay", lane.fx.delay_send)):
                    if level > 0.0 and name in audible:
                        sends[bus].append((first, delta * np.float32(level)))
                touched.append((first, stop))
        for bus, pieces in sends.items():
            if pieces:
                touched.append(self._bus_change(state, bus, pieces))
        for start, stop in _merged(touched):
            state.mix[:, start:stop] = sum_stems([s[:, start:stop] for s in state.stems.values()],
                                                 stop - start)

    def _bus_change(self, state: RenderState, bus: str,
                    pieces: list[tuple[int, np.ndarray]]) -> tuple[int, int]:
        """Add a bus's response to a change in its send to its return; the range touched."""
        rate, total = self.sample_rate, _length(state.dry)
        start = min(first for first, _ in pieces)
        end = max(first + delta.shape[1] for first, delta in pieces)
        send = np.zeros((2, end - start), dtype=np.float32)
        for first, delta in pieces:
            send[:, first - start:first - start + delta.shape[1]] += delta
        response = bus_response(partial(bus_plugin, bus, state.buses, state.tempo_bpm), send,
                                rate, total - start)
        stop = start + response.shape[1]
        state.stems[bus][:, start:stop] += response
        return start, stop

    def _evict(self, layout: dict[str, list[Placed]]) -> None:
        """Forget the section audio used longest ago beyond the caps (a number of sections,
        and the bytes of those the current song does not use), keeping the current song's."""
        keep = {p.key for placed in layout.values() for p in placed}
        spare = sum(a.nbytes for k, a in self.segments.items() if k not in keep)
        for key in list(self.segments):
            if len(self.segments) <= self.max_segments and spare <= self.max_spare_bytes:
                return
            if key not in keep:
                spare -= self.segments.pop(key).nbytes


def _ignore(key: str, audio: np.ndarray) -> None:
    pass


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


def _same_mix(old: RenderState, new: RenderState) -> bool:
    return (old.lanes, old.buses, old.tempo_bpm) == (new.lanes, new.buses, new.tempo_bpm) \
        and set(old.wet) == set(new.dry)


def _crossfade_tail(fresh: np.ndarray, old: np.ndarray, length: int) -> None:
    """Hand the last `length` samples of freshly processed audio over to the old audio."""
    length = min(length, fresh.shape[1])
    if length <= 0:
        return
    ramp = np.linspace(0.0, 1.0, length, dtype=np.float32)
    fresh[:, -length:] = fresh[:, -length:] * (1.0 - ramp) + old[:, -length:] * ramp


def _length(stems: dict[str, np.ndarray]) -> int:
    return next(iter(stems.values())).shape[1] if stems else 0
