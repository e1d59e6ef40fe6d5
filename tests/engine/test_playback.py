"""Live playback: the mixer block by block (seek, loop, gains, section swaps), and the
transport through a real, paced PortAudio device: a JACK server with its dummy driver."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from studio import engine
from studio.engine import operations
from studio.engine.model import Lane
from studio.engine.playback import Mixer, Transport, position_label
from studio.engine.renderer import SongRenderer

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
    mixer.load(lanes, wet, {})
    mixer.playing = True
    blocks(mixer, 3)
    mixer.seek(12345)
    played = blocks(mixer, 1)
    assert played[0] == 12345 and np.array_equal(np.diff(played), np.ones(BLOCK - 1))


def test_a_loop_wraps_without_a_repeated_or_dropped_sample():
    lanes, wet = ramp_lanes()
    mixer = Mixer(RATE)
    mixer.load(lanes, wet, {})
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
    mixer.load(lanes, wet, {})
    mixer.playing = True
    out = np.zeros((BLOCK, 2), np.float32)
    mixer.render(out)
    assert np.allclose(out[:, 0], np.arange(BLOCK) + 1.0)
    lanes["keys"].mute = True
    mixer.set_mix(lanes)
    mixer.render(out)
    assert np.allclose(out, 1.0)  # only the bass
    lanes["keys"].mute, lanes["keys"].solo = False, True
    mixer.set_mix(lanes)
    mixer.render(out)
    assert np.allclose(out[:, 0], np.arange(2 * BLOCK, 3 * BLOCK))  # only the keys
    lanes["keys"].solo, lanes["bass"].gain_db = False, -6.0
    mixer.set_mix(lanes)
    mixer.render(out)
    assert np.allclose(out[:, 0] - np.arange(3 * BLOCK, 4 * BLOCK), 10 ** (-6 / 20), atol=1e-4)


def test_a_re_rendered_section_comes_in_without_a_click():
    song = engine.compose("uplifting pop song about summer nights", 4, length_s=40)
    renderer = SongRenderer(RATE)
    state = renderer.render(song)
    mixer = Mixer(RATE)
    returns = {n: state.stems[n] for n in ("reverb", "delay")}
    mixer.load(song.lanes, state.wet, returns)
    chorus = next(s for s in song.sections if s.kind == "chorus")
    start = round(song.section_start_beats(chorus.id) * 60 / song.context.tempo_bpm * RATE)
    mixer.seek(start + 2 * RATE)  # into the chorus, where the new take differs
    mixer.playing = True
    before = blocks(mixer, 4)
    wet_before = {n: a.copy() for n, a in state.wet.items()}
    changed, _ = operations.regenerate_section(song, chorus.id)
    state = renderer.render(changed)
    assert any(not np.array_equal(wet_before[n], state.wet[n]) for n in state.wet)
    mixer.load(changed.lanes, state.wet, {n: state.stems[n] for n in ("reverb", "delay")})
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


# -- through a real device --------------------------------------------------------------------

def _intervals(transport: Transport) -> np.ndarray:
    times = transport.callback_times[:min(transport.callbacks, len(transport.callback_times))]
    return np.diff(times[5:])  # the first callbacks come as the stream fills its buffers


def test_playback_through_the_jack_dummy_device(jack):
    song = engine.compose("uplifting pop song about summer nights", 4, length_s=30)
    state = SongRenderer(RATE).render(song)
    transport = Transport(RATE, BLOCK, device=jack.index)
    transport.mixer.load(song.lanes, state.wet, {n: state.stems[n] for n in ("reverb",
                                                                              "delay")})
    transport.open()
    try:
        transport.play()  # how soon it sounds is bench/playback.py's figure
        time.sleep(3.0)
        assert transport.first_block_at is not None
        assert transport.position >= 2.5 * RATE
        period = BLOCK / RATE
        assert np.percentile(_intervals(transport), 99) <= 1.5 * period
        assert transport.underflows == 0
        transport.pause()
        held = transport.position
        time.sleep(0.2)
        assert transport.position == held
    finally:
        transport.close()


def test_while_playing_a_full_collection_leaves_the_old_heap_alone(jack):
    """A studio holds hundreds of thousands of objects; a full collection of them all takes
    long enough, with the GIL held, to starve the audio callback. While playing it skips
    them; once stopped they are collected again."""
    heap = [[index] for index in range(300_000)]
    transport = Transport(RATE, BLOCK, device=jack.index)
    try:
        started = time.perf_counter()
        gc.collect()
        stopped_s = time.perf_counter() - started
        transport.play()
        assert gc.get_freeze_count() >= len(heap)
        started = time.perf_counter()
        gc.collect()
        playing_s = time.perf_counter() - started
        assert playing_s < stopped_s / 5
        transport.stop()
        assert gc.get_freeze_count() == 0
    finally:
        transport.close()
    assert gc.get_freeze_count() == 0


def test_no_device_is_said_not_raised_in_the_audio_thread():
    transport = Transport(RATE, BLOCK, device=10_000)
    with pytest.raises(Exception, match="No sound"):
        transport.open()
    assert transport.unavailable and "without playback" in transport.unavailable


@pytest.mark.slow
@pytest.mark.own_process
def test_a_minute_of_playback_while_the_worker_generates_songs(jack):
    """60 s through the JACK dummy device at 48 kHz in 512-frame blocks while the worker
    process composes and renders whole songs: no underflow, and the 99th percentile of the
    time between callbacks within 1.5 block periods."""
    from studio.engine.background import Worker
    from studio.engine.tasks import unpack

    song = engine.compose("uplifting pop song about summer nights", 4, length_s=30)
    state = SongRenderer(RATE).render(song)
    transport = Transport(RATE, BLOCK, device=jack.index)
    transport.mixer.load(song.lanes, state.wet, {n: state.stems[n] for n in ("reverb",
                                                                              "delay")})
    transport.mixer.set_loop(0, transport.mixer.length)
    songs = 0
    with Worker() as worker:
        transport.open()
        try:
            transport.play()
            started = time.monotonic()
            while time.monotonic() - started < 60.0:
                handle = worker.submit("studio.engine.tasks:render",
                                       {"prompt": "driving rock anthem", "seed": songs,
                                        "length_s": 120})
                report = unpack(handle.result(120))
                assert report["true_peak_dbtp"] <= -1.0
                songs += 1
            assert transport.mixer.playing
        finally:
            transport.close()
    period = BLOCK / RATE
    assert songs >= 2
    assert transport.callbacks >= 0.95 * 60 * RATE / BLOCK
    assert transport.underflows == 0
    assert np.percentile(_intervals(transport), 99) <= 1.5 * period


def test_a_device_lost_while_playing_stops_playback_with_a_message():
    child = Path(__file__).with_name("device_loss_child.py")
    name = f"studio-loss-{os.getpid()}"
    try:
        done = subprocess.run([sys.executable, str(child), name], capture_output=True,
                              text=True, timeout=60, cwd=Path(__file__).parents[2])
    finally:
        # the client PortAudio could not close on the vanished server leaves its semaphore
        for leftover in Path("/dev/shm").glob(f"jack*{name}*"):
            leftover.unlink(missing_ok=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "before: None" in done.stdout
    assert "after: The audio device stopped; playback is paused. | playing: False" in \
        done.stdout


def test_peaks_per_lane_and_of_the_output_for_meters():
    lanes, wet = ramp_lanes(4 * BLOCK)
    wet["keys"] = np.full_like(wet["keys"], 0.5)
    wet["bass"] = np.zeros_like(wet["bass"])
    wet["bass"][:, BLOCK + 7] = -0.75  # one negative sample in the second block
    lanes["keys"].gain_db = -6.0
    mixer = Mixer(RATE)
    mixer.load(lanes, wet, {})
    assert mixer.take_peaks() == ({"keys": 0.0, "bass": 0.0}, 0.0)  # nothing played yet
    mixer.playing = True
    out = np.zeros((BLOCK, 2), np.float32)
    mixer.render(out)
    lane_peaks, output = mixer.take_peaks()
    keys = float(np.abs(wet["keys"][:, :BLOCK] * mixer._gains[0]).max())
    assert lane_peaks["keys"] == pytest.approx(keys, rel=1e-6) and keys < 0.5
    assert lane_peaks["bass"] == 0.0
    assert output == pytest.approx(float(np.abs(out).max()), rel=1e-6)
    mixer.render(out)
    lane_peaks, output = mixer.take_peaks()
    bass_gain = float(mixer._gains[1].max())
    assert lane_peaks["bass"] == pytest.approx(0.75 * bass_gain, rel=1e-6)
    assert output == pytest.approx(float(np.abs(out).max()), rel=1e-6)
    lanes["keys"].mute = True
    mixer.set_mix(lanes)
    mixer.render(out)
    assert mixer.take_peaks()[0]["keys"] == 0.0  # a muted lane's meter stays down
    mixer.playing = False
    mixer.render(out)
    assert mixer.take_peaks() == ({"keys": 0.0, "bass": 0.0}, 0.0)
