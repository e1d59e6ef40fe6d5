"""Run as a child process by test_audio_process: plays through its own JACK dummy server,
kills the server mid-song, and prints what the audio process says. A process of its own, so
that its JACK server can be a private one."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import sounddevice

from studio.engine.model import Lane
from studio.engine.playback import output_devices, share_audio
from studio.engine.playback.client import AudioProcess


def main() -> None:
    name = sys.argv[1]  # the JACK server's name
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", "512"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)

    device = next(d for d in output_devices() if "JACK" in d.host_api)
    sounddevice._terminate()  # only the audio process plays; this one lets go of the server
    audio = AudioProcess(48000, device=device.index)
    tone = np.tile(np.sin(np.arange(48000 * 20) * 0.05).astype(np.float32) * 0.1, (2, 1))
    audio.load({"keys": Lane("keys", 0)}, share_audio([tone], ["keys"], 48000, os.getpid()))
    audio.play()
    time.sleep(1.0)
    print("before:", audio.check(), flush=True)
    server.terminate()  # the device goes away (and the server cleans up after itself)
    server.wait()
    deadline = time.monotonic() + 5
    while audio.check() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    print("after:", audio.check(), "| playing:", audio.playing, flush=True)
    audio.close()
    sys.exit(0)


if __name__ == "__main__":  # the audio process imports this file again, as spawn does
    main()
