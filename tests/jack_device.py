"""A JACK server with its dummy driver: a paced 48 kHz device with no hardware, for the
playback tests and benchmarks (scripts/setup.sh installs jackd)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RATE, PERIOD = 48000, 512
_LATE_CLIENT = re.compile(r"XRun: client = (?P<client>.+) was not finished, state = (?P<state>\w+)")


@dataclass(frozen=True)
class JackDevice:
    """The server's PortAudio output device (its fields are the device's), and what the
    server said of its cycles."""

    device: object
    log: Path

    def __getattr__(self, name: str):
        return getattr(self.device, name)

    def xruns(self) -> list[tuple[tuple[str, str], ...]]:
        """Each cycle the server found unfinished, as (client, state) of every client that
        had not finished: a client "Triggered" had not even begun its cycle."""
        events: list[list[tuple[str, str]]] = []
        fresh = True
        for line in self.log.read_text(errors="replace").splitlines():
            match = _LATE_CLIENT.search(line)
            if match is None:
                fresh = True
                continue
            if fresh:
                events.append([])
                fresh = False
            events[-1].append((match["client"], match["state"]))
        return [tuple(event) for event in events]


@contextlib.contextmanager
def jack_device(name: str | None = None):
    """Start a private JACK dummy server (processes started meanwhile use it); yields its
    PortAudio output device, with the server's own log of late cycles. This process starts
    no JACK client of its own: an idle client that the machine runs late holds up the cycle
    of every other, the audio process's among them."""
    name = name or f"studio-jack-{os.getpid()}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    folder = tempfile.TemporaryDirectory(prefix="studio-jack-")
    log = Path(folder.name) / "jackd.log"
    with open(log, "wb") as output:  # the server keeps its own handle
        server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(RATE), "-p",
                                   str(PERIOD)], stdout=output, stderr=subprocess.STDOUT)
    from studio.engine.playback import probe_output_devices

    try:
        for _ in range(50):  # listed by a process of its own: this one holds no JACK client
            devices = [d for d in probe_output_devices().result(30) if "JACK" in d.host_api]
            if devices:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("the JACK dummy server did not come up")
        yield JackDevice(devices[0], log)
    finally:
        import sounddevice  # a test that started PortAudio here meanwhile lets go of the server

        sounddevice._terminate()  # before the server goes: PortAudio's JACK client aborts after
        server.terminate()
        server.wait(10)
        sounddevice._initialize()
        folder.cleanup()
