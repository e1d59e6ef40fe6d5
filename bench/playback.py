"""Playback: from the play command to the first block the audio process hands to the device,
through a JACK server with its dummy driver (48 kHz, 512-frame periods), over twenty plays of
a rendered song, on each latency setting (the default is "safe"). The device's own output
latency is printed too: the block is heard that much later.

    .venv/bin/python bench/playback.py        (needs jackd: scripts/setup.sh installs it)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.jack_device import RATE, jack_device  # noqa: E402


def main() -> None:
    from studio import engine
    from studio.engine.playback import share_audio
    from studio.engine.playback.client import AudioProcess
    from studio.engine.playback.server import DEFAULT_LATENCY, LATENCIES
    from studio.engine.sound.renderer import SongRenderer

    song = engine.compose("uplifting pop song about summer nights", 1, length_s=60)
    state = SongRenderer(RATE).render(song)
    names = list(state.wet)
    arrays = [state.wet[n] for n in names] + [state.stems[n] for n in ("reverb", "delay")]
    with jack_device() as device:
        for latency in LATENCIES:
            audio = AudioProcess(RATE, latency=latency, device=device.index)
            try:
                audio.load(song.lanes, share_audio(arrays, names, RATE, os.getpid()))
                audio.wait_applied(10)
                time.sleep(0.5)  # the stream is running
                waits = []
                for _ in range(20):
                    asked = time.monotonic()
                    audio.play()
                    while audio.first_block_at is None:
                        time.sleep(0.0005)
                    waits.append(audio.first_block_at - asked)
                    time.sleep(0.1)
                    audio.stop()
                    time.sleep(0.05)
                output = audio.output_latency_s
            finally:
                audio.close()
            mark = " (default)" if latency == DEFAULT_LATENCY else ""
            print(f"{latency}{mark} play to first block (median of 20): "
                  f"{np.median(waits) * 1000:.1f} ms")
            print(f"{latency}{mark} play to first block (worst of 20): "
                  f"{np.max(waits) * 1000:.1f} ms")
            print(f"{latency}{mark} device output latency: {output * 1000:.1f} ms")


if __name__ == "__main__":
    main()
