"""Seeded randomness: every stage draws from a generator derived from what it works on."""

from __future__ import annotations

import zlib

import numpy as np


def stable_id(name: str) -> int:
    """A small integer for a name that is the same on every run and machine."""
    return zlib.crc32(name.encode("utf-8"))


def rng_for(seed: int, section_id: int, lane: str, variation: int = 0) -> np.random.Generator:
    """The random generator for one (song seed, section, lane, variation) selection.

    Stages that work on the song as a whole pass section_id=-1 and a stage name as `lane`.
    """
    low, high = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    entropy = [low, high, section_id + 1, stable_id(lane), variation]
    return np.random.default_rng(np.random.SeedSequence(entropy))
