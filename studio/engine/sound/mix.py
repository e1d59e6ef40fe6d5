"""Mixing: each lane's effects, gain, pan, mute and solo, the send buses, and their sum.

A lane's dry stem goes through its insert chain (high-pass, low and high shelves, a
compressor: pedalboard plugins), then its fader (gain and a constant-power pan). After the
fader, each lane sends a share of itself to the song's reverb and to its delay (whose time
is in beats, so it follows the tempo); the two buses return as stems of their own. The mix
is the sum of the lane stems and the returns, so stems exported with their effects add up
to the mix exactly. Defaults come from resources/mixing.toml, shaped by the genre.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import fields, replace
from functools import partial

import numpy as np
from pedalboard import (
    Compressor,
    Delay,
    HighpassFilter,
    HighShelfFilter,
    LowShelfFilter,
    Pedalboard,
    Plugin,
    Reverb,
)

from studio.engine import resources
from studio.engine.model import LANE_ORDER, Buses, CompositionContext, Lane, LaneFx

RETURNS = ("reverb", "delay")
LOW_SHELF_HZ = 200.0
HIGH_SHELF_HZ = 6000.0
COMP_ATTACK_MS = 10.0
COMP_RELEASE_MS = 150.0
SILENCE = 1e-6  # -120 dBFS: quieter stretches of a lane skip its insert effects
GAP_S = 1.0
PAD_S = 0.25
_SPAN_BLOCK = 1024
_MIX_BLOCK = 1 << 14  # samples of every lane faded, sent and summed at a time
BUS_TAIL_S = 12.0  # a bus's response to a stretch of its send is first run this long past it
# a response quieter than this over its last half second has died away: -100 dBFS, over the
# reverb's own floor (it hums on at about -109 dBFS and never falls under it)
BUS_SILENCE = 1e-5
BUS_PIECES = 2  # a whole song's send runs through its bus as this many pieces at once
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mix")  # pedalboard frees the GIL
_SPAN_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mix-spans")


def ordered_lanes(names: Iterable[str]) -> list[str]:
    """Lane names in LANE_ORDER first, then any others in the order given."""
    names = list(names)
    known = [n for n in LANE_ORDER if n in names]
    return known + [n for n in names if n not in LANE_ORDER]


def lane_fx_defaults(context: CompositionContext, lane: str) -> LaneFx:
    """A lane's effects for the song's primary genre (no effects for a lane not listed)."""
    table = resources.table("mixing")
    genre = table["genres"].get(context.primary_genre, {})
    fx = LaneFx(**table["lanes"].get(lane, {}))
    send = genre.get("send_scale", 1.0)
    squeeze = genre.get("comp_scale", 1.0)
    fx = replace(fx, reverb_send=min(1.0, fx.reverb_send * send),
                 delay_send=min(1.0, fx.delay_send * send),
                 comp_ratio=1.0 + (fx.comp_ratio - 1.0) * squeeze)
    return replace(fx, **genre.get("lanes", {}).get(lane, {}))


def bus_defaults(context: CompositionContext) -> Buses:
    table = resources.table("mixing")
    genre = table["genres"].get(context.primary_genre, {})
    return Buses(**{**table["buses"], **genre.get("buses", {})})


def insert_chain(fx: LaneFx) -> Pedalboard | None:
    """The pedalboard plugins of a lane's insert effects; None when it has none."""
    plugins = []
    if fx.low_cut_hz > 0.0:
        plugins.append(HighpassFilter(cutoff_frequency_hz=fx.low_cut_hz))
    if fx.low_shelf_db:
        plugins.append(LowShelfFilter(cutoff_frequency_hz=LOW_SHELF_HZ, gain_db=fx.low_shelf_db))
    if fx.high_shelf_db:
        plugins.append(HighShelfFilter(cutoff_frequency_hz=HIGH_SHELF_HZ,
                                       gain_db=fx.high_shelf_db))
    if fx.comp_ratio > 1.0:
        plugins.append(Compressor(threshold_db=fx.comp_threshold_db, ratio=fx.comp_ratio,
                                  attack_ms=COMP_ATTACK_MS, release_ms=COMP_RELEASE_MS))
    return Pedalboard(plugins) if plugins else None


