"""Loudness and peak measurement: ITU-R BS.1770 / EBU R128 through libebur128 (pyebur128).

integrated_lufs() and loudness_range_lu() come from libebur128. true_peak_dbtp() follows
BS.1770: the peak of the signal interpolated to 4x its rate, by the polyphase low-pass filter
scipy's resample_poly would use. It interpolates only where a true peak can be: inter-sample
overshoot of a band-limited signal stays within a few decibels of its sample peaks, so only
blocks whose samples come within CANDIDATE_DB of the loudest one are interpolated, each with
the filter's reach of context around it. The three points between two samples are one small
matrix product per sample (its 21 neighbours by the filter's three phases), which BLAS does
several times faster than three convolutions; a few thousand samples at a time, since for
larger products OpenBLAS wakes a second thread that doubles the CPU spent and saves no time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pyebur128
from numpy.lib.stride_tricks import sliding_window_view

TRUE_PEAK_OVERSAMPLING = 4
CANDIDATE_DB = 6.0  # blocks whose peak is this far under the loudest sample are skipped
ESTIMATE_DB = 1.0  # how far a given estimate of the envelope may be from it (true_peak_dbtp)
_TAPS = 21  # input samples each interpolated point is made of
_BLOCK = 1024  # samples per block when looking for candidates
_WINDOWS = 1 << 13  # interpolated at a time: few enough that BLAS keeps to one thread
_FRAMES = 1 << 14  # frames handed to libebur128 at a time, interleaved
_GATE_BLOCK_S = 0.4  # BS.1770 gating block: shorter audio has no integrated loudness
_MODES = pyebur128.MeasurementMode


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of (channels, samples) audio; -inf when silent or under 400 ms."""
    audio = np.asarray(audio)
    if audio.shape[-1] <= _GATE_BLOCK_S * sample_rate or not np.any(audio):
        return float("-inf")
    meter = LoudnessMeter(audio.shape[0], sample_rate)
    meter.add(audio)
    return meter.lufs()


def loudness_range_lu(audio: np.ndarray, sample_rate: int) -> float:
    """EBU R128 loudness range (LRA) in LU; 0 for audio too short or quiet to have one."""
    return loudness_and_range(audio, sample_rate)[1]


def loudness_and_range(audio: np.ndarray, sample_rate: int) -> tuple[float, float]:
    """integrated_lufs and loudness_range_lu from one pass over the audio (the K-weighting
    filter is most of either's cost)."""
    audio = np.asarray(audio)
    if audio.shape[-1] < 3 * sample_rate or not np.any(audio):
        return integrated_lufs(audio, sample_rate), 0.0
    meter = LoudnessMeter(audio.shape[0], sample_rate, with_range=True)
    meter.add(audio)
    return meter.lufs(), meter.range_lu()


class LoudnessMeter:
    """The loudness of audio handed over a stretch at a time, in order: the same integrated
    loudness (and, when asked for, loudness range) integrated_lufs and loudness_range_lu
    give for all of it at once, so audio can be measured as it is made."""

    def __init__(self, channels: int, sample_rate: int, *, with_range: bool = False) -> None:
        mode = _MODES.MODE_I | _MODES.MODE_LRA if with_range else _MODES.MODE_I
        self._state = pyebur128.R128State(channels, sample_rate, mode)
        self._sample_rate, self._with_range = sample_rate, with_range
        self._frames, self._heard = 0, False
        self._block = np.empty((_FRAMES, channels), dtype=np.float32)

    def add(self, audio: np.ndarray) -> None:
        """Measure the next (channels, samples), handed to libebur128 interleaved a block at
        a time (no interleaved copy of the whole)."""
        frames = audio.shape[-1]
        for first in range(0, frames, _FRAMES):
            count = min(_FRAMES, frames - first)
            block = self._block[:count]
            block[:] = audio[:, first:first + count].T
            self._state.add_frames(block.ravel(), count)
        self._frames += frames
        self._heard = self._heard or bool(np.any(audio))

    def lufs(self) -> float:
        """Integrated loudness so far; -inf when silent or under 400 ms."""
        if self._frames <= _GATE_BLOCK_S * self._sample_rate or not self._heard:
            return float("-inf")
        return float(pyebur128.get_loudness_global(self._state))

    @staticmethod
    def together(meters: list[LoudnessMeter]) -> float:
        """The integrated loudness of what several meters measured, as one programme (the
        blocks straddling two meters' audio are left out); -inf when all are silent."""
        heard = [m for m in meters if np.isfinite(m.lufs())]
        if not heard:
            return float("-inf")
        return float(pyebur128.get_loudness_global_multiple([m._state for m in heard]))

    def range_lu(self) -> float:
        """Loudness range so far; 0 for audio too short or quiet to have one."""
        if not self._with_range:
            raise ValueError("this meter measures the integrated loudness only")
        if self._frames < 3 * self._sample_rate or not self._heard:
            return 0.0
        return float(pyebur128.get_loudness_range(self._state))


