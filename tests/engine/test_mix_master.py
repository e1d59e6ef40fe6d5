"""Mixing (gain, pan, mute, solo, the sum) and the master (loudness target, true-peak ceiling)."""

import numpy as np
import pytest
from songs import make_song

from studio.engine import master, mix, render
from studio.engine.model import Lane

RATES_HZ = (44100, 48000)
# lane -> (gain_db, pan), like the default mix in resources/lanes.toml
_MIX = {
    "drums": (0.0, 0.0),
    "bass": (-1.0, 0.0),
    "keys": (-4.0, -0.3),
    "pad": (-9.0, 0.25),
    "lead": (-3.0, 0.12),
}


@pytest.fixture(scope="module", params=RATES_HZ)
def song_audio(request):
    song = make_song(sections=3, bars_per_section=4)
    for name, (gain_db, pan) in _MIX.items():
        song.lanes[name].gain_db, song.lanes[name].pan = gain_db, pan
    return song, request.param, render.render_stems(song, request.param)


def _noise(samples: int = 4410, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (2, samples)).astype(np.float32)


def test_processed_stems_sum_to_the_mix(song_audio):
    song, _, dry = song_audio
    stems, mixed = mix.mix_stems(dry, song.lanes)
    assert list(stems) == list(dry) and mixed.shape == next(iter(dry.values())).shape
    error = np.abs(sum(stems.values()) - mixed).max() / np.abs(mixed).max()
    assert 20 * np.log10(error + 1e-30) < -60


def test_mute_and_solo(song_audio):
    song, _, dry = song_audio
    lanes = {name: Lane(name, lane.program, lane.is_drums) for name, lane in song.lanes.items()}
    lanes["bass"].mute = True
    stems, mixed = mix.mix_stems(dry, lanes)
    assert not stems["bass"].any() and stems["drums"].any()
    assert np.allclose(mixed, sum(dry[n] for n in dry if n != "bass"), atol=1e-6)

    lanes["keys"].solo = lanes["bass"].solo = True  # a muted lane stays muted when soloed
    stems, mixed = mix.mix_stems(dry, lanes)
    assert [name for name, stem in stems.items() if stem.any()] == ["keys"]
    assert np.array_equal(mixed, stems["keys"])


def test_pan_is_constant_power_and_centre_is_unity():
    stem = _noise()
    assert np.array_equal(mix.apply_lane(stem, Lane("keys", 0)), stem)
    hard_left = mix.apply_lane(stem, Lane("keys", 0, pan=-1.0))
    hard_right = mix.apply_lane(stem, Lane("keys", 0, pan=1.0))
    assert np.abs(hard_left[1]).max() < 1e-6 and np.abs(hard_right[0]).max() < 1e-6
    for pan in np.linspace(-1.0, 1.0, 9):
        left, right = mix.pan_gains(pan)
        assert left**2 + right**2 == pytest.approx(2.0)
    left, right = mix.pan_gains(0.5)
    assert left < 1.0 < right


def test_gain_db():
    stem = _noise()
    quieter = mix.apply_lane(stem, Lane("bass", 33, gain_db=-6.0))
    assert np.allclose(quieter, stem * 10 ** (-6.0 / 20), atol=1e-7)


def test_mono_stem_is_spread_and_wrong_shapes_are_refused():
    mono = _noise()[:1]
    assert mix.apply_lane(mono, Lane("lead", 80)).shape == (2, mono.shape[1])
    with pytest.raises(ValueError):
        mix.apply_lane(np.zeros((3, 10), np.float32), Lane("lead", 80))
    with pytest.raises(ValueError, match="one length"):
        mix.mix_stems({"a": _noise(10), "b": _noise(11)}, {"a": Lane("a", 0), "b": Lane("b", 0)})


@pytest.mark.parametrize("target_lufs", [-14.0, -9.0])
def test_master_meets_loudness_and_true_peak(song_audio, target_lufs):
    song, rate, dry = song_audio
    _, mixed = mix.mix_stems(dry, song.lanes)
    mastered = master.master(mixed, rate, target_lufs=target_lufs, ceiling_dbtp=-1.0)
    assert mastered.shape == mixed.shape and mastered.dtype == np.float32
    report = master.loudness_report(mastered, rate)
    assert report["integrated_lufs"] == pytest.approx(target_lufs, abs=0.5)
    assert report["true_peak_dbtp"] <= -1.0


@pytest.mark.parametrize("rate", RATES_HZ)
def test_master_of_loud_noise_is_limited(rate):
    # peaks far above the ceiling at the target loudness, so the limiter must work
    rng = np.random.default_rng(1)
    spiky = (rng.standard_normal((2, 3 * rate)) * 0.05).astype(np.float32)
    spiky[:, :: rate // 4] = 0.99
    mastered = master.master(spiky, rate, target_lufs=-10.0)
    report = master.loudness_report(mastered, rate)
    assert report["integrated_lufs"] == pytest.approx(-10.0, abs=0.5)
    assert report["true_peak_dbtp"] <= -1.0


def test_ceiling_wins_over_an_unreachable_loudness(song_audio):
    song, rate, dry = song_audio
    _, mixed = mix.mix_stems(dry, song.lanes)
    report = master.loudness_report(master.master(mixed, rate, target_lufs=-2.0), rate)
    assert report["true_peak_dbtp"] <= -1.0
    assert report["integrated_lufs"] < -2.5


def test_silent_and_very_short_audio_pass_unchanged():
    silent = np.zeros((2, 44100), np.float32)
    assert master.master(silent, 44100) is silent
    short = _noise(1000)
    assert np.array_equal(master.master(short, 44100), short)
    assert master.loudness_report(silent, 44100)["integrated_lufs"] == float("-inf")


@pytest.mark.parametrize("rate", RATES_HZ)
def test_loudness_report_of_known_signals(rate):
    seconds = np.arange(2 * rate) / rate
    # BS.1770: a 0 dBFS 1 kHz sine in each of two channels reads 0 LUFS (+-0.1)
    sine = np.tile(0.1 * np.sin(2 * np.pi * 997.0 * seconds), (2, 1)).astype(np.float32)
    assert master.loudness_report(sine, rate)["integrated_lufs"] == pytest.approx(-20.0, abs=0.15)
    # a quarter-rate sine sampled 45 degrees off its crests: samples at 0.707, true peak 1.0
    quarter = np.sin(2 * np.pi * np.arange(2 * rate) / 4 + np.pi / 4)
    report = master.loudness_report(np.tile(quarter, (2, 1)).astype(np.float32), rate)
    assert report["sample_peak_dbfs"] == pytest.approx(-3.01, abs=0.05)
    assert report["true_peak_dbtp"] == pytest.approx(0.0, abs=0.2)
