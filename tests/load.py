"""Load that real-time tests and benchmarks make for themselves: a core kept busy by an
unrelated process, and a thread that holds this process's interpreter (as a window's long
calls do)."""

from __future__ import annotations

import contextlib
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