def sample_peak(audio: np.ndarray) -> float:
    audio = np.asarray(audio)
    return max(float(audio.max()), -float(audio.min())) if audio.size else 0.0


def true_peak_dbtp(audio: np.ndarray, estimate: np.ndarray | None = None) -> float:
    """Peak of the signal reconstructed at 4x the sample rate, in dB true peak.

    `estimate` (samples,) is an estimate of the audio's true_peak_envelope good to within
    ESTIMATE_DB (a limiter's output: its input's envelope times its gain, which moves far
    less than that over the filter's reach); then only the blocks whose estimate comes within
    ESTIMATE_DB of its loudest are interpolated."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[np.newaxis]
    peak = sample_peak(audio)
    if peak == 0.0:
        return float("-inf")
    length = audio.shape[-1]
    blocks = length // _BLOCK
    if estimate is None:
        near = peak * 10.0 ** (-CANDIDATE_DB / 20.0)
        block_peaks = np.abs(audio[:, :blocks * _BLOCK]).reshape(
            audio.shape[0], blocks, _BLOCK).max(axis=(0, 2)) if blocks else np.zeros(0)
    else:
        block_peaks = estimate[:blocks * _BLOCK].reshape(blocks, _BLOCK).max(axis=1)
        near = float(estimate.max()) * 10.0 ** (-ESTIMATE_DB / 20.0)
    tail = [blocks] if length > blocks * _BLOCK else []  # the last, partial block
    candidates = np.concatenate([np.flatnonzero(block_peaks >= near), tail]).astype(int)
    segments = []
    for first, last in _runs(candidates):
        lo = max(0, first * _BLOCK - _TAPS)
        hi = min(length, (last + 1) * _BLOCK + _TAPS)
        segments += [channel[lo:hi] for channel in audio]
    return to_db(max([peak * float(_phases()[_TAPS // 2, 0]),
                      *map(_interpolated_peak, segments)]))


def _interpolated_peak(segment: np.ndarray) -> float:
    """The largest magnitude of the points between a segment's samples (phases 1 to 3; phase
    0 is the samples themselves, scaled as the filter scales them), silence around it."""
    return _between_peak(np.concatenate([np.zeros(_TAPS, np.float32), segment,
                                         np.zeros(_TAPS, np.float32)]))


def _between_peak(samples: np.ndarray) -> float:
    """The largest magnitude of the points between samples that have the filter's full reach
    of neighbours in `samples`."""
    between_phases = _phases()[:, 1:]
    points = len(samples) - _TAPS + 1
    windows = np.empty((min(_WINDOWS, points), _TAPS), dtype=np.float32)
    between = np.empty((len(windows), TRUE_PEAK_OVERSAMPLING - 1), dtype=np.float32)
    peak = 0.0
    for first in range(0, points, _WINDOWS):
        count = min(_WINDOWS, points - first)
        # a contiguous copy of the windows: BLAS multiplies it far faster than the view
        np.copyto(windows[:count], sliding_window_view(samples[first:first + count + _TAPS - 1],
                                                       _TAPS))
        np.matmul(windows[:count], between_phases, out=between[:count])
        peak = max(peak, float(between[:count].max()), -float(between[:count].min()))
    return peak


def true_peak_envelope(audio: np.ndarray) -> np.ndarray:
    """(samples,) the largest magnitude, over the channels, of each sample (as the filter
    scales it) and of the three points interpolated after it, as true_peak_dbtp has them
    (silence around the audio; the ringing after the last sample counts at the last
    sample): its maximum is the audio's true peak. Each channel is interpolated in a thread
    of its own (BLAS and the copies free the GIL)."""
    audio = np.asarray(audio, dtype=np.float32)
    with ThreadPoolExecutor(len(audio), thread_name_prefix="true-peak") as pool:
        between = [pool.submit(_between_points, channel) for channel in audio]
        envelope = np.abs(audio[0])
        for channel in audio[1:]:
            np.maximum(envelope, np.abs(channel), out=envelope)
        envelope *= _phases()[_TAPS // 2, 0]  # the samples, scaled as the filter scales them
        for points in between:
            np.maximum(envelope, points.result(), out=envelope)
    return envelope


def _between_points(channel: np.ndarray) -> np.ndarray:
    """(samples,) the largest magnitude of the three points interpolated after each sample
    (the last: of every point after it)."""
    half = _TAPS // 2
    count = len(channel)
    padded = np.concatenate([np.zeros(half, np.float32), channel,
                             np.zeros(_TAPS, np.float32)])
    points_count = count + half  # past the last sample, until its ringing ends
    peaks = np.empty(points_count, dtype=np.float32)
    windows = np.empty((min(_WINDOWS, points_count), _TAPS), dtype=np.float32)
    # a phase a row: the maximum over three long rows is three fast passes, over many short
    # rows of three a slow one
    between = np.empty((TRUE_PEAK_OVERSAMPLING - 1, len(windows)), dtype=np.float32)
    phases = np.ascontiguousarray(_phases()[:, 1:].T)
    for first in range(0, points_count, _WINDOWS):
        size = min(_WINDOWS, points_count - first)
        np.copyto(windows[:size], sliding_window_view(padded[first:first + size + _TAPS - 1],
                                                      _TAPS))
        points = between[:, :size]
        np.matmul(phases, windows[:size].T, out=points)
        np.abs(points, out=points)
        out = peaks[first:first + size]
        np.maximum(points[0], points[1], out=out)
        for row in points[2:]:
            np.maximum(out, row, out=out)
    peaks[count - 1] = peaks[count - 1:].max()
    return peaks[:count]


def loudness_report(audio: np.ndarray, sample_rate: int) -> dict:
    """Integrated loudness (LUFS), loudness range (LU), true peak (dBTP) and sample peak
    (dBFS) of (channels, samples) audio."""
    audio = np.asarray(audio)
    return {
        "integrated_lufs": integrated_lufs(audio, sample_rate),
        "loudness_range_lu": loudness_range_lu(audio, sample_rate),
        "true_peak_dbtp": true_peak_dbtp(audio),
        "sample_peak_dbfs": to_db(sample_peak(audio)),
    }


def to_db(amplitude: float) -> float:
    return 20.0 * float(np.log10(amplitude)) if amplitude > 0.0 else float("-inf")


@cache
def _phases() -> np.ndarray:
    """(taps, 4) polyphase interpolation filter, the one scipy's resample_poly uses for 4x
    (an 81-tap Kaiser-windowed low-pass): column k gives the point k/4 of the way from a
    window's middle sample to the next one."""
    ratio, half = TRUE_PEAK_OVERSAMPLING, _TAPS // 2
    prototype = low_pass_taps(2 * half * ratio + 1, 1.0 / ratio, 5.0) * ratio
    phases = np.zeros((_TAPS, ratio), dtype=np.float32)
    for k in range(ratio):
        for u in range(_TAPS):
            index = ratio * (half - u) + k + half * ratio
            if 0 <= index < len(prototype):
                phases[u, k] = prototype[index]
    return phases


def low_pass_taps(taps: int, cutoff: float, beta: float) -> np.ndarray:
    """A Kaiser-windowed sinc low-pass with unity gain at DC, `cutoff` a fraction of Nyquist:
    scipy.signal.firwin(taps, cutoff, window=("kaiser", beta)) to float rounding, without
    loading scipy.signal (about 1.7 s, on the master's way)."""
    offsets = np.arange(taps) - (taps - 1) / 2.0
    response = cutoff * np.sinc(cutoff * offsets) * np.kaiser(taps, beta)
    return response / response.sum()


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive block indices as (first, last) runs, so neighbours share one pass."""
    runs: list[tuple[int, int]] = []
    for index in indices.tolist():
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs
