"""What the audio process tells the window, in a small shared block the window reads.

Integers and times are whole 8-byte words (one store each, never torn on the machines the
studio runs on); peaks are float32, one per metered lane and one for the output. The audio
process writes everything but `peaks`' resets: the window takes a meter's peak by reading
and zeroing it (a block mixed in between counts toward the next reading).
"""

from __future__ import annotations

import uuid

import numpy as np

from studio.engine.playback.blocks import SHARED_MEMORY_DIR, STATUS_PREFIX
from studio.engine.playback.mixer import METERED

# the integer words
APPLIED = 0  # the number of the last command the audio process carried out
POSITION = 1  # the next sample to play
PLAYING = 2  # 1 while playing
UNDERFLOWS = 3  # blocks PortAudio says came too late while playing
CALLBACKS = 4  # audio callbacks so far
STATE = 5  # one of the states below
PID = 6  # the audio process's pid, once it runs
REALTIME = 7  # 1 when its main thread runs at a real-time priority (see server.MAIN_PRIORITY)
LATE_COUNT = 8  # late callbacks so far (see `late`)
_INTS = 9
# the time words (time.monotonic(), the same clock in every process)
FIRST_BLOCK_AT = 0  # the first block played after the last play command
LAST_CALLBACK_AT = 1
WORST_GAP_S = 2  # the longest time between two callbacks while playing
LATENCY_S = 3  # the device's output latency, as PortAudio reports it
_FLOATS = 4
# the late callbacks: the last LATE_KEPT of those that came with an underflow or more than
# LATE_GAP_PERIODS block periods after the one before, as (when, gap, underflow) rows; row
# LATE_COUNT % LATE_KEPT is written next
LATE_KEPT = 16
LATE_GAP_PERIODS = 1.5

# states
STARTING, OPEN, UNAVAILABLE, LOST, CLOSED = range(5)

_SIZE = 8 * _INTS + 8 * _FLOATS + 8 * 3 * LATE_KEPT + 4 * (METERED + 1)


class Status:
    """The block's words as numpy arrays: `ints`, `times`, `late`, `peaks`."""

    def __init__(self, name: str, create: bool = False) -> None:
        self.name = name
        self._memory = np.memmap(SHARED_MEMORY_DIR / name, np.uint8,
                                 mode="w+" if create else "r+", shape=(_SIZE,))
        self.ints = np.ndarray((_INTS,), np.int64, self._memory, 0)
        self.times = np.ndarray((_FLOATS,), np.float64, self._memory, 8 * _INTS)
        self.late = np.ndarray((LATE_KEPT, 3), np.float64, self._memory, 8 * _INTS + 8 * _FLOATS)
        self.peaks = np.ndarray((METERED + 1,), np.float32, self._memory,
                                8 * _INTS + 8 * _FLOATS + 8 * 3 * LATE_KEPT)

    @classmethod
    def create(cls, owner: int) -> Status:
        return cls(f"{STATUS_PREFIX}{owner}-{uuid.uuid4().hex[:12]}", create=True)

    def remove(self) -> None:
        (SHARED_MEMORY_DIR / self.name).unlink(missing_ok=True)
