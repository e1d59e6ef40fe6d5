"""Mastering: a preset's tone and glue, then the loudness target under a true-peak ceiling.

A preset (resources/mastering.toml, chosen by the genre and leaned by the mood) shapes the
mix first: low and high shelves tilt its spectrum, and a slow glue compressor, set relative
to the mix's own loudness, holds it together without flattening the sections (its release is
far shorter than a section, so a quiet verse stays quieter than the chorus after it). Then
each section is ridden (a slow gain, ramped at its edges) so its loudness follows its energy
target: the master keeps the song's rise and fall instead of flattening it.

Then the loudness (ITU-R BS.1770, see loudness). A loud target under a low ceiling leaves little
room between the average level and the peaks (the peak-to-loudness ratio, PLR). When the
mix's PLR is wider than that room (less the preset's `plr_db`, for genres whose masters are
dense), a true-peak limiter narrows it first, no harder than needed (see limiter); then one
gain sets the loudness. A gain moves loudness and true peak by the same decibels, so both
targets are met by construction rather than by trimming afterwards.

The shaped mix's loudness and range are measured while its true-peak envelope (which the
limiter follows) is made; each limiter pass is measured in full.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from pedalboard import Compressor, HighShelfFilter, LowShelfFilter, Pedalboard

from studio.engine import resources
from studio.engine.model import CompositionContext
from studio.engine.sound.limiter import Measured, limit_to_plr
from studio.engine.sound.loudness import (
    LoudnessMeter,
    integrated_lufs,
    loudness_and_range,
    loudness_report,
    sample_peak,
    to_db,
    true_peak_envelope,
)
from studio.engine.sound.streaming import stream_through

PLR_MARGIN_DB = 0.05  # keeps rounding in the last gain step from landing just over the ceiling
CEILING_MARGIN_DB = 0.01  # a master pinned to the ceiling lands under it in 32-bit floats
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
        audio = _shaped(audio, sample_rate, preset, loudness, sections or [])
    goal_plr_db = ceiling_dbtp - target_lufs - PLR_MARGIN_DB - (preset.plr_db if preset else 0.0)
    measured, envelope = _measured(audio, sample_rate)
    limited, measured = limit_to_plr(audio, sample_rate, goal_plr_db, measured, envelope)
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


def _measured(audio: np.ndarray, sample_rate: int) -> tuple[Measured, np.ndarray]:
    """The audio's loudness, range and true peak, and its true-peak envelope: the loudness
    (libebur128, which holds the GIL) in a thread while the envelope is made."""
    with ThreadPoolExecutor(1, thread_name_prefix="loudness") as pool:
        loudness = pool.submit(loudness_and_range, audio, sample_rate)
        envelope = true_peak_envelope(audio)
        lufs, range_lu = loudness.result()
    return Measured(lufs, range_lu, to_db(float(envelope.max()))), envelope


def _shaped(audio: np.ndarray, sample_rate: int, preset: MasterPreset, loudness: float,
            sections: list[tuple[int, int, float]]) -> np.ndarray:
    """The mix through the preset's tone and glue, each section measured as it is made (for
    the ride), then ridden to its energy."""
    meters = [(start, stop, LoudnessMeter(audio.shape[0], sample_rate))
              for start, stop, _ in sections]

    def measure(first: int, stretch: np.ndarray) -> None:
        for start, stop, meter in meters:
            lo, hi = max(start, first), min(stop, first + stretch.shape[1])
            if hi > lo:
                meter.add(stretch[:, lo - first:hi - first])

    chain = _tone_and_glue(preset, loudness)
    if chain is not None:
        audio = stream_through(chain, lambda first, stop: audio[:, first:stop], audio.shape,
                               sample_rate, measure)
    else:
        measure(0, audio)
    if not sections:
        return audio
    levels = [meter.lufs() for _, _, meter in meters]
    gains = section_gains(sections, levels, preset.section_spread_lu)
    if gains is None:
        return audio
    ramp = int(RIDE_RAMP_S * sample_rate)
    points = []
    for (start, stop, _), gain in zip(sections, gains, strict=True):
        if gain is not None:  # a silent section is left to its neighbours' ramps
            points += [(start + ramp // 2, gain),
                       (max(start + ramp // 2, stop - ramp // 2), gain)]
    return gain_curve(audio, points)


def section_gains(sections: list[tuple[int, int, float]], levels: list[float],
                  spread_lu: float) -> list[float | None] | None:
    """Section gains (dB) that make each section's loudness (`levels`, LUFS) follow its
    energy: `spread_lu` LU per unit of energy around the song's mean, whatever the
    arrangement already gave it. None for a silent section, and instead of the list when
    fewer than two sections have a loudness to ride."""
    heard = [i for i, lufs in enumerate(levels) if np.isfinite(lufs)]
    if len(heard) < 2:
        return None
    weights = np.array([sections[i][1] - sections[i][0] for i in heard], dtype=float)
    energies = np.array([sections[i][2] for i in heard])
    loudness = np.array([levels[i] for i in heard])
    wanted = spread_lu * (energies - np.average(energies, weights=weights))
    ridden = np.clip(wanted - (loudness - np.average(loudness, weights=weights)),
                     -MAX_RIDE_DB, MAX_RIDE_DB)
    gains: list[float | None] = [None] * len(levels)
    for i, gain in zip(heard, ridden, strict=True):
        gains[i] = float(gain)
    return gains


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


def _tone_and_glue(preset: MasterPreset, loudness: float) -> Pedalboard | None:
    """The preset's shelves and glue compressor (its threshold relative to the mix's
    `loudness`); None when it has neither."""
    plugins = []
    if preset.low_db:
        plugins.append(LowShelfFilter(cutoff_frequency_hz=LOW_SHELF_HZ, gain_db=preset.low_db))
    if preset.high_db:
        plugins.append(HighShelfFilter(cutoff_frequency_hz=HIGH_SHELF_HZ, gain_db=preset.high_db))
    if preset.glue_ratio > 1.0:
        plugins.append(Compressor(threshold_db=loudness + preset.glue_threshold_lu,
                                  ratio=preset.glue_ratio, attack_ms=preset.glue_attack_ms,
                                  release_ms=preset.glue_release_ms))
    return Pedalboard(plugins) if plugins else None
