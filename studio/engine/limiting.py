"""The master's limiter: a peak-to-loudness ratio narrowed no more than a target needs.

pedalboard's Limiter (JUCE's) is driven from full scale; how hard is searched, each pass
measured (loudness, range, sample peak) while it is made (see streaming). Oversampling all
of every pass would dominate the cost, so a pass's true peak is estimated from the blocks
near its loudest samples; the master measures the one it keeps in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pedalboard import Limiter

from studio.engine.meter import LoudnessMeter, sample_peak, true_peak_dbtp
from studio.engine.streaming import stream_through

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
ESTIMATE_DB = 1.0  # the search estimates overshoot from blocks this near the peak


@dataclass(frozen=True)
class Measured:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP, or an estimate
    of it); `exact` is False while the loudness is only estimated (and the range unknown)."""

    lufs: float
    range_lu: float
    peak_dbtp: float
    exact: bool = True


@dataclass(frozen=True)
class Search:
    """What a search for the limiter's drive found: the audio (limited, or as it was when no
    pass narrowed its ratio) with its measures and drive (None when not limited), and every
    try as (drive, PLR excess over the goal), for a search to go on from."""

    audio: np.ndarray
    measured: Measured
    drive_db: float | None
    tried: list[tuple[float, float]]


def limit_to_plr(audio: np.ndarray, sample_rate: int, goal_plr_db: float, unlimited: Measured,
                 tried: list[tuple[float, float]] | None = None,
                 correction_db: float = 0.0) -> Search:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than needed.

    `unlimited` measures the audio as given. The drive into the limiter is searched (see
    `_next_drive`), going on from `tried` when given; when no drive reaches the goal, the
    narrowest ratio found is kept. Each pass's true peak is estimated near its loudest
    samples (harder limiting leaves larger overshoots between samples), raised by
    `correction_db`.
    """
    excess_db = unlimited.peak_dbtp - unlimited.lufs - goal_plr_db
    tried = list(tried or [(QUIET_DRIVE_DB, excess_db)])
    if excess_db <= 0.0:
        return Search(audio, unlimited, None, tried)
    peak = sample_peak(audio)
    best = ((True, excess_db), Search(audio, unlimited, None, tried))
    for _ in range(MAX_PASSES):
        drive_db = _next_drive(tried)
        if drive_db is None:
            break
        # the drive is from full scale: the loudest sample is brought to 0 dBFS, then driven
        limited, lufs, range_lu = limited_pass(
            audio, sample_rate, np.float32(10.0 ** (drive_db / 20.0) / peak))
        measured = Measured(lufs, range_lu,
                            true_peak_dbtp(limited, ESTIMATE_DB) + correction_db)
        excess_db = measured.peak_dbtp - lufs - goal_plr_db
        tried.append((drive_db, excess_db))
        # best: meets the goal with the least drive, else comes closest to it
        rank = (excess_db > 0.0, excess_db if excess_db > 0.0 else drive_db)
        if rank < best[0]:
            best = (rank, Search(limited, measured, drive_db, tried))
        if -PLR_TOLERANCE_DB <= excess_db <= 0.0:
            break
    return best[1]


def limited_pass(audio: np.ndarray, sample_rate: int,
                 scale: np.float32) -> tuple[np.ndarray, float, float]:
    """The audio times `scale` through the limiter, with its integrated loudness and
    loudness range, measured while it is made."""
    meter = LoudnessMeter(audio.shape[0], sample_rate, with_range=True)
    limiter = Limiter(threshold_db=LIMITER_THRESHOLD_DB, release_ms=RELEASE_MS)
    limited = stream_through(limiter, lambda first, stop: audio[:, first:stop] * scale,
                             audio.shape, sample_rate, lambda _first, stretch: meter.add(stretch))
    return limited, meter.lufs(), meter.range_lu()


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
