"""The master's limiter: a peak-to-loudness ratio narrowed no more than a target needs.

A true-peak limiter that looks ahead: its gain follows the audio's true-peak envelope (each
sample and the points interpolated between samples, see loudness), so the loudest true peak
of what it makes sits on its threshold. The gain falls to what the next peak needs over
LOOKAHEAD_S before it (a ramp, never a step: a step is a clipped wave, whose inter-sample
peaks rise as fast as the limiting deepens) and rises back at RELEASE_DB_PER_S after it.

How deep it limits (the threshold in dB under the audio's true peak) is aimed by a model of
the whole song at a coarse grain: the ratio narrows by the depth, less the loudness the
limiting takes away, which the model estimates from the song's power under its gain. Each
pass is measured in full (loudness, range, true peak); the model's miss on one pass corrects
the aim of the next. Most songs need one pass.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from studio.engine.sound.loudness import LoudnessMeter, true_peak_dbtp, true_peak_envelope

PLR_TOLERANCE_DB = 1.0  # limiting up to this much harder than needed saves search passes
LOOKAHEAD_S = 0.0015  # the gain ramps down this long before a peak
RELEASE_DB_PER_S = 120.0  # and comes back this fast after it (6 dB in 50 ms)
MAX_DEPTH_DB = 30.0
MAX_PASSES = 4
MODEL_CHUNK = 64  # samples per step of the coarse model the depth is aimed with
MODEL_ROUNDS = 6  # fixed-point steps solving the model for the depth


@dataclass(frozen=True)
class Measured:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP)."""

    lufs: float
    range_lu: float
    peak_dbtp: float


