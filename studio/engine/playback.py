"""Live playback: a transport that mixes the rendered lanes into the sound card.

The song plays from what the renderer holds: each lane after its insert effects (before its
fader) and the two bus returns. The PortAudio callback (through sounddevice) mixes them block
by block with the lanes' current gains, so a fader, pan, mute or solo change is heard in the
next block. Everything the callback touches is prepared outside it and handed over by
replacing one reference (Python assigns a reference atomically): the gains, the audio (a
re-rendered section arrives as new arrays, and the first block after it crossfades from
the old ones), a seek, a loop. The callback allocates no buffers and takes no locks; heavy
work stays in the worker process.

Positions are samples. A seek lands exactly: the next block starts at the requested sample.
A loop [start, end) wraps inside a block, without a repeated or dropped sample.

For meters the mixer keeps the peak of each lane after its fader, and of the output, since
the window last took them (take_peaks): a running maximum in an array made beforehand.
"""

from __future__ import annotations

import atexit
import gc
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing import resource_tracker, shared_memory
from pathlib import Path

import numpy as np

from studio.engine.mix import RETURNS, audible_lanes, fader_gains
from studio.engine.model import Composition, Lane

MAX_BLOCK = 8192  # the largest block a device may ask for at once
SHARED_MEMORY_DIR = Path("/dev/shm")  # where POSIX shared memory lives on Linux
SHARED_PREFIX = "ensemble-audio-"
STALL_S = 0.5  # no callback for this long while playing: the device is gone
METERED = 64  # lanes with a peak meter; the output's peak is kept after them
_ABANDONED: list = []  # streams of devices that went away; closing them would hang


class _QuietCollector:
    """While anything plays, the garbage collector leaves alone the objects that existed
    when playback started. A full collection walks every object in the process; a studio
    holds hundreds of thousands, which takes a few hundred milliseconds with the GIL held,
    and the audio callback needs the GIL every block. Objects made while playing are
    collected as usual; the older ones again once nothing plays."""

    def __init__(self) -> None:
        self._holders: set[int] = set()
        self._lock = threading.Lock()

    def hold(self, owner: object) -> None:
        with self._lock:
            self._holders.add(id(owner))
            gc.freeze()  # moves the tracked objects aside; cheap, and again on each play

    def release(self, owner: object) -> None:
        with self._lock:
            if id(owner) in self._holders:
                self._holders.discard(id(owner))
                if not self._holders:
                    gc.unfreeze()


QUIET_COLLECTOR = _QuietCollector()


def share_audio(arrays: list[np.ndarray], lanes: list[str], sample_rate: int,
                owner: int) -> dict:
    """Copy audio into a new shared memory block for the process `owner` (its pid) to play;
    its description. The owner owns the block from then on (SharedAudio, or discard_shared
    when it will not play it; discard_owned sweeps any it never collected)."""
    length = arrays[0].shape[1] if arrays else 0
    block = shared_memory.SharedMemory(create=True, size=max(1, len(arrays) * 2 * length * 4),
                                       name=f"{SHARED_PREFIX}{owner}-{uuid.uuid4().hex[:12]}")
    view = np.ndarray((len(arrays), 2, length), np.float32, buffer=block.buf)
    for index, audio in enumerate(arrays):
        view[index] = audio
    del view
    name = block.name
    block.close()
    resource_tracker.unregister(block._name, "shared_memory")  # not removed when we exit
    return {"memory": name, "lanes": lanes, "count": len(arrays), "length": length,
            "sample_rate": sample_rate}


class SharedAudio:
    """Audio another process rendered into shared memory: lanes after their effects, then
    the bus returns. The block is mapped and its name removed at once, so the memory lives
    exactly as long as some array still uses it (the mixer's, while it plays) and is never
    left behind."""

    def __init__(self, description: dict) -> None:
        path = SHARED_MEMORY_DIR / description["memory"].lstrip("/")
        count, length = description["count"], description["length"]
        self.audio = np.memmap(path, dtype=np.float32, mode="r", shape=(count, 2, length))
        path.unlink()
        self.lanes: list[str] = list(description["lanes"])
        self.sample_rate = int(description["sample_rate"])

    @property
    def wet(self) -> dict[str, np.ndarray]:
        return {name: self.audio[index] for index, name in enumerate(self.lanes)}

    @property
    def returns(self) -> dict[str, np.ndarray]:
        return {name: self.audio[len(self.lanes) + index] for index, name in enumerate(RETURNS)}


