"""Mastering presets differ by genre: the spectral tilt and crest factor of metal masters and
ambient masters part further than the seeds of one genre spread them (measured with scipy's
Welch spectrum on the rendered masters)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import welch

from studio import engine

pytestmark = pytest.mark.slow
SEEDS = (1, 2, 3)


def tilt_db_per_octave(audio: np.ndarray, rate: int) -> float:
    """Slope of the power spectrum from 100 Hz to 10 kHz, in dB per octave."""
    freqs, power = welch(audio.mean(axis=0), fs=rate, nperseg=8192)
    band = (freqs >= 100) & (freqs <= 10000)
    slope = np.polyfit(np.log2(freqs[band]), 10 * np.log10(power[band] + 1e-20), 1)[0]
    return float(slope)


def crest_db(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.abs(audio).max() / np.sqrt(np.mean(audio ** 2))))


@pytest.fixture(scope="module")
def measured():
    result = {}
    for prompt in ("heavy metal", "ambient soundscape"):
        rows = []
        for seed in SEEDS:
            composition = engine.compose(prompt, seed, length_s=60)
            song = engine.render_song(composition, 44100)
            rows.append((tilt_db_per_octave(song.master, 44100), crest_db(song.master)))
        result[composition.context.primary_genre] = rows
    return result


def test_genres_master_with_their_presets():
    metal = engine.compose("heavy metal", 1, length_s=30)
    ambient = engine.compose("ambient soundscape", 1, length_s=30)
    assert (metal.mastering.preset, ambient.mastering.preset) == ("punchy", "open")
    assert metal.mastering.target_lufs == ambient.mastering.target_lufs == -14.0


def test_metal_and_ambient_masters_differ_beyond_their_seeds(measured):
    metal, ambient = np.array(measured["metal"]), np.array(measured["ambient"])
    for column, name in ((0, "tilt"), (1, "crest")):
        apart = min(abs(metal[:, column].min() - ambient[:, column].max()),
                    abs(ambient[:, column].min() - metal[:, column].max()))
        separated = metal[:, column].min() > ambient[:, column].max() or \
            ambient[:, column].min() > metal[:, column].max()
        spread = max(np.ptp(metal[:, column]), np.ptp(ambient[:, column]))
        assert separated and apart > spread, (name, metal[:, column], ambient[:, column])
