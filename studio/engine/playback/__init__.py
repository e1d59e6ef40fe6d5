"""Live playback: the audio process, the lane mixer it runs, and the shared memory between
the window and it.

The window's side
    AudioProcess(sample_rate, latency="safe", device=None)   (client) starts the audio
        process; load, play, pause, stop, seek, set_loop, set_mix, take_peaks, check, close
    gain_array, mixer_input: the mixer's arrays from lanes
    position_label(composition, sample, rate) -> "bar:beat  m:ss.mmm"
    LATENCIES (server): block frames and suggested latency of "low", "normal", "safe"

The audio process
    serve (server): its main; Output: the stream and its callback
    Mixer (mixer): lanes into blocks with gains, seek, loop, crossfades and peaks
    Status (status): the shared words the window reads

Audio in shared memory (blocks)
    share_audio(arrays, lanes, rate, owner) -> description; SharedAudio(description)
    discard_shared, discard_owned(pid), sweep_stale(): blocks removed

Devices (devices)
    Device, output_devices(), find_output(name); probe_output_devices() -> a future of the
    list, made in a process of its own (the window's way: it holds no PortAudio)

Only the mixer, blocks, status and devices are imported here: the audio process imports this
package and should load numpy and sounddevice alone. The window imports
studio.engine.playback.client.
"""

from studio.engine.playback.blocks import (
    SHARED_MEMORY_DIR,
    SHARED_PREFIX,
    SharedAudio,
    discard_owned,
    discard_shared,
    share_audio,
    sweep_stale,
)
from studio.engine.playback.devices import (
    Device,
    find_output,
    output_devices,
    probe_output_devices,
)
from studio.engine.playback.mixer import METERED, Mixer
from studio.engine.playback.status import Status

__all__ = [
    "METERED", "SHARED_MEMORY_DIR", "SHARED_PREFIX", "Device", "Mixer", "SharedAudio", "Status",
    "discard_owned", "discard_shared", "find_output", "output_devices",
    "probe_output_devices", "share_audio", "sweep_stale",
]
