"""The master's true-peak limiter: what it makes (judged with scipy's 4x resampler and
pyloudnorm, meters we did not write), how its gain moves, and its search for a depth."""

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from studio.engine.sound import limiter, loudness, mix
from studio.engine.sound.limiter import Measured, limit_to_plr, limiter_gain
from studio.engine.sound.stems import render_stems
from tests.engine.songs import make_song

RATES_HZ = (44100, 48000)


def _true_peak_db(audio: np.ndarray) -> float:
    return 20.0 * np.log10(np.abs(resample_poly(audio, 4, 1, axis=-1)).max())


@pytest.fixture(scope="module", params=RATES_HZ)
def mixed(request):
    song = make_song(sections=3, bars_per_section=4)
    _, audio = mix.mix_stems(render_stems(song, request.param), song.lanes)
    return audio, request.param


@pytest.mark.parametrize("depth_db", [3.0, 8.0, 14.0])
def test_the_true_peak_of_what_it_makes_sits_on_its_threshold(mixed, depth_db):
    audio, rate = mixed
    envelope = loudness.true_peak_envelope(audio)
    threshold = float(envelope.max()) * 10.0 ** (-depth_db / 20.0)
    limited = audio * limiter_gain(envelope, rate, threshold)
    assert _true_peak_db(limited) == pytest.approx(20.0 * np.log10(threshold), abs=0.05)
    # a step in gain would clip the wave: inter-sample peaks would rise over the samples'
    sample_peak_db = 20.0 * np.log10(np.abs(limited).max())
    assert _true_peak_db(limited) - sample_peak_db < 0.3


def test_the_gain_ramps_down_ahead_of_a_peak_and_back_after_it():
    rate = 48000
    audio = np.full((2, rate), 0.1, dtype=np.float32)
    audio[:, rate // 2] = 1.0  # one loud sample in the middle
    envelope = loudness.true_peak_envelope(audio)
    gain_db = 20.0 * np.log10(limiter_gain(envelope, rate, 0.5))
    at = rate // 2
    assert gain_db[at] <= 20.0 * np.log10(0.5) + 1e-3
    ahead = round(limiter.LOOKAHEAD_S * rate)
    assert gain_db[at - 2 * ahead] == 0.0  # untouched until the ramp begins
    ramp = np.diff(gain_db[at - 2 * ahead:at + 1])
    assert ramp.max() <= 1e-6 and -ramp.min() < 6.1 / ahead  # down, a little each sample
    recovered = at + int(6.1 / limiter.RELEASE_DB_PER_S * rate) + 2 * ahead
    assert gain_db[recovered] == 0.0  # back at the release's pace
    assert np.all(np.diff(gain_db[at + ahead:recovered]) >= -1e-6)


def test_a_peak_on_the_first_sample_is_limited_too():
    rate = 44100
    audio = (np.random.default_rng(3).standard_normal((2, rate)) * 0.05).astype(np.float32)
    audio[:, 0] = 0.99
    envelope = loudness.true_peak_envelope(audio)
    limited = audio * limiter_gain(envelope, rate, 0.25)
    assert _true_peak_db(limited) <= 20.0 * np.log10(0.25) + 0.05


def test_quiet_audio_is_left_alone():
    audio = (np.random.default_rng(4).standard_normal((2, 44100)) * 0.01).astype(np.float32)
    envelope = loudness.true_peak_envelope(audio)
    assert np.all(limiter_gain(envelope, 44100, 0.9) == 1.0)


@pytest.mark.parametrize("goal_plr_db", [10.0, 8.0])
def test_the_search_narrows_the_ratio_into_its_band_in_few_passes(mixed, goal_plr_db,
                                                                     monkeypatch):
    audio, rate = mixed
    passes = []
    made = limiter.limited_pass
    monkeypatch.setattr(limiter, "limited_pass",
                        lambda *args: passes.append(args[-1]) or made(*args))
    unlimited = Measured(loudness.integrated_lufs(audio, rate), 0.0,
                         loudness.true_peak_dbtp(audio))
    assert unlimited.peak_dbtp - unlimited.lufs > goal_plr_db + 1.0  # it has work to do
    limited, measured = limit_to_plr(audio, rate, goal_plr_db, unlimited)
    lufs = pyloudnorm.Meter(rate).integrated_loudness(limited.T)
    assert lufs == pytest.approx(measured.lufs, abs=0.1)
    assert measured.peak_dbtp == pytest.approx(_true_peak_db(limited), abs=0.02)
    plr = measured.peak_dbtp - measured.lufs
    assert goal_plr_db - limiter.PLR_TOLERANCE_DB <= plr <= goal_plr_db
    assert len(passes) <= 2


def test_a_window_minimum_is_the_minimum_of_every_window():
    values = np.random.default_rng(5).standard_normal(1000).astype(np.float32)
    for width in (1, 2, 7, 64):
        padded = np.concatenate([values, np.zeros(width, np.float32)])
        expected = [padded[n:n + width].min() for n in range(len(values))]
        np.testing.assert_array_equal(limiter._window_min(values, width), expected)


def test_the_true_peak_envelope_peaks_at_the_true_peak():
    rng = np.random.default_rng(8)
    audio = (rng.standard_normal((2, 40000)) * 0.2).astype(np.float32)
    audio[:, rng.integers(0, 40000, 4)] = 0.9
    audio[:, -1] = -0.95  # ringing into the silence after the end counts
    envelope = loudness.true_peak_envelope(audio)
    assert envelope.shape == (40000,)
    assert 20.0 * np.log10(envelope.max()) == pytest.approx(_true_peak_db(audio), abs=0.01)
    assert 20.0 * np.log10(envelope.max()) == pytest.approx(loudness.true_peak_dbtp(audio),
                                                            abs=1e-5)
    # an estimate of the envelope good to a decibel finds the same peak, looking in fewer places
    estimate = envelope * np.float32(10.0 ** (rng.uniform(-0.4, 0.4, 40000) / 20.0))
    assert loudness.true_peak_dbtp(audio, estimate=estimate.astype(np.float32)) == \
        pytest.approx(loudness.true_peak_dbtp(audio), abs=1e-6)
