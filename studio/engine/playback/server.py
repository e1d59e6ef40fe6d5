"""The audio process: the output stream, its callback and the lane mixer, and nothing else.

The window (through AudioProcess) sends commands over a pipe; this process carries them out
in its main thread and writes what the window reads (position, meters, state) into the shared
status block. The PortAudio callback runs here, so nothing the window or the workers do can
hold the interpreter it needs. It imports numpy and sounddevice alone, freezes the objects
that exist once it is set up (a collection then has only the callback's few objects to walk),
and leaves when its parent ends.

A device lost while open is told by PortAudio: the stream stops on its own (its finished
callback runs, or it is no longer active) or a call on it fails. The process then reports
LOST and leaves without touching PortAudio again (calls on a vanished device may not return);
the window starts a new audio process when asked to play again.
"""

from __future__ import annotations

import gc
import os
import time

import numpy as np

from studio.engine.lifetime import exit_with_parent
from studio.engine.playback import status as words
from studio.engine.playback.blocks import SharedAudio
from studio.engine.playback.devices import find_output
from studio.engine.playback.mixer import Mixer
from studio.engine.playback.status import Status

# block frames and suggested output latency (s) of each latency setting
LATENCIES = {"low": (256, 0.01), "normal": (512, 0.03), "safe": (1024, 0.08)}
DEFAULT_LATENCY = "safe"
POLL_S = 0.25  # how often the main thread looks at the stream between commands
# The main thread's scheduling priority when the system allows it (root, or an rtprio limit):
# the lowest real-time one. The callback needs this process's interpreter lock; were the main
# thread preempted by an ordinary process while it held the lock for a moment, the callback
# would wait for that process's time slice to end (measured on a loaded machine: underflows).
MAIN_PRIORITY = 1
SETTLING_CALLBACKS = 5  # the first callbacks come as the stream fills its buffers
LOST_MESSAGE = "The audio device stopped; playback is paused."


class DeviceLost(Exception):
    """PortAudio says the stream stopped or failed without being asked to."""


class Output:
    """The output stream and the mixer it plays, in the audio process."""

    def __init__(self, status: Status, sample_rate: int, device: str | int | None,
                 latency: str) -> None:
        self.mixer = Mixer(sample_rate, peaks=status.peaks)
        self.ints, self.times, self.late = status.ints, status.times, status.late
        self.sample_rate, self.device, self.latency = sample_rate, device, latency
        self.stream = None
        self.closing = False
        self.finished = False
        self.first_pending = False
        self.audio: SharedAudio | None = None
        self.retired: list[SharedAudio] = []
        self.late_gap_s = words.LATE_GAP_PERIODS * LATENCIES[latency][0] / sample_rate

    def open(self) -> None:
        """Open and start the stream; raises sounddevice.PortAudioError or ValueError."""
        import sounddevice

        frames, seconds = LATENCIES[self.latency]
        device = find_output(self.device)
        stream = sounddevice.OutputStream(
            samplerate=self.sample_rate, blocksize=frames, channels=2, dtype="float32",
            device=device, callback=self._callback, finished_callback=self._finished,
            latency=seconds)
        stream.start()
        self.stream = stream
        self.times[words.LATENCY_S] = stream.latency
        self.ints[words.STATE] = words.OPEN

    def check(self) -> None:
        """Raise DeviceLost when PortAudio stopped the stream on its own."""
        stream = self.stream
        if stream is not None and not self.closing and (self.finished or not stream.active):
            raise DeviceLost(LOST_MESSAGE)
        if self.retired and self.mixer.settled:
            self.retired.clear()  # unmapped here, not in the callback

    def close(self) -> None:
        """Stop the stream at once (abort), then close it."""
        self.closing = True
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.abort()
            stream.close()
        self.ints[words.STATE] = words.CLOSED

    # -- commands ------------------------------------------------------------------------------

    def load(self, description: dict, gains: np.ndarray, crossfade: bool) -> None:
        audio = SharedAudio(description)
        self.mixer.load(audio.arrays if audio.count else [], gains, crossfade)
        if self.audio is not None:
            self.retired.append(self.audio)
        self.audio = audio

    def unload(self) -> None:
        self.mixer.playing = False
        self.mixer.load([], np.zeros((0, 2, 1), np.float32), crossfade=False)
        if self.audio is not None:
            self.retired.append(self.audio)
        self.audio = None

    def play(self) -> None:
        self.times[words.FIRST_BLOCK_AT] = 0.0
        self.first_pending = True
        self.mixer.playing = True

    def pause(self) -> None:
        self.mixer.playing = False

    def stop(self) -> None:
        self.mixer.playing = False
        self.mixer.seek(0)

    # -- the audio thread ----------------------------------------------------------------------

    def _callback(self, outdata, frames, _time, status) -> None:
        now = time.monotonic()
        ints, times, mixer = self.ints, self.times, self.mixer
        count = ints[words.CALLBACKS] + 1
        ints[words.CALLBACKS] = count
        playing = mixer.playing
        underflow = playing and status.output_underflow  # a gap heard in the music
        if underflow:
            ints[words.UNDERFLOWS] += 1
        if playing and count > SETTLING_CALLBACKS:
            gap = now - times[words.LAST_CALLBACK_AT]
            if gap > times[words.WORST_GAP_S]:
                times[words.WORST_GAP_S] = gap
            if underflow or gap > self.late_gap_s:  # kept to be told apart from the machine's
                row = self.late[ints[words.LATE_COUNT] % words.LATE_KEPT]
                row[0], row[1], row[2] = now, gap, underflow
                ints[words.LATE_COUNT] += 1
        times[words.LAST_CALLBACK_AT] = now
        mixer.render(outdata)
        if playing and self.first_pending:
            self.first_pending = False
            times[words.FIRST_BLOCK_AT] = time.monotonic()
        ints[words.POSITION] = mixer.position
        ints[words.PLAYING] = mixer.playing

    def _finished(self) -> None:
        self.finished = True