def discard_shared(description: dict) -> None:
    """Remove a shared block that will not be played (a render overtaken by an edit)."""
    (SHARED_MEMORY_DIR / description["memory"].lstrip("/")).unlink(missing_ok=True)


def discard_owned(owner: int) -> int:
    """Remove every shared block made for `owner` that it never collected (a render that
    finished after it was given up); how many. Blocks already playing were unlinked when
    mapped, so they are not among them."""
    count = 0
    for path in SHARED_MEMORY_DIR.glob(f"{SHARED_PREFIX}{owner}-*"):
        path.unlink(missing_ok=True)
        count += 1
    return count


class PlaybackUnavailable(RuntimeError):
    """No output device to play through; the message says so for the person to read."""


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


def default_output() -> int | None:
    """The system's default output device, else the first output there is (a machine whose
    only device is a JACK server has no default in ALSA's list); None when there is none."""
    import sounddevice

    try:
        default = sounddevice.query_devices(kind="output")
        return int(default["index"])
    except (sounddevice.PortAudioError, ValueError):
        devices = output_devices()
        return devices[0].index if devices else None


def position_label(composition: Composition, sample: int, sample_rate: int) -> str:
    """'bar:beat' (from 1) and 'm:ss.mmm' of a position: "12:3  0:23.450"."""
    seconds = sample / sample_rate
    beats = seconds * composition.context.tempo_bpm / 60.0
    per_bar = composition.context.meter.beats_per_bar
    bar, beat = divmod(beats, per_bar)
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(bar) + 1}:{int(beat) + 1}  {int(minutes)}:{rest:06.3f}"