def process_lane(dry: np.ndarray, fx: LaneFx, sample_rate: int, *,
                 in_place: bool = False) -> np.ndarray:
    """A dry stem through its lane's insert chain (the same array when there is none).
    `in_place` writes the result over the dry stem and returns it (a render that keeps no
    dry stem: no fresh array for the result).

    Only the stretches where the lane plays go through it: a lead that rests through every
    verse would otherwise cost as much as one that plays, and filters ringing down through
    long silence crawl through denormal numbers. After a second of silence a compressor is
    at rest and a filter has rung out, so each stretch starting afresh sounds the same.
    """
    chain = insert_chain(fx)
    if chain is None or not np.any(dry):
        return dry
    spans = active_spans(dry, sample_rate)
    if spans == [(0, dry.shape[1])]:
        wet = chain(dry, sample_rate).astype(np.float32, copy=False)
        if in_place:
            dry[:] = wet
            return dry
        return wet
    if in_place:
        wet = dry
        for (_, stop), (start, _) in itertools.pairwise([(0, 0), *spans, (dry.shape[1], 0)]):
            wet[:, stop:start] = 0.0  # what lies between the stretches is silence
    else:
        wet = np.zeros_like(dry)
    # the stretches are apart: half of them on a thread of their own, through a chain of
    # their own (a lane alone, the vocal coming in last, then takes both cores)
    done = np.cumsum([0] + [stop - start for start, stop in spans])
    half = int(np.argmin(np.abs(done - done[-1] / 2.0)))  # about as many samples on each
    here, there = (spans[:half], spans[half:]) if half else (spans, [])
    other = _SPAN_POOL.submit(_process_spans, insert_chain(fx), dry, wet, there,
                              sample_rate) if there else None
    _process_spans(chain, dry, wet, here, sample_rate)
    if other is not None:
        other.result()
    return wet


def _process_spans(chain: Pedalboard, dry: np.ndarray, wet: np.ndarray,
                   spans: list[tuple[int, int]], sample_rate: int) -> None:
    for start, stop in spans:
        wet[:, start:stop] = chain(dry[:, start:stop], sample_rate, reset=True)


