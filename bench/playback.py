"""Playback: from the play command to the first block handed to the device, through a JACK
server with its dummy driver (48 kHz, 512-frame blocks), over twenty plays of a rendered song.
The device's own output latency is printed too: the block is heard that much later.

    .venv/bin/python bench/playback.py        (needs jackd: scripts/setup.sh installs it)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATE, BLOCK = 48000, 512


def main() -> None:
    name = f"studio-bench-{os.getpid()}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(RATE), "-p",
                               str(BLOCK)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    import sounddevice

    from studio import engine
    from studio.engine.playback import Transport, output_devices
    from studio.engine.renderer import SongRenderer

    try:
        device = next(d for d in output_devices() if "JACK" in d.host_api)
        song = engine.compose("uplifting pop song about summer nights", 1, length_s=60)
        state = SongRenderer(RATE).render(song)
        transport = Transport(RATE, BLOCK, device=device.index)
        transport.mixer.load(song.lanes, state.wet, {n: state.stems[n] for n in ("reverb",
                                                                                  "delay")})
        transport.open()
        waits = []
        for _ in range(20):
            asked = time.monotonic()
            transport.play()
            while transport.first_block_at is None:
                time.sleep(0.0005)
            waits.append(transport.first_block_at - asked)
            time.sleep(0.1)
            transport.stop()
            time.sleep(0.05)
        latency = transport._stream.latency
        transport.close()
    finally:
        sounddevice._terminate()
        server.terminate()
        server.wait(10)
    print(f"play to first block (median of 20): {np.median(waits) * 1000:.1f} ms")
    print(f"play to first block (worst of 20): {np.max(waits) * 1000:.1f} ms")
    print(f"device output latency: {latency * 1000:.1f} ms")


if __name__ == "__main__":
    main()
