"""Load that real-time tests and benchmarks make for themselves: a core kept busy by an
unrelated process, and a thread that holds this process's interpreter (as a window's long
calls do)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time

# a busy loop that ends when its parent does (a killed test leaves no core busy)
BUSY_LOOP = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    pass\n"


@contextlib.contextmanager
def busy_core():
    """A process that keeps one core busy (a pure busy loop) while the block runs, and ends
    by itself if this process ends first."""
    loop = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    try:
        yield loop
    finally:
        loop.kill()
        loop.wait()


def gil_call(hold_s: float) -> int:
    """How many numbers `sum(range(n))` takes about `hold_s` to add: one C call that holds
    the interpreter the whole time (no other thread of the process runs meanwhile)."""
    count = 1_000_000
    started = time.perf_counter()
    sum(range(count))
    return max(1, int(count * hold_s / (time.perf_counter() - started)))


@contextlib.contextmanager
def gil_holder(hold_s: float = 0.3, every_s: float = 2.0):
    """A thread in this process that holds its interpreter for `hold_s` every `every_s` in
    one C call (as a window's long calls and garbage collections do); yields the list of
    how long each hold took."""
    stop = threading.Event()
    held = []
    count = gil_call(hold_s)

    def hold() -> None:
        while not stop.wait(every_s - hold_s):
            started = time.perf_counter()
            sum(range(count))
            held.append(time.perf_counter() - started)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield held
    finally:
        stop.set()
        thread.join()


# A sleeper on one core that wakes every 2 ms at a real-time priority above every audio thread
# (JACK's and the audio process's), so that nothing but the machine itself (the kernel, or the
# host of a virtual machine) can hold it up; prints each wake-up that came more than 4 ms late.
WATCHER = """
import os, sys, time
os.sched_setaffinity(0, {int(sys.argv[1])})
try:
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(90))
except OSError:
    print("ordinary", flush=True)
parent = os.getppid()
last = time.monotonic()
while os.getppid() == parent:
    time.sleep(0.002)
    now = time.monotonic()
    if now - last > 0.006:
        print(f"{now!r} {now - last - 0.002!r}", flush=True)
    last = now
"""


class MachineStalls:
    """What the watchers saw: `stalls` as (when one woke, how late), in time order, and
    whether they ran at a real-time priority (`real_time`); filled when the watch ends."""

    def __init__(self) -> None:
        self.stalls: list[tuple[float, float]] = []
        self.real_time = True

    def explains(self, when: float, gap: float, margin: float = 0.02) -> bool:
        """Whether the machine stalled while a callback that came at `when`, `gap` after the
        one before, was due (the watcher woke late within that time)."""
        return any(when - gap - margin <= woke and woke - late <= when + margin
                   for woke, late in self.stalls)

    def judge(self, late: list[tuple[float, float, bool]], too_late_s: float,
              margin: float = 0.05) -> tuple[list, list]:
        """Of the audio process's late callbacks (when, gap, underflow), those with an
        underflow or a gap over `too_late_s`: the ones the machine does not explain (the
        design's) and the ones it does."""
        bad = [event for event in late if event[2] or event[1] > too_late_s]
        excused = [event for event in bad if self.explains(event[0], event[1], margin)]
        return [event for event in bad if event not in excused], excused

    def __str__(self) -> str:
        worst = max((late for _, late in self.stalls), default=0.0)
        return (f"{len(self.stalls)} stalls of the machine over 4 ms (worst "
                f"{worst * 1000:.1f} ms{'' if self.real_time else ', watched at no priority'})")


@contextlib.contextmanager
def machine_stalls():
    """Watch each core, while the block runs, for the times the machine itself held its
    threads up: a callback late then was held by the machine, not by the studio's design."""
    watch = MachineStalls()
    watchers = [subprocess.Popen([sys.executable, "-c", WATCHER, str(core)],
                                 stdout=subprocess.PIPE, text=True)
                for core in sorted(os.sched_getaffinity(0))]
    try:
        yield watch
    finally:
        for watcher in watchers:
            watcher.kill()
            out, _ = watcher.communicate()
            for line in out.splitlines():
                if line == "ordinary":
                    watch.real_time = False
                else:
                    woke, late = line.split()
                    watch.stalls.append((float(woke), float(late)))
        watch.stalls.sort()
