"""Mastering: a preset's tone and glue, then the loudness target under a true-peak ceiling.

A preset (resources/mastering.toml, chosen by the genre and leaned by the mood) shapes the
mix first: low and high shelves tilt its spectrum, and a slow glue compressor, set relative
to the mix's own loudness, holds it together without flattening the sections (its release is
far shorter than a section, so a quiet verse stays quieter than the chorus after it). Then
each section is ridden (a slow gain, ramped at its edges) so its loudness follows its energy
target: the master keeps the song's rise and fall instead of flattening it.

Then the loudness (ITU-R BS.1770, see meter). A loud target under a low ceiling leaves little
room between the average level and the peaks (the peak-to-loudness ratio, PLR). When the
mix's PLR is wider than that room (less the preset's `plr_db`, for genres whose masters are
dense), a limiter narrows it first, no harder than needed; then one gain sets the loudness. A
gain moves loudness and true peak (4x oversampled) by the same decibels, so both targets are
met by construction rather than by trimming afterwards.

pedalboard's Limiter (JUCE's) adds make-up gain and clips at full scale, which is why the
loudness is set after it and never before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from pedalboard import Compressor, HighShelfFilter, Limiter, LowShelfFilter, Pedalboard

from studio.engine import resources
from studio.engine.meter import (
    integrated_lufs,
    loudness_and_range,
    loudness_report,
    sample_peak,
    to_db,
    true_peak_dbtp,
)
from studio.engine.model import CompositionContext

PLR_MARGIN_DB = 0.05  # keeps rounding in the last gain step from landing just over the ceiling
CEILING_MARGIN_DB = 0.01  # a master pinned to the ceiling lands under it in 32-bit floats
PLR_TOLERANCE_DB = 1.0  # limiting up to this much harder than needed saves search passes
LIMITER_THRESHOLD_DB = 0.0
RELEASE_MS = 100.0
QUIET_DRIVE_DB = -8.0  # a full-scale mix turned down this far passes the limiter untouched
MAX_DRIVE_DB = 30.0
MAX_STEP_DB = 12.0
FIRST_SLOPE = 0.35  # decibels of ratio a decibel of drive takes off, typical of mixed songs
MAX_PASSES = 6
SHORTFALL_DB = 0.25  # loudness a ceiling may cost before the search is redone with true peaks
ESTIMATE_DB = 1.0  # the limiter search estimates overshoot from blocks this near the peak
RIDE_RAMP_S = 0.5  # section gains change over this long, centred on the boundary
MAX_RIDE_DB = 6.0  # no section is ridden further than this
LOW_SHELF_HZ = 120.0
HIGH_SHELF_HZ = 8000.0


@dataclass(frozen=True)
class MasterPreset:
    """Tone (shelf gains in dB), glue compression (threshold in LU above the mix's
    loudness, ratio, attack, release), how much tighter than the target needs the limiter
    makes the peak-to-loudness ratio (dB), and how far apart (LU per unit of energy) the
    sections' loudness is ridden."""

    name: str = "none"
    low_db: float = 0.0
    high_db: float = 0.0
    glue_threshold_lu: float = 6.0
    glue_ratio: float = 1.0
    glue_attack_ms: float = 30.0
    glue_release_ms: float = 250.0
    plr_db: float = 0.0
    section_spread_lu: float = 6.0


def preset_names() -> tuple[str, ...]:
    return tuple(resources.table("mastering")["presets"])


def preset_name(context: CompositionContext) -> str:
    """The preset the song's primary genre masters with."""
    return resources.table("mastering")["genres"].get(context.primary_genre, "balanced")


def loudness_target(name: str) -> float:
    """A named loudness target (streaming, club, broadcast) in LUFS."""
    targets = resources.table("mastering")["loudness_targets"]
    if name not in targets:
        raise ValueError(f"no loudness target '{name}' (known: {', '.join(targets)})")
    return float(targets[name])


def master_preset(context: CompositionContext, name: str) -> MasterPreset:
    """A preset leaned by the song's mood: brighter for a bright mood, darker for a dark
    one, more glue for an excited one."""
    table = resources.table("mastering")
    if name not in table["presets"]:
        raise ValueError(f"no mastering preset '{name}' (presets: {', '.join(table['presets'])})")
    preset = MasterPreset(name, **table["presets"][name])
    tilt = table["mood_tilt_db"] * context.mood.valence
    return replace(preset, high_db=preset.high_db + tilt,
                   glue_ratio=preset.glue_ratio + table["mood_glue"] * max(0.0,
                                                                          context.mood.arousal))


