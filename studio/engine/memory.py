"""How the process keeps memory: large audio buffers are reused instead of returned.

A three-minute stereo stem is 64 MB, and a render makes and frees dozens of them. glibc hands
blocks that large to the kernel and back on every allocation, and touching fresh pages costs
more than the arithmetic done on them (measured here: mixing a song took twice as long).
keep_freed_memory() tells glibc to keep freed blocks of any size in the process for the next
allocation, and puts every thread's blocks in the one main heap: glibc's per-thread heaps are
capped at 64 MB, so a stem made in a worker thread would be mapped fresh and handed back every
time (and the page faults of a process that does that stall the audio of the one next to it on
the same machine: measured, a 20 ms gap in playback). The studio's entry points call it
once at start; on a C library without mallopt (not glibc) there is nothing to set and it
returns False.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_MMAP_THRESHOLD = 1 << 30  # blocks up to 1 GiB come from (and go back to) the heap


def keep_freed_memory() -> bool:
    """Keep freed memory in the process (glibc); whether the setting took."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)) and bool(mallopt(_M_ARENA_MAX, 1))
