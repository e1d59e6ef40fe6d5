"""Playback from the window's side: the audio process started, sent commands and read.

    audio = AudioProcess(48000, latency="safe", device=None)   # starts the audio process
    audio.load(song.lanes, description)    # a shared block the audio worker rendered
    audio.play(); audio.seek(sample); audio.set_loop(start, end); audio.set_mix(song.lanes)
    audio.position, audio.playing, audio.take_peaks(), audio.check()   # from shared memory
    audio.close()

Every call returns at once: a command is a small message on a pipe, and what the window reads
comes from the shared status block. The audio process is started again when it is gone (the
device was lost, or it crashed) and the next play asks for it, with the audio it had.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Mapping

import numpy as np

from studio.engine.model import Composition, Lane
from studio.engine.playback import status as words
from studio.engine.playback.blocks import RETURNS, discard_shared
from studio.engine.playback.mixer import METERED
from studio.engine.playback.server import DEFAULT_LATENCY, LATENCIES, LOST_MESSAGE, serve
from studio.engine.playback.status import Status
from studio.engine.sound.mix import audible_lanes, fader_gains

CLOSE_WAIT_S = 2.0  # an audio process that has not closed by then is stopped


class AudioProcess:
    """Play, pause, stop, seek and loop through an output device in the audio process.

    Without a device it still exists and says why it is silent (`unavailable`, and `error`
    once asked to play); a device lost while playing is told by check(), which sets `error`.
    """

    def __init__(self, sample_rate: int = 48000, latency: str = DEFAULT_LATENCY,
                 device: str | int | None = None) -> None:
        if latency not in LATENCIES:
            raise ValueError(f"the latency is one of {', '.join(LATENCIES)}, not '{latency}'")
        self.sample_rate, self.latency, self.device = sample_rate, latency, device
        self.error: str | None = None
        self.unavailable: str | None = None
        self.loop: tuple[int, int] | None = None
        self._description: dict | None = None
        self._superseded: list[tuple[dict, int]] = []  # blocks to remove, and from which command
        self._held: dict[str, dict] = {}  # blocks kept when replaced (by memory name)
        self._gains: np.ndarray | None = None
        self._names: list[str] = []
        self._sent = 0  # commands numbered from 1, across restarts of the process
        self._playing = False  # what the last command asked
        self._process = None
        self._start()

    # -- commands ------------------------------------------------------------------------------

    def load(self, lanes: Mapping[str, Lane], description: dict,
             crossfade: bool = True) -> None:
        """Play the audio of a shared block (its description, as the audio worker gives
        it) with the lanes' gains; the block it replaces is removed once replaced."""
        self._names = list(description["lanes"])
        self._gains = gain_array(lanes, self._names, description["count"] - len(self._names))
        self._replace(description)
        self._send("load", description, self._gains, crossfade)

    def hold(self, description: dict) -> None:
        """Keep a shared block when other audio replaces it, so it can be loaded again (two
        versions compared by ear switch back and forth); release() lets it go."""
        self._held[description["memory"]] = description

    def release(self, description: dict) -> None:
        """Stop holding a block: removed now unless it is what plays (then once replaced)."""
        if self._held.pop(description["memory"], None) is None:
            return
        if self._description is None or self._description["memory"] != description["memory"]:
            self._superseded.append((description, self._sent))

    def unload(self) -> None:
        """Nothing to play (the project closed)."""
        self._names, self._gains = [], None
        self._replace(None)
        self._send("unload")

    def set_mix(self, lanes: Mapping[str, Lane]) -> None:
        """Gain, pan, mute and solo as the lanes now have them: heard from the next block."""
        if self._description is None:
            return
        self._gains = gain_array(lanes, self._names, self._description["count"]
                                 - len(self._names))
        self._send("gains", self._gains)

    def play(self) -> None:
        """Play from the position. A device that was missing or lost is looked for again (by
        a new audio process: PortAudio sees devices as they were when it started); one still
        missing is said by check()."""
        self.error = None
        self._read_messages()
        if self.unavailable is not None or not self._alive():
            self._start(resume=True)
        self._playing = True
        self._send("play")

    def pause(self) -> None:
        self._playing = False
        self._send("pause")

    def stop(self) -> None:
        self._playing = False
        self._send("stop")

    def seek(self, sample: int) -> None:
        self._send("seek", max(0, int(sample)))

    def set_loop(self, start: int | None, end: int | None = None) -> None:
        """Loop samples [start, end); None to stop looping."""
        if start is not None and not 0 <= start < end:
            raise ValueError(f"a loop runs from a sample to a later one, not {start}..{end}")
        self.loop = None if start is None else (int(start), int(end))
        self._send("loop", start, end)

    def close(self) -> None:
        """Stop the stream and the audio process; remove its blocks."""
        process, self._process = self._process, None
        if process is not None:
            try:
                self._connection.send(("close", self._sent + 1))
            except OSError:
                pass
            process.join(CLOSE_WAIT_S)
            if process.is_alive():
                process.kill()
                process.join(1.0)
            self._connection.close()
        for description, _ in self._superseded:
            discard_shared(description)
        self._superseded.clear()
        if self._description is not None and self._description["memory"] not in self._held:
            discard_shared(self._description)
        self._description = None
        for description in self._held.values():
            discard_shared(description)
        self._held.clear()
        self._status.remove()

    # -- what the window reads -----------------------------------------------------------------

    @property
    def position(self) -> int:
        return int(self._status.ints[words.POSITION])

    @property
    def playing(self) -> bool:
        if self._status.ints[words.APPLIED] < self._sent:
            return self._playing  # on its way
        return bool(self._status.ints[words.PLAYING])

    @property
    def length(self) -> int:
        return self._description["length"] if self._description is not None else 0

    @property
    def underflows(self) -> int:
        return int(self._status.ints[words.UNDERFLOWS])

    @property
    def callbacks(self) -> int:
        return int(self._status.ints[words.CALLBACKS])

    @property
    def first_block_at(self) -> float | None:
        """When the first block after the last play was handed to the device (monotonic)."""
        value = float(self._status.times[words.FIRST_BLOCK_AT])
        return value if value > 0 and self._status.ints[words.APPLIED] >= self._sent else None

    @property
    def worst_gap_s(self) -> float:
        """The longest time between two callbacks while playing."""
        return float(self._status.times[words.WORST_GAP_S])

    def late_callbacks(self) -> list[tuple[float, float, bool]]:
        """The last few callbacks that came late or with an underflow while playing, oldest
        first: (when, time since the callback before, whether PortAudio said underflow)."""
        count = int(self._status.ints[words.LATE_COUNT])
        rows = self._status.late.copy()
        order = [i % words.LATE_KEPT for i in range(max(0, count - words.LATE_KEPT), count)]
        return [(float(rows[i, 0]), float(rows[i, 1]), bool(rows[i, 2])) for i in order]

    @property
    def output_latency_s(self) -> float | None:
        """The device's output latency as PortAudio reports it, once open."""
        if self._status.ints[words.STATE] != words.OPEN:
            return None
        return float(self._status.times[words.LATENCY_S])

    @property
    def real_time(self) -> bool:
        """Whether the audio process's main thread runs at a real-time priority (the system
        allows it to root, or to a user with an rtprio limit)."""
        return bool(self._status.ints[words.REALTIME])

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def take_peaks(self) -> tuple[dict[str, float], float]:
        """The highest absolute sample of each lane (after its fader) and of the output since
        the last call, and start again from silence."""
        peaks = self._status.peaks
        levels = peaks.copy()
        peaks.fill(0.0)
        return ({name: float(levels[i]) for i, name in enumerate(self._names[:METERED])},
                float(levels[METERED]))

    def check(self) -> str | None:
        """Whether the device still plays (the window's timer calls this): `error` once
        the device was lost, else None."""
        self._read_messages()
        applied = self._status.ints[words.APPLIED]
        while self._superseded and self._superseded[0][1] <= applied:
            discard_shared(self._superseded.pop(0)[0])  # mapped there before its name goes
        if self.unavailable is not None and self._playing:  # asked to play, and cannot
            self.error, self._playing = self.unavailable, False
        if self.error is None and self._process is not None and not self._alive():
            self.error = LOST_MESSAGE if self._status.ints[words.STATE] == words.LOST else (
                f"The audio process stopped (exit code {self._process.exitcode}); "
                "playback is paused.")
            self._playing = False
        return self.error

    def wait_applied(self, timeout: float = 5.0) -> bool:
        """Wait until the audio process has carried out every command sent so far."""
        deadline = time.monotonic() + timeout
        while self._status.ints[words.APPLIED] < self._sent:
            if time.monotonic() > deadline or not self._alive():
                return False
            time.sleep(0.0005)
        return True

    # -- the process ---------------------------------------------------------------------------

    def _start(self, resume: bool = False) -> None:
        """Start the audio process (again, with the audio and position it had, on resume)."""
        position = self.position if resume else 0
        if resume:  # the process before goes, and its mappings with it
            self._process.kill()  # one that runs has no device: nothing of it is wanted
            self._process.join(1.0)
            self._connection.close()
            self._status.remove()
            for description, _ in self._superseded:
                discard_shared(description)
            self._superseded.clear()
        self._status = Status.create(os.getpid())
        self._status.ints[words.APPLIED] = self._sent
        self.unavailable = None
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(
            target=serve, name="ensemble-audio", daemon=True,
            args=(theirs, self._status.name, self.sample_rate, self.device, self.latency))
        self._process.start()
        theirs.close()
        if resume and self._description is not None:
            self._send("load", self._description, self._gains, False)
            self._send("seek", position)
            if self.loop is not None:
                self._send("loop", *self.loop)

    def _replace(self, description: dict | None) -> None:
        """The audio to play from the next command on; the block before is removed once the
        audio process has taken the new one (or at close)."""
        previous, self._description = self._description, description
        if previous is not None and previous["memory"] not in self._held and (
                description is None or previous["memory"] != description["memory"]):
            self._superseded.append((previous, self._sent + 1))

    def _send(self, command: str, *args) -> None:
        self._sent += 1
        try:
            self._connection.send((command, self._sent, *args))
        except OSError:
            pass  # the process is gone: check() says so, and play starts another

    def _alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _read_messages(self) -> None:
        try:
            while self._connection.poll():
                kind, text = self._connection.recv()
                if kind == "unavailable":
                    self.unavailable = text
                elif kind == "lost":
                    self.error = text
        except (EOFError, OSError):
            pass