def limit_to_plr(audio: np.ndarray, sample_rate: int, goal_plr_db: float,
                 unlimited: Measured,
                 envelope: np.ndarray | None = None) -> tuple[np.ndarray, Measured]:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than
    needed, with its measures. `unlimited` measures the audio as given (its true peak);
    `envelope` is its true_peak_envelope when the caller has it.

    When no depth reaches the goal, the narrowest ratio found is kept (the audio as given,
    if no pass narrowed it).
    """
    excess_db = unlimited.peak_dbtp - unlimited.lufs - goal_plr_db
    if excess_db <= 0.0:
        return audio, unlimited
    if envelope is None:
        envelope = true_peak_envelope(audio)
    peak = float(envelope.max())
    model = _Model(audio, envelope, sample_rate)
    aim = -PLR_TOLERANCE_DB / 2.0
    best: tuple = ((True, excess_db), audio, unlimited)
    tried: list[tuple[float, float]] = []  # (depth, excess over the goal) per pass
    for _ in range(MAX_PASSES):
        depth_db = _next_depth(model, excess_db - aim, tried, aim)
        if depth_db is None:
            break
        limited, measured = limited_pass(audio, envelope, sample_rate,
                                         peak * 10.0 ** (-depth_db / 20.0))
        reached = measured.peak_dbtp - measured.lufs - goal_plr_db
        tried.append((depth_db, reached))
        # best: meets the goal with the least depth, else comes closest to it
        rank = (reached > 0.0, reached if reached > 0.0 else depth_db)
        if rank < best[0]:
            best = (rank, limited, measured)
        if -PLR_TOLERANCE_DB <= reached <= 0.0:
            break
    return best[1], best[2]


def _next_depth(model: _Model, narrowing_db: float, tried: list[tuple[float, float]],
                aim: float) -> float | None:
    """The depth of the next pass: the model's for the narrowing needed, corrected by its
    miss on the last pass; once two passes bracket the aim, the straight line between them
    (kept inside the bracket). None when the deepest limiting has been tried in vain."""
    if not tried:
        return model.depth_for(narrowing_db)
    depth, reached = tried[-1]
    if reached > aim and depth >= MAX_DEPTH_DB:
        return None
    over = [t for t in tried if t[1] > aim]
    under = [t for t in tried if t[1] <= aim]
    if over and under:
        (d0, e0), (d1, e1) = max(over), min(under)
        guess = d0 + (e0 - aim) * (d1 - d0) / (e0 - e1)
        return float(np.clip(guess, d0 + 0.1 * (d1 - d0), d1 - 0.1 * (d1 - d0)))
    # the model's miss at the last depth, taken for its miss at the next
    miss = reached - (narrowing_db + aim - depth + model.loss_db(depth))
    return model.depth_for(narrowing_db + miss)


def limited_pass(audio: np.ndarray, envelope: np.ndarray, sample_rate: int,
                 threshold: float) -> tuple[np.ndarray, Measured]:
    """The audio through the limiter at `threshold` (linear), measured: its loudness and
    range (libebur128, which holds the GIL) in a thread while its true peak is found."""
    gain = limiter_gain(envelope, sample_rate, threshold)
    limited = audio * gain
    loudness = LoudnessMeter(audio.shape[0], sample_rate, with_range=True)
    with ThreadPoolExecutor(1, thread_name_prefix="loudness") as pool:
        measuring = pool.submit(loudness.add, limited)
        peak_dbtp = true_peak_dbtp(limited, estimate=envelope * gain)
        measuring.result()
    return limited, Measured(loudness.lufs(), loudness.range_lu(), peak_dbtp)


def limiter_gain(envelope: np.ndarray, sample_rate: float, threshold: float) -> np.ndarray:
    """(samples,) float32 gain that keeps `envelope` (a true-peak envelope) at or under
    `threshold`: at each sample the least gain any peak in the next LOOKAHEAD_S needs, that
    least released at RELEASE_DB_PER_S, then averaged over the LOOKAHEAD_S up to it (in dB),
    so the gain ramps down ahead of a peak and is at or under what the peak needs when it
    comes. In 32-bit floats but for the running sum (the gains are good to a thousandth of a
    dB)."""
    ahead = max(1, round(LOOKAHEAD_S * sample_rate))
    needed = np.zeros(envelope.shape[0], dtype=np.float32)
    over = np.flatnonzero(envelope > threshold)
    needed[over] = 20.0 * np.log10(threshold / envelope[over])
    held = _window_min(needed, ahead)
    # released: gain[n] = min(held[n], gain[n - 1] + step), at most 0 dB; solved at once
    ramp = np.arange(held.shape[0], dtype=np.float32)
    ramp *= np.float32(RELEASE_DB_PER_S / sample_rate)
    released = np.minimum.accumulate(held - ramp)
    released += ramp
    np.minimum(released, 0.0, out=released)
    total = np.cumsum(released, dtype=np.float64)
    averaged = np.empty(released.shape[0], dtype=np.float32)
    # before the audio the gain is taken to be its first: a peak at the start is reached too
    averaged[:ahead] = (total[:ahead] + released[0] * np.arange(ahead - 1, -1, -1)) / ahead
    averaged[ahead:] = (total[ahead:] - total[:-ahead]) / ahead
    averaged *= np.float32(np.log(10.0) / 20.0)  # dB to a natural exponent
    return np.exp(averaged, out=averaged)


def _window_min(values: np.ndarray, width: int) -> np.ndarray:
    """min(values[n:n + width]) for every n, 0 past the end (van Herk / Gil-Werman: minima
    from the start and from the end of blocks of `width`, two of which cover any window)."""
    count = values.shape[0]
    blocks = -(-(count + width) // width)
    padded = np.zeros(blocks * width, dtype=values.dtype)
    padded[:count] = values
    rows = padded.reshape(blocks, width)
    from_start = np.minimum.accumulate(rows, axis=1).ravel()
    from_end = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(from_end[:count], from_start[width - 1:width - 1 + count])


class _Model:
    """The limiter at MODEL_CHUNK samples a step: each chunk's loudest true peak and its
    power (the channels' mean square). How much quieter the song gets at a depth is
    estimated from the power left under the coarse gain, over the chunks loud enough to
    count (BS.1770 gates out what is 10 LU under the song; the model, 20 dB under its mean
    power)."""

    def __init__(self, audio: np.ndarray, envelope: np.ndarray, sample_rate: int) -> None:
        chunks = envelope.shape[0] // MODEL_CHUNK
        whole = chunks * MODEL_CHUNK
        self.peaks = envelope[:whole].reshape(chunks, MODEL_CHUNK).max(axis=1)
        power = np.einsum("cn,cn->n", audio[:, :whole], audio[:, :whole])
        power = power.reshape(chunks, MODEL_CHUNK).sum(axis=1, dtype=np.float64)
        loud = power >= power.mean() * 0.01
        self.power = np.where(loud, power, 0.0)
        self.peak = float(self.peaks.max()) if chunks else 0.0
        self.rate = sample_rate / MODEL_CHUNK

    def loss_db(self, depth_db: float) -> float:
        """How much quieter (dB) the limiter makes the song at `depth_db`, estimated."""
        if not self.power.any():
            return 0.0
        gain = limiter_gain(self.peaks, self.rate, self.peak * 10.0 ** (-depth_db / 20.0))
        kept = np.dot(self.power, np.square(gain, dtype=np.float64)) / self.power.sum()
        return -10.0 * float(np.log10(kept))

    def depth_for(self, narrowing_db: float) -> float:
        """The depth whose narrowing of the ratio (the depth, less the loudness lost)
        is `narrowing_db`, as the model has it, within 0 and MAX_DEPTH_DB."""
        depth = max(0.0, narrowing_db)
        for _ in range(MODEL_ROUNDS):
            depth = float(np.clip(narrowing_db + self.loss_db(depth), 0.0, MAX_DEPTH_DB))
        return depth
