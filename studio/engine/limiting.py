"""The master's limiter: a peak-to-loudness ratio narrowed no more than a target needs.

pedalboard's Limiter (JUCE's) is driven from full scale; how hard is searched, each pass
measured (loudness, range, sample peak) while it is made (see streaming). Oversampling
every pass would dominate the cost, so a pass's true peak is its sample peak plus the
inter-sample overshoot measured once (or given): a limiter pins peaks alike from pass to pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pedalboard import Limiter

from studio.engine.meter import LoudnessMeter, sample_peak, to_db, true_peak_dbtp
from studio.engine.streaming import stream_through

PLR_TOLERANCE_DB = 1.0  # limiting up to this much harder than needed saves search passes
LIMITER_THRESHOLD_DB = 0.0
RELEASE_MS = 100.0
QUIET_DRIVE_DB = -8.0  # a full-scale mix turned down this far passes the limiter untouched
MAX_DRIVE_DB = 30.0
MAX_STEP_DB = 12.0
FIRST_SLOPE = 0.35  # decibels of ratio a decibel of drive takes off, typical of mixed songs
MAX_PASSES = 6
ESTIMATE_DB = 1.0  # the search estimates overshoot from blocks this near the peak


@dataclass(frozen=True)
class Measured:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP, or an estimate
    of it); `exact` is False while the loudness is only estimated (and the range unknown)."""

    lufs: float
    range_lu: float
    peak_dbtp: float
    exact: bool = True


def limit_to_plr(
    audio: np.ndarray, sample_rate: int, goal_plr_db: float, measured: Measured,
    overshoot_db: float | None = None,
) -> tuple[np.ndarray, Measured]:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than needed.

    Takes and returns the audio with its measures (the true peak estimated). The drive into
    the limiter is searched (see `_next_drive`); when no drive reaches the goal, the narrowest
    ratio found is kept (the audio as given, if no pass narrowed it at all).
    """
    excess_db = measured.peak_dbtp - measured.lufs - goal_plr_db
    if excess_db <= 0.0:
        return audio, measured
    peak = sample_peak(audio)
    tried = [(QUIET_DRIVE_DB, excess_db)]  # (drive, PLR excess over the goal)
    best: tuple = ((True, excess_db), audio, measured)
    drive_db = _next_drive(tried)
    for _ in range(MAX_PASSES):
        # the drive is from full scale: the loudest sample is brought to 0 dBFS, then driven
        limited, lufs, range_lu, limited_peak = limited_pass(
            audio, sample_rate, np.float32(10.0 ** (drive_db / 20.0) / peak))
        if overshoot_db is None:  # estimated near the loudest samples; checked at the end
            overshoot_db = true_peak_dbtp(limited, ESTIMATE_DB) - to_db(limited_peak)
        pass_measured = Measured(lufs, range_lu, to_db(limited_peak) + overshoot_db)
        excess_db = pass_measured.peak_dbtp - lufs - goal_plr_db
        tried.append((drive_db, excess_db))
        # best: meets the goal with the least drive, else comes closest to it
        rank = (excess_db > 0.0, excess_db if excess_db > 0.0 else drive_db)
        if rank < best[0]:
            best = (rank, limited, pass_measured)
        if -PLR_TOLERANCE_DB <= excess_db <= 0.0:
            break
        drive_db = _next_drive(tried)
        if drive_db is None:
            break
    return best[1], best[2]


def limited_pass(audio: np.ndarray, sample_rate: int,
                 scale: np.float32) -> tuple[np.ndarray, float, float, float]:
    """The audio times `scale` through the limiter, with its integrated loudness, loudness
    range and sample peak, measured while it is made."""
    meter = LoudnessMeter(audio.shape[0], sample_rate, with_range=True)
    peaks = []

    def measure(_first: int, stretch: np.ndarray) -> None:
        meter.add(stretch)
        peaks.append(sample_peak(stretch))

    limiter = Limiter(threshold_db=LIMITER_THRESHOLD_DB, release_ms=RELEASE_MS)
    limited = stream_through(limiter, lambda first, stop: audio[:, first:stop] * scale,
                             audio.shape, sample_rate, measure)
    return limited, meter.lufs(), meter.range_lu(), max(peaks, default=0.0)


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