def master(
    mix: np.ndarray, sample_rate: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0,
    *, preset: MasterPreset | None = None, sections: list[tuple[int, int, float]] | None = None,
) -> np.ndarray:
    """The mastered audio; see master_measured."""
    return master_measured(mix, sample_rate, target_lufs, ceiling_dbtp, preset=preset,
                           sections=sections)[0]


def master_measured(
    mix: np.ndarray, sample_rate: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0,
    *, preset: MasterPreset | None = None, sections: list[tuple[int, int, float]] | None = None,
) -> tuple[np.ndarray, dict]:
    """The mix through the preset's tone and glue, its sections ridden to the energy curve,
    at `target_lufs` with its true peak at or below `ceiling_dbtp`.

    `sections` is (first sample, end sample, energy) per section. Audio without a measurable
    loudness (silent, or shorter than one 400 ms block) is returned unchanged. When even the
    hardest limiting leaves the peaks too high for the target, the ceiling wins and the
    result is quieter than asked.
    """
    audio = np.asarray(mix, dtype=np.float32)
    loudness = integrated_lufs(audio, sample_rate)
    if not np.isfinite(loudness):
        return mix, loudness_report(audio, sample_rate)
    if preset is not None:
        audio = _tone_and_glue(audio, sample_rate, preset, loudness)
        if sections:
            audio = ride_sections(audio, sample_rate, sections, preset.section_spread_lu)
    measured = Measured(*loudness_and_range(audio, sample_rate), float("nan"))
    goal_plr_db = ceiling_dbtp - target_lufs - PLR_MARGIN_DB - (preset.plr_db if preset else 0.0)
    # A true peak is never below the sample peak, so when the sample peak alone already puts
    # the ratio well over the goal, the costly oversampled measure would change nothing.
    peak_dbtp = to_db(sample_peak(audio))
    if peak_dbtp - measured.lufs - goal_plr_db < PLR_TOLERANCE_DB:
        peak_dbtp = true_peak_dbtp(audio)
    measured = replace(measured, peak_dbtp=peak_dbtp)
    overshoot_db = None
    limited = audio
    for _ in range(2):
        limited, measured = _limit_to_plr(audio, sample_rate, goal_plr_db, measured,
                                          overshoot_db)
        if limited is audio:
            break
        # The search estimated true peaks; the last gain needs the real one. Should the
        # estimate have been short, search once more with the overshoot actually measured.
        exact_dbtp = true_peak_dbtp(limited)
        shortfall_db = (target_lufs - measured.lufs) - (ceiling_dbtp - exact_dbtp)
        measured = replace(measured, peak_dbtp=exact_dbtp)
        overshoot_db = exact_dbtp - to_db(sample_peak(limited))
        if shortfall_db <= SHORTFALL_DB:
            break
    gain_db = min(target_lufs - measured.lufs,
                  ceiling_dbtp - CEILING_MARGIN_DB - measured.peak_dbtp)
    mastered = limited * np.float32(10.0 ** (gain_db / 20.0))
    # A gain moves loudness and true peak by itself and leaves the range as it was (but for
    # blocks crossing the -70 LUFS gate, far below any that count): the measures already
    # made hold for the result, but for float rounding.
    return mastered, {"integrated_lufs": measured.lufs + gain_db,
                      "loudness_range_lu": measured.range_lu,
                      "true_peak_dbtp": measured.peak_dbtp + gain_db,
                      "sample_peak_dbfs": to_db(sample_peak(mastered))}


