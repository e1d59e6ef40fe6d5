"""Mastering: bring a mix to a loudness target (ITU-R BS.1770) under a true-peak ceiling.

A loud target under a low ceiling leaves little room between the average level and the
peaks (the peak-to-loudness ratio, PLR). When the mix's PLR is wider than that room, a
limiter narrows it first, no harder than needed; then one gain sets the loudness. A gain
moves loudness and true peak (measured on a 4x oversampled signal) by the same decibels, so
both targets are met by construction rather than by trimming afterwards.

pedalboard's Limiter (JUCE's) adds make-up gain and clips at full scale, which is why the
loudness is set after it and never before.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
from pedalboard import Limiter
from scipy.signal import resample_poly

TRUE_PEAK_OVERSAMPLING = 4
PLR_MARGIN_DB = 0.05  # keeps rounding in the last gain step from landing just over the ceiling
PLR_TOLERANCE_DB = 1.0  # limiting up to this much harder than needed saves search passes
LIMITER_THRESHOLD_DB = 0.0
RELEASE_MS = 100.0
QUIET_DRIVE_DB = -8.0  # a full-scale mix turned down this far passes the limiter untouched
MAX_DRIVE_DB = 30.0
MAX_STEP_DB = 12.0
FIRST_SLOPE = 0.35  # decibels of ratio a decibel of drive takes off, typical of mixed songs
MAX_PASSES = 6
SHORTFALL_DB = 0.25  # loudness a ceiling may cost before the search is redone with true peaks
_BLOCK_S = 0.4  # BS.1770 gating block: shorter audio has no integrated loudness


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of (channels, samples) audio; -inf when silent or under 400 ms."""
    audio = np.asarray(audio)
    if audio.shape[-1] <= _BLOCK_S * sample_rate or not np.any(audio):
        return float("-inf")
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(audio.T))


def true_peak_dbtp(audio: np.ndarray) -> float:
    """Peak of the signal reconstructed at 4x the sample rate, in dB true peak."""
    audio = np.asarray(audio)
    if audio.shape[-1] == 0:
        return float("-inf")
    upsampled = resample_poly(audio, TRUE_PEAK_OVERSAMPLING, 1, axis=-1)
    # max and -min rather than abs: no second copy of a signal four times the input's size
    peak = max(float(upsampled.max()), -float(upsampled.min()), _sample_peak(audio))
    return _to_db(peak)


def loudness_report(audio: np.ndarray, sample_rate: int) -> dict:
    """Integrated loudness (LUFS), true peak (dBTP) and sample peak (dBFS) of some audio."""
    audio = np.asarray(audio)
    return {
        "integrated_lufs": integrated_lufs(audio, sample_rate),
        "true_peak_dbtp": true_peak_dbtp(audio),
        "sample_peak_dbfs": _to_db(_sample_peak(audio)),
    }


def master(
    mix: np.ndarray, sample_rate: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0
) -> np.ndarray:
    """The mix at `target_lufs` with its true peak at or below `ceiling_dbtp`.

    Audio without a measurable loudness (silent, or shorter than one 400 ms block) is
    returned unchanged. When even the hardest limiting leaves the peaks too high for the
    target, the ceiling wins and the result is quieter than asked.
    """
    audio = np.asarray(mix, dtype=np.float32)
    loudness = integrated_lufs(audio, sample_rate)
    if not np.isfinite(loudness):
        return mix
    goal_plr_db = ceiling_dbtp - target_lufs - PLR_MARGIN_DB
    # A true peak is never below the sample peak, so when the sample peak alone already puts
    # the ratio well over the goal, the costly oversampled measure would change nothing.
    peak_dbtp = _to_db(_sample_peak(audio))
    if peak_dbtp - loudness - goal_plr_db < PLR_TOLERANCE_DB:
        peak_dbtp = true_peak_dbtp(audio)
    overshoot_db = None
    for _ in range(2):
        limited, limited_lufs, peak_dbtp = _limit_to_plr(
            audio, sample_rate, goal_plr_db, loudness, peak_dbtp, overshoot_db)
        if limited is audio:
            break
        # The search estimated true peaks; the last gain needs the real one. Should the
        # estimate have been short, search once more with the overshoot actually measured.
        exact_dbtp = true_peak_dbtp(limited)
        shortfall_db = (target_lufs - limited_lufs) - (ceiling_dbtp - exact_dbtp)
        peak_dbtp, overshoot_db = exact_dbtp, exact_dbtp - _to_db(_sample_peak(limited))
        if shortfall_db <= SHORTFALL_DB:
            break
    gain_db = min(target_lufs - limited_lufs, ceiling_dbtp - peak_dbtp)
    return limited * np.float32(10.0 ** (gain_db / 20.0))


