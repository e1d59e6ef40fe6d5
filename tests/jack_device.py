"""A JACK server with its dummy driver: a paced 48 kHz device with no hardware, for the
playback tests and benchmarks (scripts/setup.sh installs jackd)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time

RATE, PERIOD = 48000, 512


@contextlib.contextmanager
def jack_device(name: str | None = None):
    """Start a private JACK dummy server (processes started meanwhile use it); yields its
    PortAudio output device."""
    name = name or f"studio-jack-{os.getpid()}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(RATE), "-p",
                               str(PERIOD)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    import sounddevice

    from studio.engine.playback import output_devices

    try:
        for _ in range(50):
            sounddevice._terminate()
            sounddevice._initialize()
            devices = [d for d in output_devices() if "JACK" in d.host_api]
            if devices:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("the JACK dummy server did not come up")
        yield devices[0]
    finally:
        sounddevice._terminate()  # before the server goes: PortAudio's JACK client aborts after
        server.terminate()
        server.wait(10)
        sounddevice._initialize()