@dataclass(frozen=True)
class Measured:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP, or an estimate)."""

    lufs: float
    range_lu: float
    peak_dbtp: float


def ride_sections(audio: np.ndarray, sample_rate: int, sections: list[tuple[int, int, float]],
                  spread_lu: float) -> np.ndarray:
    """Section gains that make each section's loudness follow its energy: `spread_lu` LU per
    unit of energy around the song's mean, whatever the arrangement already gave it, ramped
    over RIDE_RAMP_S at each boundary. Limiting afterwards narrows peaks, not this contour."""
    measured = []
    for start, stop, energy in sections:
        lufs = integrated_lufs(audio[:, start:stop], sample_rate)
        if np.isfinite(lufs):
            measured.append((start, stop, energy, lufs))
    if len(measured) < 2:
        return audio
    weights = np.array([stop - start for start, stop, _, _ in measured], dtype=float)
    energies = np.array([m[2] for m in measured])
    levels = np.array([m[3] for m in measured])
    wanted = spread_lu * (energies - np.average(energies, weights=weights))
    gains = np.clip(wanted - (levels - np.average(levels, weights=weights)), -MAX_RIDE_DB,
                    MAX_RIDE_DB)
    ramp = int(RIDE_RAMP_S * sample_rate)
    points = []
    for (start, stop, _, _), gain in zip(measured, gains, strict=True):
        points += [(start + ramp // 2, float(gain)),
                   (max(start + ramp // 2, stop - ramp // 2), float(gain))]
    return gain_curve(audio, points)


def gain_curve(audio: np.ndarray, points: list[tuple[int, float]]) -> np.ndarray:
    """The audio times a gain in dB drawn straight between (sample, dB) points (as np.interp
    draws it: level before the first point and after the last). A flat stretch costs one
    multiplication; only the slopes are computed sample by sample."""
    length = audio.shape[1]
    out = np.empty_like(audio)
    edges = [(0, points[0][1]), *points, (length, points[-1][1])]
    for (x0, y0), (x1, y1) in pairwise(edges):
        lo, hi = max(0, x0), min(length, x1)
        if hi <= lo:
            continue
        if y0 == y1:
            np.multiply(audio[:, lo:hi], np.float32(10.0 ** (y0 / 20.0)), out=out[:, lo:hi])
        else:
            db = y0 + (y1 - y0) * (np.arange(lo, hi) - x0) / (x1 - x0)
            np.multiply(audio[:, lo:hi], (10.0 ** (db / 20.0)).astype(np.float32),
                        out=out[:, lo:hi])
    return out


def _tone_and_glue(audio: np.ndarray, sample_rate: int, preset: MasterPreset,
                   loudness: float) -> np.ndarray:
    plugins = []
    if preset.low_db:
        plugins.append(LowShelfFilter(cutoff_frequency_hz=LOW_SHELF_HZ, gain_db=preset.low_db))
    if preset.high_db:
        plugins.append(HighShelfFilter(cutoff_frequency_hz=HIGH_SHELF_HZ, gain_db=preset.high_db))
    if preset.glue_ratio > 1.0:
        plugins.append(Compressor(threshold_db=loudness + preset.glue_threshold_lu,
                                  ratio=preset.glue_ratio, attack_ms=preset.glue_attack_ms,
                                  release_ms=preset.glue_release_ms))
    if not plugins:
        return audio
    return Pedalboard(plugins)(audio, sample_rate).astype(np.float32, copy=False)


def _limit_to_plr(
    audio: np.ndarray, sample_rate: int, goal_plr_db: float, measured: Measured,
    overshoot_db: float | None = None,
) -> tuple[np.ndarray, Measured]:
    """Audio whose peak-to-loudness ratio is at most `goal_plr_db`, limited no more than needed.

    Takes and returns the audio with its measures (the true peak estimated). The drive into
    the limiter is searched (see `_next_drive`); when no drive reaches the goal, the narrowest
    ratio found is kept. Oversampling every pass would dominate the cost, so a pass's true
    peak is its sample peak plus the inter-sample overshoot measured once (or given): a
    limiter pins peaks alike from pass to pass.
    """
    excess_db = measured.peak_dbtp - measured.lufs - goal_plr_db
    if excess_db <= 0.0:
        return audio, measured
    peak = sample_peak(audio)
    tried = [(QUIET_DRIVE_DB, excess_db)]  # (drive, PLR excess over the goal)
    best: tuple = ((True, excess_db), audio, measured)
    drive_db = _next_drive(tried)
    for _ in range(MAX_PASSES):
        limiter = Limiter(threshold_db=LIMITER_THRESHOLD_DB, release_ms=RELEASE_MS)
        # the drive is from full scale: the loudest sample is brought to 0 dBFS, then driven
        limited = limiter(audio * np.float32(10.0 ** (drive_db / 20.0) / peak), sample_rate)
        lufs, range_lu = loudness_and_range(limited, sample_rate)
        if overshoot_db is None:  # estimated near the loudest samples; checked at the end
            overshoot_db = true_peak_dbtp(limited, ESTIMATE_DB) - to_db(sample_peak(limited))
        pass_measured = Measured(lufs, range_lu, to_db(sample_peak(limited)) + overshoot_db)
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