def gain_array(lanes: Mapping[str, Lane], names: list[str], returns: int) -> np.ndarray:
    """The mixer's gains (count, 2, 1) for lanes in that order, then the returns (unity: they
    carry the faders the render had)."""
    audible = audible_lanes({n: lanes[n] for n in names})
    gains = np.zeros((len(names) + returns, 2, 1), np.float32)
    for i, name in enumerate(names):
        if name in audible:
            gains[i, :, 0] = fader_gains(lanes[name])
    gains[len(names):] = 1.0
    return gains


def mixer_input(lanes: Mapping[str, Lane], wet: Mapping[str, np.ndarray],
                returns: Mapping[str, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """Arrays and gains for Mixer.load from rendered lanes and bus returns."""
    names = list(wet)
    audio = [np.ascontiguousarray(wet[n], dtype=np.float32) for n in names]
    audio += [np.ascontiguousarray(returns[n], dtype=np.float32) for n in RETURNS
              if n in returns]
    return audio, gain_array(lanes, names, len(audio) - len(names))


def position_label(composition: Composition, sample: int, sample_rate: int) -> str:
    """'bar:beat' (from 1) and 'm:ss.mmm' of a position: "12:3  0:23.450"."""
    seconds = sample / sample_rate
    beats = seconds * composition.context.tempo_bpm / 60.0
    per_bar = composition.context.meter.beats_per_bar
    bar, beat = divmod(beats, per_bar)
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(bar) + 1}:{int(beat) + 1}  {int(minutes)}:{rest:06.3f}"
