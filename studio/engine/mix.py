"""Mixing: each lane's gain, pan, mute and solo applied to its dry stem, and the stems' sum."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from studio.engine.model import LANE_ORDER, Lane


def ordered_lanes(names: Iterable[str]) -> list[str]:
    """Lane names in LANE_ORDER first, then any others in the order given."""
    names = list(names)
    known = [n for n in LANE_ORDER if n in names]
    return known + [n for n in names if n not in LANE_ORDER]


def pan_gains(pan: float) -> tuple[float, float]:
    """Left and right gains of a constant-power pan, -1 (left) .. +1 (right).

    The sine/cosine law is scaled so the centre is unity: a centred lane at 0 dB passes
    through unchanged, and left**2 + right**2 is the same (2) at every position.
    """
    angle = (min(max(pan, -1.0), 1.0) + 1.0) * np.pi / 4.0
    return float(np.sqrt(2.0) * np.cos(angle)), float(np.sqrt(2.0) * np.sin(angle))


def apply_lane(stem: np.ndarray, lane: Lane) -> np.ndarray:
    """A stereo stem (2, samples) with the lane's gain and pan; a mono stem is spread first."""
    stem = np.asarray(stem, dtype=np.float32)
    if stem.ndim != 2 or stem.shape[0] not in (1, 2):
        raise ValueError(f"a stem is (channels, samples) with 1 or 2 channels, not {stem.shape}")
    if stem.shape[0] == 1:
        stem = np.repeat(stem, 2, axis=0)
    gain = 10.0 ** (lane.gain_db / 20.0)
    left, right = pan_gains(lane.pan)
    scale = np.array([[gain * left], [gain * right]], dtype=np.float32)
    return stem * scale


def audible_lanes(lanes: Mapping[str, Lane]) -> set[str]:
    """Lanes that sound: not muted, and soloed when any lane is soloed."""
    soloed = {name for name, lane in lanes.items() if lane.solo and not lane.mute}
    if soloed:
        return soloed
    return {name for name, lane in lanes.items() if not lane.mute}


def mix_stems(
    dry_stems: Mapping[str, np.ndarray], lanes: Mapping[str, Lane]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Processed stems (silent when muted or not soloed) and the mix, which is their sum."""
    lengths = {stem.shape[-1] for stem in dry_stems.values()}
    if len(lengths) > 1:
        raise ValueError(f"stems must have one length, got lengths {sorted(lengths)}")
    audible = audible_lanes({name: lanes[name] for name in dry_stems})
    stems: dict[str, np.ndarray] = {}
    for name in ordered_lanes(dry_stems):
        processed = apply_lane(dry_stems[name], lanes[name])
        stems[name] = processed if name in audible else np.zeros_like(processed)
    mix = np.zeros((2, lengths.pop() if lengths else 0), dtype=np.float32)
    for stem in stems.values():
        mix += stem
    return stems, mix