def serve(connection, status_name: str, sample_rate: int, device: str | int | None,
          latency: str) -> None:
    """The audio process's main: open the device, then carry out commands until told to
    close or the window is gone."""
    exit_with_parent()
    status = Status(status_name)
    status.ints[words.PID] = os.getpid()
    status.ints[words.REALTIME] = _real_time()
    output = Output(status, sample_rate, device, latency)
    gc.collect()
    gc.freeze()  # what exists now lives as long as the process: no collection walks it
    opened = _open(output, connection)
    try:
        while True:
            if connection.poll(POLL_S):
                command, number, *args = connection.recv()
                if command == "close":
                    break
                if command == "play" and not opened:
                    opened = _open(output, connection)
                if opened or command != "play":
                    try:
                        _carry_out(output, command, args)
                    except ValueError as error:  # a command that makes no sense: said, not fatal
                        _tell(connection, "refused", str(error))
                status.ints[words.APPLIED] = number
                if not output.mixer.playing:
                    status.ints[words.POSITION] = output.mixer.position
                    status.ints[words.PLAYING] = 0
            output.check()
    except DeviceLost as lost:
        status.ints[words.PLAYING] = 0
        status.ints[words.STATE] = words.LOST
        _tell(connection, "lost", str(lost))
        os._exit(0)  # PortAudio's calls on a vanished device may never return
    except (EOFError, OSError):
        os._exit(0)  # the window is gone
    output.close()


def _real_time() -> int:
    """Run this thread at the lowest real-time priority when allowed; whether it does."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(MAIN_PRIORITY))
    except (PermissionError, OSError):
        return 0  # an ordinary thread: it works, with less margin on a busy machine
    return 1


def _open(output: Output, connection) -> bool:
    import sounddevice

    try:
        output.open()
    except (sounddevice.PortAudioError, ValueError) as error:
        output.ints[words.STATE] = words.UNAVAILABLE
        _tell(connection, "unavailable",
              f"No sound: {error}. The studio runs without playback.")
        return False
    return True


def _carry_out(output: Output, command: str, args: list) -> None:
    mixer = output.mixer
    if command == "load":
        output.load(*args)
    elif command == "unload":
        output.unload()
    elif command == "gains":
        mixer.set_gains(args[0])
    elif command == "play":
        output.play()
    elif command == "pause":
        output.pause()
    elif command == "stop":
        output.stop()
    elif command == "seek":
        mixer.seek(args[0])
    elif command == "loop":
        mixer.set_loop(*args)


def _tell(connection, kind: str, text: str) -> None:
    try:
        connection.send((kind, text))
    except OSError:
        pass  # the window is gone
