"""Mixing (effects, sends, gain, pan, mute, solo, the sum), measuring, and the master
(presets, loudness target, true-peak ceiling)."""

from dataclasses import replace

import numpy as np
import pyloudnorm
import pytest
from pedalboard import Limiter
from scipy.signal import firwin, resample_poly

from studio import engine
from studio.engine.model import Buses, Lane, LaneFx
from studio.engine.orchestrator import section_spans
from studio.engine.sound import loudness, mastering, mix, streaming
from studio.engine.sound.stems import render_stems
from tests.engine.songs import make_song

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
    return song, request.param, render_stems(song, request.param)


def _noise(samples: int = 4410, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (2, samples)).astype(np.float32)


def _with_fx(song):
    """The song's lanes with their pop defaults: inserts on every lane, sends on most."""
    lanes = {name: replace(lane, fx=mix.lane_fx_defaults(song.context, name))
             for name, lane in song.lanes.items()}
    assert any(lane.fx.reverb_send for lane in lanes.values())
    return lanes


def _db(x) -> float:
    return 20 * np.log10(x + 1e-30)


def test_stems_with_effects_sum_to_the_mix(song_audio):
    song, rate, dry = song_audio
    lanes = _with_fx(song)
    stems, mixed = mix.mix_stems(dry, lanes, Buses(), 120.0, rate)
    assert list(stems) == [*dry, "reverb", "delay"]
    assert mixed.shape == next(iter(dry.values())).shape
    assert all(stem.shape == mixed.shape for stem in stems.values())
    assert stems["reverb"].any() and stems["delay"].any()
    error = np.abs(sum(stems.values()) - mixed).max() / np.abs(mixed).max()
    assert _db(error) < -50


def test_a_muted_lane_sends_nothing(song_audio):
    song, rate, dry = song_audio
    lanes = _with_fx(song)
    lanes["bass"].mute = True
    stems, mixed = mix.mix_stems(dry, lanes, Buses(), 120.0, rate)
    without = {name: audio for name, audio in dry.items() if name != "bass"}
    _, reference = mix.mix_stems(without, lanes, Buses(), 120.0, rate)
    assert not stems["bass"].any() and stems["drums"].any()
    assert np.allclose(mixed, reference, atol=1e-5)
    lanes["keys"].solo = lanes["bass"].solo = True  # a muted lane stays muted when soloed
    stems, mixed = mix.mix_stems(dry, lanes, Buses(), 120.0, rate)
    assert [name for name in dry if stems[name].any()] == ["keys"]


def test_mute_and_solo_without_effects(song_audio):
    song, _, dry = song_audio
    lanes = {name: Lane(name, lane.program, lane.is_drums) for name, lane in song.lanes.items()}
    lanes["bass"].mute = True
    stems, mixed = mix.mix_stems(dry, lanes)
    assert not stems["reverb"].any() and not stems["delay"].any()
    assert np.allclose(mixed, sum(dry[n] for n in dry if n != "bass"), atol=1e-6)


