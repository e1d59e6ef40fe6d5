"""The output devices PortAudio sees, by index and by name.

The window lists them for the settings dialog; the audio process finds the chosen one by its
name (an index changes when devices come and go, a name does not).
"""

from __future__ import annotations

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