class Mixer:
    """The part of playback that makes sound: lanes, gains, position, loop, in blocks.

    render(out) fills an (frames, 2) float32 block and advances; it is what the audio
    callback calls, and what tests call to read the output sample by sample.
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.position = 0  # the next sample to play
        self.playing = False
        self.loop: tuple[int, int] | None = None
        self._audio: list[np.ndarray] = []
        self._gains: np.ndarray = np.zeros((0, 2, 1), np.float32)
        self._incoming: tuple[list[np.ndarray], np.ndarray] | None = None
        self._seek: int | None = None
        self._length = 0
        self._buffer = np.zeros((2, MAX_BLOCK), np.float32)
        self._other = np.zeros((2, MAX_BLOCK), np.float32)
        self._scratch = np.zeros((2, MAX_BLOCK), np.float32)
        self._ramp = np.zeros(MAX_BLOCK, np.float32)
        self._steps = np.arange(MAX_BLOCK, dtype=np.float32)
        self._names: list[str] = []
        self._peaks = np.zeros(METERED + 1, np.float32)  # lanes', then the output's

    # -- what the rest of the studio calls (any thread) ---------------------------------------

    def load(self, lanes: Mapping[str, Lane], wet: Mapping[str, np.ndarray],
             returns: Mapping[str, np.ndarray], crossfade: bool = True) -> None:
        """Audio to play: each lane after its insert effects, and the bus returns. While
        playing, the next block crossfades from the audio before."""
        names = list(wet)
        audio = [np.ascontiguousarray(wet[n], dtype=np.float32) for n in names]
        audio += [np.ascontiguousarray(returns[n], dtype=np.float32) for n in RETURNS
                  if n in returns]
        lengths = {a.shape[1] for a in audio}
        if len(lengths) > 1:
            raise ValueError(f"playback needs stems of one length, got {sorted(lengths)}")
        gains = self._gain_array(lanes, names, len(audio) - len(names))
        if crossfade and self.playing and self._audio:
            self._incoming = (audio, gains)
        else:
            self._audio, self._gains = audio, gains
            self._length = lengths.pop() if lengths else 0
        self._names = names

    def set_mix(self, lanes: Mapping[str, Lane]) -> None:
        """Gain, pan, mute and solo as the lanes now have them: heard from the next block."""
        self._gains = self._gain_array(lanes, self._names, len(self._audio) - len(self._names))

    def seek(self, sample: int) -> None:
        self._seek = max(0, int(sample))
        if not self.playing:
            self.position = self._seek

    def set_loop(self, start: int | None, end: int | None = None) -> None:
        """Loop samples [start, end); None to stop looping."""
        if start is None:
            self.loop = None
            return
        if not 0 <= start < end:
            raise ValueError(f"a loop runs from a sample to a later one, not {start}..{end}")
        self.loop = (int(start), int(end))

    @property
    def length(self) -> int:
        return self._length

    def take_peaks(self) -> tuple[dict[str, float], float]:
        """The highest absolute sample of each lane (after its fader) and of the output since
        the last call, and start again from silence. A block mixed between the copy and the
        reset is not counted: a meter shows the next one."""
        levels = self._peaks.copy()
        self._peaks.fill(0.0)
        return ({name: float(levels[i]) for i, name in enumerate(self._names[:METERED])},
                float(levels[METERED]))

    # -- the audio thread ----------------------------------------------------------------------

    def render(self, out: np.ndarray) -> None:
        """Fill `out` (frames, 2) with the next block and advance the position."""
        frames = out.shape[0]
        if not self.playing:
            out.fill(0.0)
            return
        if self._seek is not None:
            self.position, self._seek = self._seek, None
        block = self._buffer[:, :frames]
        incoming = self._incoming
        start = self.position
        self.position = self._fill(block, self._audio, self._gains, start, meter=True)
        if incoming is not None:
            self._incoming = None
            audio, gains = incoming
            other = self._other[:, :frames]
            self._fill(other, audio, gains, start, meter=False)
            ramp = self._ramp[:frames]
            np.divide(self._steps[:frames], np.float32(frames), out=ramp)
            other -= block
            other *= ramp
            block += other
            self._audio, self._gains = audio, gains
            self._length = audio[0].shape[1] if audio else 0
        level = max(block.max(), -block.min()) if frames else 0.0
        if level > self._peaks[METERED]:
            self._peaks[METERED] = level
        out[:] = block.T

    def _fill(self, block: np.ndarray, audio: list[np.ndarray], gains: np.ndarray,
              position: int, meter: bool) -> int:
        """Mix from `position` into `block`, wrapping at the loop's end (a position past the
        loop plays on); the next position. Past the song's end the block is silent and
        playback stops. With `meter`, each lane's peak after its gain is kept."""
        frames = block.shape[1]
        block.fill(0.0)
        filled = 0
        length = audio[0].shape[1] if audio else 0
        while filled < frames:
            loop = self.loop
            end = loop[1] if loop is not None and position < loop[1] else length
            take = min(frames - filled, end - position)
            if take <= 0:  # the song's end
                self.playing = False
                break
            target = block[:, filled:filled + take]
            scratch = self._scratch[:, :take]
            peaks = self._peaks
            for index, (lane, gain) in enumerate(zip(audio, gains, strict=True)):
                np.multiply(lane[:, position:position + take], gain, out=scratch)
                target += scratch
                if meter and index < METERED:
                    level = max(scratch.max(), -scratch.min())
                    if level > peaks[index]:
                        peaks[index] = level
            position += take
            filled += take
            if loop is not None and position == loop[1]:
                position = loop[0]  # wrap inside the block: the loop's first sample is next
        return position

    @staticmethod
    def _gain_array(lanes: Mapping[str, Lane], names: list[str], returns: int) -> np.ndarray:
        audible = audible_lanes({n: lanes[n] for n in names})
        gains = np.zeros((len(names) + returns, 2, 1), np.float32)
        for i, name in enumerate(names):
            if name in audible:
                gains[i, :, 0] = fader_gains(lanes[name])
        gains[len(names):] = 1.0  # the returns carry the faders the render had
        return gains


