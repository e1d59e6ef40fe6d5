"""The master's limiter: a peak-to-loudness ratio narrowed no more than a target needs.

pedalboard's Limiter (JUCE's) is driven from full scale; how hard is searched, each pass
measured in full (loudness, range, true peak) while it is made (see streaming).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pedalboard import Limiter

from studio.engine.sound.loudness import LoudnessMeter, TruePeakMeter, sample_peak
from studio.engine.sound.streaming import stream_through

PLR_TOLERANCE_DB = 1.0  # limiting up to this much harder than needed saves search passes
LIMITER_THRESHOLD_DB = 0.0
RELEASE_MS = 100.0
QUIET_DRIVE_DB = -8.0  # a full-scale mix turned down this far passes the limiter untouched
MAX_DRIVE_DB = 30.0
MAX_PASSES = 6
FIRST_AIM_DB = -0.6  # the first pass aims a little under the middle of the band: see below
# How far the limiter narrows the peak-to-loudness ratio (dB) at each drive from full scale
# (dB), typical of mixed songs (measured on the prompt suite's masters, whose curves have
# this shape, some set further left or right): nothing until the peaks reach the limiter's
# first stage, then less with each decibel more. Aimed by it, most songs need one pass.
_DRIVES_DB = (-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0,
              MAX_DRIVE_DB)
_NARROWED_DB = (0.09, 0.63, 1.49, 2.18, 2.98, 3.59, 4.15, 4.71, 5.13, 5.62, 5.95, 6.25, 6.61,
                6.89, 7.12, 12.12)


@dataclass(frozen=True)
class Measured:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP); `exact` is False
    while the loudness is only estimated, the range unknown and the peak a sample peak."""

    lufs: float
    range_lu: float
    peak_dbtp: float
    exact: bool = True


def limit_to_plr(audio: np.ndarray, sample_rate: int, goal_plr_db: float,
                 unlimited: Measured) -> tuple[np.ndarray, Measured]:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than
    needed, with its measures. `unlimited` measures the audio as given.

    The drive into the limiter is searched (see `_next_drive`); when no drive reaches the
    goal, the narrowest ratio found is kept (the audio as given, if no pass narrowed it).
    """
    excess_db = unlimited.peak_dbtp - unlimited.lufs - goal_plr_db
    if excess_db <= 0.0:
        return audio, unlimited
    peak = sample_peak(audio)
    tried = [(QUIET_DRIVE_DB, excess_db)]  # (drive, PLR excess over the goal)
    best: tuple = ((True, excess_db), audio, unlimited)
    for _ in range(MAX_PASSES):
        drive_db = _next_drive(tried)
        if drive_db is None:
            break
        # the drive is from full scale: the loudest sample is brought to 0 dBFS, then driven
        limited, measured = limited_pass(audio, sample_rate,
                                         np.float32(10.0 ** (drive_db / 20.0) / peak))
        excess_db = measured.peak_dbtp - measured.lufs - goal_plr_db
        tried.append((drive_db, excess_db))
        # best: meets the goal with the least drive, else comes closest to it
        rank = (excess_db > 0.0, excess_db if excess_db > 0.0 else drive_db)
        if rank < best[0]:
            best = (rank, limited, measured)
        if -PLR_TOLERANCE_DB <= excess_db <= 0.0:
            break
    return best[1], best[2]


def limited_pass(audio: np.ndarray, sample_rate: int,
                 scale: np.float32) -> tuple[np.ndarray, Measured]:
    """The audio times `scale` through the limiter, measured while it is made."""
    loudness = LoudnessMeter(audio.shape[0], sample_rate, with_range=True)
    peak = TruePeakMeter(audio.shape[0])
    limiter = Limiter(threshold_db=LIMITER_THRESHOLD_DB, release_ms=RELEASE_MS)
    limited = stream_through(limiter, lambda first, stop: audio[:, first:stop] * scale,
                             audio.shape, sample_rate, lambda _, made: loudness.add(made),
                             lambda _, made: peak.add(made))
    return limited, Measured(loudness.lufs(), loudness.range_lu(), peak.dbtp())


def _next_drive(tried: list[tuple[float, float]]) -> float | None:
    """The next drive to try, aiming at the middle of the accepted band under the goal.

    `tried` is (drive, PLR excess over the goal) per try, the unlimited audio first. The
    first pass takes the drive the typical curve (_NARROWED_DB) gives. After it, the song's
    own curve is taken for the typical one set left or right: the try nearest the aim says
    how far, and the next drive is what that curve gives. Once the goal is bracketed the
    drive stays inside the bracket. None when the drive is at its limit and the goal still
    out of reach.
    """
    aim = -PLR_TOLERANCE_DB / 2.0
    unlimited = tried[0][1]

    def typical(narrowed_db: float) -> float:
        return float(np.interp(narrowed_db, _NARROWED_DB, _DRIVES_DB))

    if len(tried) == 1:
        return typical(unlimited - FIRST_AIM_DB)
    drive, excess = min(tried[1:], key=lambda t: abs(t[1] - aim))
    guess = drive + typical(unlimited - aim) - typical(unlimited - excess)
    over = max(d for d, e in tried if e > aim)
    under = [d for d, e in tried if e <= aim]
    if under:
        low, high = over, min(under)
        return float(np.clip(guess, low + 0.1 * (high - low), high - 0.1 * (high - low)))
    if over >= MAX_DRIVE_DB - 0.1:
        return None
    return min(guess, MAX_DRIVE_DB)
