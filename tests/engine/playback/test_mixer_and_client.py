"""Live playback: the mixer block by block (seek, loop, gains, section swaps), and the audio
process through a real, paced PortAudio device: a JACK server with its dummy driver."""

from __future__ import annotations

import numpy as np
import pytest

from studio import engine
from studio.engine.edit import operations
from studio.engine.model import Lane
from studio.engine.playback import METERED, Mixer
from studio.engine.playback.client import gain_array, mixer_input, position_label
from studio.engine.sound.renderer import SongRenderer

RATE = 48000
BLOCK = 512


def ramp_lanes(length: int = 20000):
    """Two lanes whose samples count up, so every output sample says where it came from."""
    counting = np.tile(np.arange(length, dtype=np.float32), (2, 1))
    wet = {"keys": counting.copy(), "bass": np.zeros((2, length), np.float32)}
    lanes = {"keys": Lane("keys", 0), "bass": Lane("bass", 33)}
    return lanes, wet


def blocks(mixer: Mixer, count: int, frames: int = BLOCK) -> np.ndarray:
    out = np.zeros((frames, 2), np.float32)
    played = []
    for _ in range(count):
        mixer.render(out)
        played.append(out[:, 0].copy())
    return np.concatenate(played)


def test_a_seek_lands_on_the_sample_asked_for():
    lanes, wet = ramp_lanes()
    mixer = Mixer(RATE)
    mixer.load(*mixer_input(lanes, wet, {}))
    mixer.playing = True
    blocks(mixer, 3)
    mixer.seek(12345)
    played = blocks(mixer, 1)
    assert played[0] == 12345 and np.array_equal(np.diff(played), np.ones(BLOCK - 1))


def test_a_loop_wraps_without_a_repeated_or_dropped_sample():
    lanes, wet = ramp_lanes()
    mixer = Mixer(RATE)
    mixer.load(*mixer_input(lanes, wet, {}))
    mixer.set_loop(1000, 1700)  # 700 samples: wraps inside blocks of 512
    mixer.seek(1000)
    mixer.playing = True
    played = blocks(mixer, 8)
    expected = 1000 + np.arange(len(played)) % 700
    assert np.array_equal(played, expected.astype(np.float32))
    with pytest.raises(ValueError):
        mixer.set_loop(500, 400)


def test_gain_mute_and_solo_are_heard_in_the_next_block():
    lanes, wet = ramp_lanes()
    wet["bass"] = np.ones_like(wet["bass"])
    mixer = Mixer(RATE)
    mixer.load(*mixer_input(lanes, wet, {}))
    mixer.playing = True
    out = np.zeros((BLOCK, 2), np.float32)
    mixer.render(out)
    assert np.allclose(out[:, 0], np.arange(BLOCK) + 1.0)
    lanes["keys"].mute = True
    mixer.set_gains(gain_array(lanes, list(wet), 0))
    mixer.render(out)
    assert np.allclose(out, 1.0)  # only the bass
    lanes["keys"].mute, lanes["keys"].solo = False, True
    mixer.set_gains(gain_array(lanes, list(wet), 0))
    mixer.render(out)
    assert np.allclose(out[:, 0], np.arange(2 * BLOCK, 3 * BLOCK))  # only the keys
    lanes["keys"].solo, lanes["bass"].gain_db = False, -6.0
    mixer.set_gains(gain_array(lanes, list(wet), 0))
    mixer.render(out)
    assert np.allclose(out[:, 0] - np.arange(3 * BLOCK, 4 * BLOCK), 10 ** (-6 / 20), atol=1e-4)


def test_a_re_rendered_section_comes_in_without_a_click():
    song = engine.compose("uplifting pop song about summer nights", 4, length_s=40)
    renderer = SongRenderer(RATE)
    state = renderer.render(song)
    mixer = Mixer(RATE)
    # the audio process plays copies (a shared memory block), never the renderer's own
    # arrays, which its next render updates in place
    returns = {n: state.stems[n].copy() for n in ("reverb", "delay")}
    mixer.load(*mixer_input(song.lanes, {n: a.copy() for n, a in state.wet.items()}, returns))
    chorus = next(s for s in song.sections if s.kind == "chorus")
    start = round(song.section_start_beats(chorus.id) * 60 / song.context.tempo_bpm * RATE)
    mixer.seek(start + 2 * RATE)  # into the chorus, where the new take differs
    mixer.playing = True
    before = blocks(mixer, 4)
    wet_before = {n: a.copy() for n, a in state.wet.items()}
    changed, _ = operations.regenerate_section(song, chorus.id)
    state = renderer.render(changed)
    assert any(not np.array_equal(wet_before[n], state.wet[n]) for n in state.wet)
    mixer.load(*mixer_input(changed.lanes, state.wet,
                            {n: state.stems[n] for n in ("reverb", "delay")}))
    swapped = blocks(mixer, 4)
    played = np.concatenate([before, swapped])
    # the largest step at the swap is no larger than the music's own steps around it
    steps = np.abs(np.diff(played))
    at_swap = steps[len(before) - 2:len(before) + 2].max()
    assert at_swap <= steps.max()
    assert at_swap <= np.percentile(steps, 99.9)


def test_positions_read_as_bars_beats_and_time():
    song = engine.compose("pop, 120 bpm", 1, length_s=30)
    assert position_label(song, 0, RATE) == "1:1  0:00.000"
    assert position_label(song, int(2.5 * RATE), RATE) == "2:2  0:02.500"


def test_peaks_per_lane_and_of_the_output_for_meters():
    lanes, wet = ramp_lanes(4 * BLOCK)
    wet["keys"] = np.full_like(wet["keys"], 0.5)
    wet["bass"] = np.zeros_like(wet["bass"])
    wet["bass"][:, BLOCK + 7] = -0.75  # one negative sample in the second block
    lanes["keys"].gain_db = -6.0
    mixer = Mixer(RATE)
    audio, gains = mixer_input(lanes, wet, {})
    mixer.load(audio, gains)
    assert not mixer.peaks.any()  # nothing played yet
    mixer.playing = True
    out = np.zeros((BLOCK, 2), np.float32)
    mixer.render(out)
    keys = float(np.abs(wet["keys"][:, :BLOCK] * gains[0]).max())
    assert mixer.peaks[0] == pytest.approx(keys, rel=1e-6) and keys < 0.5
    assert mixer.peaks[1] == 0.0
    assert mixer.peaks[METERED] == pytest.approx(float(np.abs(out).max()), rel=1e-6)
    mixer.peaks.fill(0.0)
    mixer.render(out)
    assert mixer.peaks[1] == pytest.approx(0.75 * float(gains[1].max()), rel=1e-6)
    assert mixer.peaks[METERED] == pytest.approx(float(np.abs(out).max()), rel=1e-6)
    mixer.peaks.fill(0.0)
    lanes["keys"].mute = True
    mixer.set_gains(gain_array(lanes, list(wet), 0))
    mixer.render(out)
    assert mixer.peaks[0] == 0.0  # a muted lane's meter stays down
    mixer.peaks.fill(0.0)
    mixer.playing = False
    mixer.render(out)
    assert not mixer.peaks.any()