class Transport:
    """Play, pause, stop, seek and loop through an output device.

    Without a device the transport still exists and says why it is silent (`unavailable`);
    a device lost while playing is found by check(), which stops playback and sets `error`;
    nothing is raised in the audio thread.
    """

    def __init__(self, sample_rate: int = 48000, block: int = 512,
                 device: int | None = None) -> None:
        self.mixer = Mixer(sample_rate)
        self.sample_rate, self.block, self.device = sample_rate, block, device
        self.error: str | None = None
        self.unavailable: str | None = None
        self.underflows = 0
        self.callback_times = np.zeros(1 << 16, np.float64)  # monotonic time of each callback
        self.callbacks = 0
        self.first_block_at: float | None = None
        self._stream = None
        self._lock = threading.Lock()  # for open/close only; never taken in the callback

    def open(self) -> None:
        """Open the output stream; raises PlaybackUnavailable when there is no device."""
        import sounddevice

        with self._lock:
            if self._stream is not None:
                return
            try:
                device = self.device if self.device is not None else default_output()
                stream = sounddevice.OutputStream(
                    samplerate=self.sample_rate, blocksize=self.block, channels=2,
                    dtype="float32", device=device, callback=self._callback,
                    finished_callback=self._finished, latency="low")
                stream.start()
            except (sounddevice.PortAudioError, ValueError) as error:
                self.unavailable = f"No sound: {error}. The studio runs without playback."
                raise PlaybackUnavailable(self.unavailable) from None
            self._stream = stream
            self.unavailable = None

    def check(self) -> str | None:
        """Whether the device still plays; the window's timer calls this. A stream that
        went inactive, or no callback for STALL_S while playing, means the device is gone:
        playback stops and `error` says so. The dead stream is set aside, never closed
        (PortAudio's calls on a vanished device do not return)."""
        stream = self._stream
        if stream is None or not self.mixer.playing:
            QUIET_COLLECTOR.release(self)  # also when the song played to its end
            return self.error
        last = self.callback_times[min(self.callbacks, len(self.callback_times)) - 1] \
            if self.callbacks else None
        stalled = last is not None and time.monotonic() - last > STALL_S
        if not stream.active or stalled:
            self.mixer.playing = False
            QUIET_COLLECTOR.release(self)
            self.error = "The audio device stopped; playback is paused."
            with self._lock:
                _ABANDONED.append(stream)
                self._stream = None
            import sounddevice

            # PortAudio's shutdown would wait on the vanished device forever: skip it at exit
            atexit.unregister(sounddevice._exit_handler)
        return self.error

    def close(self) -> None:
        QUIET_COLLECTOR.release(self)
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def play(self) -> None:
        self.error = None
        self.first_block_at = None
        self.mixer.playing = True
        if self._stream is None:
            self.open()
        QUIET_COLLECTOR.hold(self)

    def pause(self) -> None:
        self.mixer.playing = False
        QUIET_COLLECTOR.release(self)

    def stop(self) -> None:
        self.mixer.playing = False
        QUIET_COLLECTOR.release(self)
        self.mixer.seek(0)

    @property
    def position(self) -> int:
        return self.mixer.position

    def _callback(self, outdata, frames, _time, status) -> None:
        if status.output_underflow:
            self.underflows += 1
        if self.callbacks < len(self.callback_times):
            self.callback_times[self.callbacks] = time.monotonic()
        self.callbacks += 1
        was_playing = self.mixer.playing
        self.mixer.render(outdata)
        if was_playing and self.first_block_at is None:
            self.first_block_at = time.monotonic()

    def _finished(self) -> None:
        """The stream ended on its own (the device went away): stop, and say so."""
        if self._stream is not None and self.mixer.playing:
            self.mixer.playing = False
            self.error = "The audio device stopped; playback is paused."