def test_inserts_cut_lows_and_compress(song_audio):
    _, rate, _ = song_audio
    rng = np.random.default_rng(3)
    noise = rng.standard_normal((2, 2 * rate)).astype(np.float32) * 0.1
    cut = mix.process_lane(noise, LaneFx(low_cut_hz=400.0), rate)
    spectrum = np.abs(np.fft.rfft(noise[0])) ** 2
    cut_spectrum = np.abs(np.fft.rfft(cut[0])) ** 2
    low = np.fft.rfftfreq(noise.shape[1], 1 / rate) < 100
    assert cut_spectrum[low].sum() < 0.05 * spectrum[low].sum()
    # a loud burst after a quiet stretch: the compressor narrows the gap between them
    burst = noise.copy()
    burst[:, rate:] *= 8.0
    squeezed = mix.process_lane(burst, LaneFx(comp_threshold_db=-20.0, comp_ratio=6.0), rate)
    def gap(x):
        return _db(np.abs(x[:, rate + rate // 2:]).mean() / np.abs(x[:, :rate]).mean())
    assert gap(squeezed) < gap(burst) - 6


def test_the_reverb_rings_on_after_the_notes(song_audio):
    _, rate, _ = song_audio
    click = np.zeros((2, 2 * rate), np.float32)
    click[:, 100] = 0.5
    lanes = {"keys": Lane("keys", 0, fx=LaneFx(reverb_send=1.0))}
    stems, _ = mix.mix_stems({"keys": click}, lanes, Buses(reverb_room=0.9), 120.0, rate)
    assert np.abs(stems["reverb"][:, rate // 2:rate]).max() > 1e-3


def test_genres_set_the_effects():
    ambient, metal = (engine.build_context(engine.read_prompt(p), 1) for p in ("ambient",
                                                                               "metal"))
    assert mix.lane_fx_defaults(ambient, "pad").reverb_send > \
        2 * mix.lane_fx_defaults(metal, "pad").reverb_send
    assert mix.lane_fx_defaults(metal, "drums").comp_ratio > \
        mix.lane_fx_defaults(ambient, "drums").comp_ratio
    assert mix.bus_defaults(ambient).reverb_room > mix.bus_defaults(metal).reverb_room
    vocal = mix.lane_fx_defaults(ambient, "vocal")
    assert vocal.low_cut_hz > 0 and vocal.comp_ratio > 1 and vocal.reverb_send > 0
    with pytest.raises(ValueError, match="no effect setting"):
        mix.fx_settings(vocal, shimmer=1.0)


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
    for preset in (None, mastering.master_preset(song.context, "punchy")):
        mastered = mastering.master(mixed, rate, target_lufs=target_lufs, ceiling_dbtp=-1.0,
                                 preset=preset)
        assert mastered.shape == mixed.shape and mastered.dtype == np.float32
        # judged by meters we did not write: pyloudnorm, and scipy's 4x resampler
        assert pyloudnorm.Meter(rate).integrated_loudness(mastered.T) == pytest.approx(
            target_lufs, abs=0.5)
        assert _db(np.abs(resample_poly(mastered, 4, 1, axis=-1)).max()) <= -1.0


@pytest.mark.parametrize("rate", RATES_HZ)
def test_master_of_loud_noise_is_limited(rate):
    # peaks far above the ceiling at the target loudness, so the limiter must work
    rng = np.random.default_rng(1)
    spiky = (rng.standard_normal((2, 3 * rate)) * 0.05).astype(np.float32)
    spiky[:, :: rate // 4] = 0.99
    mastered = mastering.master(spiky, rate, target_lufs=-10.0)
    assert pyloudnorm.Meter(rate).integrated_loudness(mastered.T) == pytest.approx(-10, abs=0.5)
    assert _db(np.abs(resample_poly(mastered, 4, 1, axis=-1)).max()) <= -1.0


def test_ceiling_wins_over_an_unreachable_loudness(song_audio):
    song, rate, dry = song_audio
    _, mixed = mix.mix_stems(dry, song.lanes)
    report = loudness.loudness_report(mastering.master(mixed, rate, target_lufs=-2.0), rate)
    assert report["true_peak_dbtp"] <= -1.0
    assert report["integrated_lufs"] < -2.5


def test_silent_and_very_short_audio_pass_unchanged():
    silent = np.zeros((2, 44100), np.float32)
    assert mastering.master(silent, 44100) is silent
    short = _noise(1000)
    assert np.array_equal(mastering.master(short, 44100), short)
    assert loudness.loudness_report(silent, 44100)["integrated_lufs"] == float("-inf")


@pytest.mark.parametrize("rate", RATES_HZ)
def test_loudness_report_of_known_signals(rate):
    seconds = np.arange(2 * rate) / rate
    # BS.1770: a 0 dBFS 1 kHz sine in each of two channels reads 0 LUFS (+-0.1)
    sine = np.tile(0.1 * np.sin(2 * np.pi * 997.0 * seconds), (2, 1)).astype(np.float32)
    assert loudness.loudness_report(sine, rate)["integrated_lufs"] == pytest.approx(-20.0, abs=0.15)
    # a quarter-rate sine sampled 45 degrees off its crests: samples at 0.707, true peak 1.0
    quarter = np.sin(2 * np.pi * np.arange(2 * rate) / 4 + np.pi / 4)
    report = loudness.loudness_report(np.tile(quarter, (2, 1)).astype(np.float32), rate)
    assert report["sample_peak_dbfs"] == pytest.approx(-3.01, abs=0.05)
    assert report["true_peak_dbtp"] == pytest.approx(0.0, abs=0.2)


def test_true_peak_matches_full_oversampling():
    rng = np.random.default_rng(5)
    for _ in range(5):
        audio = (rng.standard_normal((2, 30000)) * 0.2).astype(np.float32)
        audio[:, rng.integers(0, 30000, 3)] = 0.9
        full = _db(np.abs(resample_poly(audio, 4, 1, axis=-1)).max())
        assert loudness.true_peak_dbtp(audio) == pytest.approx(full, abs=0.01)


def test_loudness_range_of_a_song_with_loud_and_quiet_halves():
    rate = 44100
    seconds = np.arange(20 * rate) / rate
    tone = np.sin(2 * np.pi * 440 * seconds).astype(np.float32)
    tone[: 10 * rate] *= 10 ** (-12 / 20)
    lra = loudness.loudness_range_lu(np.tile(tone, (2, 1)), rate)
    assert 10.0 < lra < 13.0


def test_a_plugin_streamed_a_stretch_at_a_time_makes_the_same_audio():
    audio = _noise(5 * 44100 + 123)
    whole = Limiter(threshold_db=-9.0)(audio, 44100)
    seen = []
    streamed = streaming.stream_through(
        Limiter(threshold_db=-9.0), lambda first, stop: audio[:, first:stop], audio.shape, 44100,
        lambda first, stretch: seen.append((first, stretch.copy())))
    assert np.array_equal(streamed, whole)
    assert [first for first, _ in seen] == list(range(0, audio.shape[1], streaming.STRETCH))
    assert np.array_equal(np.concatenate([stretch for _, stretch in seen], axis=1), whole)
    with pytest.raises(ValueError, match="made"):  # output shorter than its input
        streaming.stream_through(lambda x, rate, reset: x[:, 1:], lambda a, b: audio[:, a:b],
                                 audio.shape, 44100, lambda first, stretch: None)


@pytest.mark.parametrize("rate", RATES_HZ)
def test_loudness_measured_in_pieces_is_the_loudness_of_the_whole(rate):
    audio = _noise(12 * rate, seed=3)
    audio[:, : 5 * rate] *= 0.2  # a quiet start, so the range is wide
    pieces = loudness.LoudnessMeter(2, rate, with_range=True)
    for piece in np.array_split(audio, 7, axis=1):
        pieces.add(piece)
    assert pieces.lufs() == pytest.approx(loudness.integrated_lufs(audio, rate), abs=1e-9)
    assert pieces.range_lu() == pytest.approx(loudness.loudness_range_lu(audio, rate), abs=1e-9)
    halves = [loudness.LoudnessMeter(2, rate), loudness.LoudnessMeter(2, rate)]
    for half, piece in zip(halves, np.array_split(audio, 2, axis=1), strict=True):
        half.add(piece)
    assert loudness.LoudnessMeter.together(halves) == pytest.approx(
        loudness.integrated_lufs(audio, rate), abs=0.05)
    silent = loudness.LoudnessMeter(2, rate)
    silent.add(np.zeros((2, rate), np.float32))
    assert silent.lufs() == loudness.LoudnessMeter.together([silent]) == float("-inf")


def test_the_master_reports_what_it_made(song_audio):
    """The master's report comes from measures made along the way (loudness and range while
    the limiter runs); measured again afterwards, the master reads the same."""
    song, rate, dry = song_audio
    _, mixed = mix.mix_stems(dry, _with_fx(song), song.buses, song.context.tempo_bpm, rate)
    for target_lufs in (-14.0, -9.0):
        mastered, report = mastering.master_measured(
            mixed, rate, target_lufs, preset=mastering.master_preset(song.context, "punchy"),
            sections=section_spans(song, rate))
        again = loudness.loudness_report(mastered, rate)
        for key, value in report.items():
            assert value == pytest.approx(again[key], abs=0.02), key
        assert report["integrated_lufs"] == pytest.approx(target_lufs, abs=0.05)


@pytest.mark.parametrize(("taps", "cutoff"), [(81, 0.25), (31, 0.5), (101, 0.1)])
def test_the_true_peak_filter_is_scipys_firwin(taps, cutoff):
    np.testing.assert_allclose(loudness.low_pass_taps(taps, cutoff, 5.0),
                               firwin(taps, cutoff, window=("kaiser", 5.0)), rtol=0, atol=1e-15)


@pytest.mark.parametrize("rests", [False, True])
def test_a_lane_processed_over_its_dry_stem_is_the_lane_processed_beside_it(rests):
    rate = 44100
    rng = np.random.default_rng(4)
    dry = (rng.standard_normal((2, 6 * rate)) * 0.2).astype(np.float32)
    if rests:  # plays, rests long enough for its stretches to go through apart, plays again
        dry[:, rate:4 * rate] = 1e-8
    fx = LaneFx(low_cut_hz=80.0, low_shelf_db=2.0, high_shelf_db=-3.0, comp_threshold_db=-20.0,
                comp_ratio=3.0)
    beside = mix.process_lane(dry, fx, rate)
    assert len(mix.active_spans(dry, rate)) == (2 if rests else 1)
    over = dry.copy()
    result = mix.process_lane(over, fx, rate, in_place=True)
    assert result is over and np.array_equal(result, beside)