def _limit_to_plr(
    audio: np.ndarray, sample_rate: int, goal_plr_db: float, loudness: float, peak_dbtp: float,
    overshoot_db: float | None = None,
) -> tuple[np.ndarray, float, float]:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than needed.

    Takes and returns the audio with its loudness and (estimated) true peak. The drive into
    the limiter is searched (see `_next_drive`); when no drive reaches the goal, the narrowest
    ratio found is kept. Oversampling every pass would dominate the cost, so a pass's true
    peak is its sample peak plus the inter-sample overshoot measured once (or given): a
    limiter pins peaks alike from pass to pass.
    """
    excess_db = peak_dbtp - loudness - goal_plr_db
    if excess_db <= 0.0:
        return audio, loudness, peak_dbtp
    full_scale = audio / np.float32(_sample_peak(audio))
    tried = [(QUIET_DRIVE_DB, excess_db)]  # (drive, PLR excess over the goal)
    best: tuple = ((True, excess_db), audio, loudness, peak_dbtp)
    drive_db = _next_drive(tried)
    for _ in range(MAX_PASSES):
        limiter = Limiter(threshold_db=LIMITER_THRESHOLD_DB, release_ms=RELEASE_MS)
        limited = limiter(full_scale * np.float32(10.0 ** (drive_db / 20.0)), sample_rate)
        loudness = integrated_lufs(limited, sample_rate)
        if overshoot_db is None:
            overshoot_db = true_peak_dbtp(limited) - _to_db(_sample_peak(limited))
        peak_dbtp = _to_db(_sample_peak(limited)) + overshoot_db
        excess_db = peak_dbtp - loudness - goal_plr_db
        tried.append((drive_db, excess_db))
        # best: meets the goal with the least drive, else comes closest to it
        rank = (excess_db > 0.0, excess_db if excess_db > 0.0 else drive_db)
        if rank < best[0]:
            best = (rank, limited, loudness, peak_dbtp)
        if -PLR_TOLERANCE_DB <= excess_db <= 0.0:
            break
        drive_db = _next_drive(tried)
        if drive_db is None:
            break
    return best[1:]


def _next_drive(tried: list[tuple[float, float]]) -> float | None:
    """The next drive to try, aiming at the middle of the accepted band under the goal.

    Below the goal (all tries over it), step up by the excess over the ratio each decibel of
    drive took off between the last two tries (secant); once the goal is bracketed, cut the
    bracket where a straight line between its ends crosses the aim (regula falsi).
    None when the drive is at its limit and the goal still out of reach.
    """
    aim = -PLR_TOLERANCE_DB / 2.0
    over = sorted(t for t in tried if t[1] > aim)
    under = sorted(t for t in tried if t[1] <= aim)
    low_drive, low_excess = over[-1]
    if under:
        high_drive, high_excess = under[0]
        share = float(np.clip((low_excess - aim) / (low_excess - high_excess), 0.25, 0.75))
        return low_drive + share * (high_drive - low_drive)
    if low_drive >= MAX_DRIVE_DB:
        return None
    slope = FIRST_SLOPE
    if len(over) > 1:
        (d0, e0), (d1, e1) = over[-2], over[-1]
        slope = float(np.clip((e0 - e1) / (d1 - d0), 0.1, 1.0))
    step_db = min((low_excess - aim) / slope, MAX_STEP_DB)
    return min(low_drive + step_db, MAX_DRIVE_DB)


def _sample_peak(audio: np.ndarray) -> float:
    return max(float(audio.max()), -float(audio.min())) if audio.size else 0.0


def _to_db(amplitude: float) -> float:
    return 20.0 * float(np.log10(amplitude)) if amplitude > 0.0 else float("-inf")
