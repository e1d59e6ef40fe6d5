"""Two versions compared by ear: switching the mixer from one audio to another while playing
continues at the same sample with a crossfade and no gap, and the audio process keeps a held
block when other audio replaces it, so the listener can switch back."""

from __future__ import annotations

import os

import numpy as np

from studio.engine.model import Lane
from studio.engine.playback import SHARED_MEMORY_DIR, SHARED_PREFIX, share_audio
from studio.engine.playback.client import AudioProcess
from studio.engine.playback.mixer import Mixer

RATE = 48000
BLOCK = 512


def level(value: float, seconds: float = 2.0) -> list[np.ndarray]:
    return [np.full((2, int(RATE * seconds)), value, np.float32)]


def test_switching_audio_while_playing_keeps_the_place_and_leaves_no_gap():
    unity = np.ones((1, 2, 1), np.float32)
    a, b = level(0.25), level(0.75)
    mixer = Mixer(RATE)
    mixer.load(a, unity)
    mixer.playing = True
    out = np.zeros((BLOCK, 2), np.float32)
    heard = []
    for switch in (False, False, True, False, True, False, True, False):
        if switch:  # B, then A, then B again: what the A/B button does
            mixer.load(b if heard[-1][-1, 0] < 0.5 else a, unity)
        before = mixer.position
        mixer.render(out)
        assert mixer.position == before + BLOCK  # the place goes on, sample by sample
        heard.append(out.copy())
    signal = np.concatenate(heard)[:, 0]
    assert signal.min() >= 0.25 - 1e-6  # never a drop to silence
    assert np.abs(np.diff(signal)).max() <= 0.5 / BLOCK + 1e-6  # crossfaded, not a click
    assert np.allclose(signal[-BLOCK:], 0.75) and np.allclose(signal[2 * BLOCK - 1], 0.25)


def own_blocks() -> set[str]:
    return {p.name for p in SHARED_MEMORY_DIR.glob(f"{SHARED_PREFIX}{os.getpid()}-*")}


def test_a_held_block_stays_when_replaced_until_released(jack):
    lanes = {"keys": Lane("keys", 0)}
    first = share_audio(level(0.1, 5.0), ["keys"], RATE, os.getpid())
    second = share_audio(level(0.2, 5.0), ["keys"], RATE, os.getpid())
    audio = AudioProcess(RATE, device=jack.index)
    try:
        audio.hold(first)
        audio.hold(second)
        audio.load(lanes, first)
        audio.play()
        for description in (second, first, second):  # back and forth: each block is there
            audio.load(lanes, description)
            assert audio.wait_applied()
            audio.check()
            assert own_blocks() == {first["memory"], second["memory"]}
            assert audio.check() is None
        audio.release(first)  # not playing: it goes once the audio process has moved on
        audio.load(lanes, second)
        assert audio.wait_applied()
        audio.check()
        assert own_blocks() == {second["memory"]}
        audio.release(second)  # playing: it stays while it plays
        audio.check()
        assert own_blocks() == {second["memory"]}
    finally:
        audio.close()
    assert not own_blocks()
