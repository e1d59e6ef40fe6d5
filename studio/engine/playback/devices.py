"""The output devices PortAudio sees, by index and by name.

The window lists them for the settings dialog through a short-lived process of their own
(probe_output_devices): PortAudio, once started in a process, stays a client of a JACK server
for as long as the process lives, and a client that is late holds up every other client's
cycle, the audio process's among them. The audio process finds the chosen device by its name
(an index changes when devices come and go, a name does not).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    host_api: str
    default_sample_rate: float


def output_devices() -> list[Device]:
    """The output devices PortAudio sees (none on a machine without sound)."""
    import sounddevice

    apis = sounddevice.query_hostapis()
    return [Device(i, d["name"], apis[d["hostapi"]]["name"], d["default_samplerate"])
            for i, d in enumerate(sounddevice.query_devices()) if d["max_output_channels"] >= 2]


def probe_output_devices() -> Future:
    """The output devices as a process of their own sees them: a future of output_devices()
    that never starts PortAudio in this process (the future's exception, an OSError, when
    PortAudio cannot be used here)."""
    probe = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return probe.submit(output_devices)
    finally:
        probe.shutdown(wait=False)  # the process ends once it has answered


def find_output(name: str | int | None) -> int | None:
    """The index of the output device of that name (an index is taken as it is); with no
    name (or one not there now),
    the system's default output, else the first output there is (a machine whose only device
    is a JACK server has no default in ALSA's list); None when there is none."""
    import sounddevice

    if isinstance(name, int):
        return name
    devices = output_devices()
    named = next((d.index for d in devices if d.name == name), None)
    if named is not None:
        return named
    try:
        return int(sounddevice.query_devices(kind="output")["index"])
    except (sounddevice.PortAudioError, ValueError):
        return devices[0].index if devices else None
