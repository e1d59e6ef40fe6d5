"""Run as a child process by test_playback: plays through its own JACK dummy server, kills
the server mid-song, and prints what the transport says. A process of its own, since a
vanished JACK server leaves PortAudio unable to shut down in the process that used it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

name = sys.argv[1]  # the JACK server's name
os.environ["JACK_DEFAULT_SERVER"] = name
os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", "512"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.0)

from studio.engine.model import Lane  # noqa: E402
from studio.engine.playback import Transport, output_devices  # noqa: E402

device = next(d for d in output_devices() if "JACK" in d.host_api)
transport = Transport(48000, 512, device=device.index)
tone = np.tile(np.sin(np.arange(48000 * 20) * 0.05).astype(np.float32) * 0.1, (2, 1))
transport.mixer.load({"keys": Lane("keys", 0)}, {"keys": tone}, {})
transport.open()
transport.play()
time.sleep(1.0)
print("before:", transport.check(), flush=True)
server.terminate()  # the device goes away (and the server cleans up after itself)
server.wait()
time.sleep(1.0)
print("after:", transport.check(), "| playing:", transport.mixer.playing, flush=True)
transport.close()
sys.exit(0)