def active_spans(audio: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """Sample ranges where the audio is above SILENCE, with PAD_S around them; silent gaps
    shorter than GAP_S are kept inside a range."""
    length = audio.shape[1]
    blocks = -(-length // _SPAN_BLOCK)
    peaks = np.zeros(blocks, dtype=np.float32)
    whole = length // _SPAN_BLOCK
    if whole:
        peaks[:whole] = np.abs(audio[:, :whole * _SPAN_BLOCK]).reshape(
            audio.shape[0], whole, _SPAN_BLOCK).max(axis=(0, 2))
    if whole < blocks:
        peaks[whole] = np.abs(audio[:, whole * _SPAN_BLOCK:]).max()
    loud = np.flatnonzero(peaks > SILENCE)
    pad, gap = int(PAD_S * sample_rate), int(GAP_S * sample_rate)
    spans: list[tuple[int, int]] = []
    for block in loud.tolist():
        start = max(0, block * _SPAN_BLOCK - pad)
        stop = min(length, (block + 1) * _SPAN_BLOCK + pad)
        if spans and start - spans[-1][1] < gap:
            spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((start, stop))
    return spans


def process_lanes(dry_stems: Mapping[str, np.ndarray], lanes: Mapping[str, Lane],
                  sample_rate: int, *, in_place: bool = False) -> dict[str, np.ndarray]:
    """Every lane's insert chain, two lanes at a time, those with the longest chains first
    (so that the two finish close together); `in_place` as process_lane has it."""
    names = sorted(dry_stems, key=lambda n: -_chain_cost(lanes[n].fx))
    jobs = {n: _POOL.submit(process_lane, dry_stems[n], lanes[n].fx, sample_rate,
                            in_place=in_place) for n in names}
    return {n: jobs[n].result() for n in dry_stems}


def process_lane_soon(dry: np.ndarray, fx: LaneFx, sample_rate: int, *,
                      in_place: bool = False) -> Future:
    """process_lane started on one of the mixing threads; its Future."""
    return _POOL.submit(process_lane, dry, fx, sample_rate, in_place=in_place)


def _chain_cost(fx: LaneFx) -> int:
    """A lane's insert chain's cost in filters: a compressor costs about two."""
    chain = insert_chain(fx)
    if chain is None:
        return 0
    return sum(2 if isinstance(plugin, Compressor) else 1 for plugin in chain)


def pan_gains(pan: float) -> tuple[float, float]:
    """Left and right gains of a constant-power pan, -1 (left) .. +1 (right).

    The sine/cosine law is scaled so the centre is unity: a centred lane at 0 dB passes
    through unchanged, and left**2 + right**2 is the same (2) at every position.
    """
    angle = (min(max(pan, -1.0), 1.0) + 1.0) * np.pi / 4.0
    return float(np.sqrt(2.0) * np.cos(angle)), float(np.sqrt(2.0) * np.sin(angle))


def apply_lane(stem: np.ndarray, lane: Lane) -> np.ndarray:
    """A stereo stem (2, samples) with the lane's gain and pan; a mono stem is spread first."""
    stem = _check_stem(np.asarray(stem, dtype=np.float32))
    if stem.shape[0] == 1:
        stem = np.repeat(stem, 2, axis=0)
    return stem * _gains(lane)


def _check_stem(stem: np.ndarray) -> np.ndarray:
    if stem.ndim != 2 or stem.shape[0] not in (1, 2):
        raise ValueError(f"a stem is (channels, samples) with 1 or 2 channels, not {stem.shape}")
    return stem


def _gains(lane: Lane) -> np.ndarray:
    """The fader's left and right gains as a (2, 1) column, to multiply a stem by."""
    return np.array(fader_gains(lane), dtype=np.float32)[:, np.newaxis]


def fader_gains(lane: Lane) -> tuple[float, float]:
    """The left and right gains of a lane's fader: its gain in dB through its pan."""
    gain = 10.0 ** (lane.gain_db / 20.0)
    left, right = pan_gains(lane.pan)
    return gain * left, gain * right


def audible_lanes(lanes: Mapping[str, Lane]) -> set[str]:
    """Lanes that sound: not muted, and soloed when any lane is soloed."""
    soloed = {name for name, lane in lanes.items() if lane.solo and not lane.mute}
    if soloed:
        return soloed
    return {name for name, lane in lanes.items() if not lane.mute}


class Faders:
    """Lanes after their inserts through their faders (silent when muted or not soloed): each
    lane's stem, its sends to the buses and the lanes' sum. Lanes may come a few at a time, in
    lane order (the lanes rendered here while the vocal is sung elsewhere, then the vocal):
    every sum gets the same additions in the same order as from all lanes at once, so the
    result is the same to the bit. Made a block at a time, each block still in the cache for
    the next step, the song's two halves at once."""

    def __init__(self, names: Iterable[str], lanes: Mapping[str, Lane], length: int) -> None:
        self.names = ordered_lanes(names)
        self.length = length
        self.audible = audible_lanes({name: lanes[name] for name in self.names})
        self.stems: dict[str, np.ndarray] = {}
        self.sends = {bus: np.zeros((2, length), dtype=np.float32) for bus in RETURNS}
        self.total = np.zeros((2, length), dtype=np.float32)
        self._gains = {name: _gains(lanes[name]) for name in self.names}
        self._levels = {name: [(bus, np.float32(level)) for bus, level in (
            ("reverb", lanes[name].fx.reverb_send), ("delay", lanes[name].fx.delay_send))
            if level > 0.0] for name in self.names}

    def next_lanes(self) -> list[str]:
        """The lanes still to fade, in the order they must come."""
        return self.names[len(self.stems):]

    def fade(self, wet: Mapping[str, np.ndarray],
             in_place: Collection[str] = ()) -> dict[str, np.ndarray]:
        """Fade the lanes of `wet` that come next in lane order (up to the first it lacks);
        their stems. The arrays of the lanes `in_place` names become their stems, faded
        where they are (arrays nobody else holds: no fresh memory is touched for them)."""
        todo = []
        for name in self.next_lanes():
            if name not in wet:
                break
            _check_stem(wet[name])
            todo.append(name)
            self.stems[name] = wet[name] if name in in_place and name in self.audible \
                and _fadable(wet[name], self.length) \
                else np.empty((2, self.length), dtype=np.float32)
        half = self.length // 2
        for done in [_POOL.submit(self._fade, todo, wet, 0, half),
                     _POOL.submit(self._fade, todo, wet, half, self.length)]:
            done.result()
        return {name: self.stems[name] for name in todo}

    def _fade(self, names: list[str], wet: Mapping[str, np.ndarray], start: int,
              stop: int) -> None:
        scratch = np.empty((2, _MIX_BLOCK), dtype=np.float32)
        for first in range(start, stop, _MIX_BLOCK):
            last = min(stop, first + _MIX_BLOCK)
            sent = scratch[:, :last - first]
            for name in names:
                stem = self.stems[name][:, first:last]
                if name not in self.audible:
                    stem.fill(0.0)
                    continue
                np.multiply(wet[name][:, first:last], self._gains[name], out=stem)
                self.total[:, first:last] += stem
                for bus, level in self._levels[name]:
                    np.multiply(stem, level, out=sent)
                    self.sends[bus][:, first:last] += sent


def _fadable(audio: np.ndarray, length: int) -> bool:
    """Whether a lane's array can be faded where it is (to become its stem)."""
    return audio.shape == (2, length) and audio.dtype == np.float32 \
        and audio.flags.writeable and audio.flags.c_contiguous


def mix_wet(wet: Mapping[str, np.ndarray], lanes: Mapping[str, Lane], buses: Buses,
            tempo_bpm: float, sample_rate: int,
            on_faded: Callable[[dict[str, np.ndarray]], None] | None = None,
            returns: Mapping[str, np.ndarray] | None = None,
            faders: Faders | None = None, in_place: Collection[str] = (),
            ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Lanes after their inserts through their faders (see Faders), their sends to the
    buses, the buses' returns, and the mix: the sum of them all, lanes in order and then the
    returns. `on_faded` is given the lanes' stems as soon as they are done, while the buses
    are still to make (an export starts writing them). `returns` are the buses' returns when
    they are known already (from the render cache): the buses are not run again. `faders`
    holds the lanes already faded (the first in lane order), when some are; the arrays of
    the lanes `in_place` names become their stems (see Faders.fade)."""
    for name in wet:
        _check_stem(wet[name])
    length = next(iter(wet.values())).shape[-1] if wet else 0
    faders = faders or Faders(wet, lanes, length)
    faders.fade(wet, in_place)
    stems, sends, total = faders.stems, faders.sends, faders.total
    jobs = {bus: _bus_jobs(partial(bus_plugin, bus, buses, tempo_bpm), sends[bus],
                           sample_rate) for bus in RETURNS if returns is None}
    if on_faded is not None:
        on_faded(dict(stems))
    for bus in RETURNS:
        stems[bus] = returns[bus] if returns is not None else _bus_return(jobs[bus],
                                                                           sends[bus])
        total += stems[bus]
    return stems, total


def _bus_jobs(make_plugin: Callable[[], Plugin], send: np.ndarray,
              sample_rate: int) -> list[tuple[int, Future]]:
    """A whole song's send through its bus, started on the mixing threads as BUS_PIECES
    pieces of time, each run on past its end until its response dies away: a bus is linear,
    so its return is the sum of its responses to the pieces (to the floor of its own hum),
    and two pieces take the two threads where one would take one. (first sample, job) of the
    pieces sent something."""
    length = send.shape[1]
    edges = [length * i // BUS_PIECES for i in range(BUS_PIECES + 1)]
    return [(start, _POOL.submit(bus_response, make_plugin, send[:, start:stop], sample_rate,
                                 length - start))
            for start, stop in itertools.pairwise(edges) if np.any(send[:, start:stop])]


def _bus_return(jobs: list[tuple[int, Future]], send: np.ndarray) -> np.ndarray:
    """The sum of the pieces' responses, each at its place; the silent send itself when
    nothing was sent."""
    if not jobs:
        return send
    total = np.zeros_like(send)
    for start, job in jobs:
        response = job.result()
        total[:, start:start + response.shape[1]] += response
    return total


def bus_plugin(bus: str, buses: Buses, tempo_bpm: float):
    """A send bus's effect: fully wet, so its output is only the return."""
    if bus == "reverb":
        return Reverb(room_size=buses.reverb_room, damping=buses.reverb_damping,
                      width=buses.reverb_width, wet_level=1.0, dry_level=0.0)
    return Delay(delay_seconds=buses.delay_beats * 60.0 / tempo_bpm,
                 feedback=buses.delay_feedback, mix=1.0)


def mix_stems(dry_stems: Mapping[str, np.ndarray], lanes: Mapping[str, Lane],
              buses: Buses | None = None, tempo_bpm: float = 120.0,
              sample_rate: int = 44100,
              on_faded: Callable[[dict[str, np.ndarray]], None] | None = None,
              ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Stems with effects (each lane after its inserts and fader, then the reverb and delay
    returns) and the mix, which is their sum; `on_faded` as mix_wet has it."""
    lengths = {stem.shape[-1] for stem in dry_stems.values()}
    if len(lengths) > 1:
        raise ValueError(f"stems must have one length, got lengths {sorted(lengths)}")
    return mix_wet(process_lanes(dry_stems, lanes, sample_rate), lanes, buses or Buses(),
                   tempo_bpm, sample_rate, on_faded)


def sum_stems(stems: list[np.ndarray], length: int) -> np.ndarray:
    """Stems added one after another (no stacked copy of them all)."""
    total = np.zeros((2, length), dtype=np.float32)
    for stem in stems:
        total += stem
    return total


def fx_settings(fx: LaneFx, **settings) -> LaneFx:
    """Lane effects with some values changed; unknown names are refused."""
    known = {f.name for f in fields(LaneFx)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"no effect setting {', '.join(sorted(unknown))} "
                         f"(settings: {', '.join(sorted(known))})")
    return replace(fx, **{k: float(v) for k, v in settings.items()})


def bus_response(make_plugin: Callable[[], Plugin], send: np.ndarray, sample_rate: int,
                 room: int) -> np.ndarray:
    """A bus's response to `send` and the silence after it: run BUS_TAIL_S past the send,
    or on to `room` samples when it has not died away by then (or there is no more room)."""
    length = send.shape[1]
    for tail_s in (BUS_TAIL_S, None):
        stop = room if tail_s is None else min(room, length + int(tail_s * sample_rate))
        padded = send
        if stop != length:
            padded = np.zeros((send.shape[0], stop), dtype=np.float32)
            padded[:, :length] = send
        response = make_plugin()(padded, sample_rate).astype(np.float32, copy=False)
        if stop == room or np.abs(response[:, -int(0.5 * sample_rate):]).max() < BUS_SILENCE:
            break
    return response

