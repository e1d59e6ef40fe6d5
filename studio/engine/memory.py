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

It also tells numpy not to ask the kernel for huge (2 MB) pages for its arrays. On a machine
whose memory is fragmented (a full page cache) the kernel compacts memory, there and then,
to find each huge page the first time it is touched: measured here, a song's first mix,
master and export took 3.2-3.8 s with 4 kB pages and 4.0-4.4 s with huge ones, and later
ones the same either way.

release_freed_memory() gives what the heap holds free back to the system (glibc's
malloc_trim): without it a process keeps its peak for good, and a window that made ten songs
holds the memory of its largest. It is called between jobs (in a worker once a job's outcome
is sent, in the window once a result has landed), never inside one, so a render still reuses
its freed buffers and only the next job's first touches of its pages cost faults; the audio
callback runs in a process of its own that never calls it.

collection_paused() keeps the cyclic garbage collector off while a large table is built:
the lyric writer's pronouncing dictionary and the groove library are some 300,000 lists
between them, and built with the collector on, every full collection their growth sets off
walks all that is built so far (measured: the first 3-minute song in a process composed in
1.08-1.17 s with it on, 0.90-1.05 s with it off).

settle_heap() is for a process that must answer quickly (the window): the objects that exist
once it is set up (modules, classes, Qt's wrappers: about 150,000 in the window) live as long
as it does, so no collection need walk them. Measured in the window: with them frozen,
decoding a 3-minute song took 8 ms instead of 86 ms (a full collection fell inside it).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_MMAP_THRESHOLD = 1 << 30  # blocks up to 1 GiB come from (and go back to) the heap


def keep_freed_memory() -> bool:
    """Keep freed memory in the process (glibc); whether the setting took."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    _no_huge_pages()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)) and bool(mallopt(_M_ARENA_MAX, 1))


def release_freed_memory() -> bool:
    """Give the heap's free pages back to the system (glibc); whether any were."""
    name = ctypes.util.find_library("c")
    malloc_trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    return bool(malloc_trim(0)) if malloc_trim is not None else False


def _no_huge_pages() -> None:
    """numpy's switch for huge pages (numpy 2 keeps it in numpy._core, numpy 1 in
    numpy.core); where it has none, it asks for none."""
    import numpy

    for module in ("_core", "core"):
        multiarray = getattr(getattr(numpy, module, None), "multiarray", None)
        switch = getattr(multiarray, "_set_madvise_hugepage", None)
        if switch is not None:
            switch(False)
            return


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (a table of containers that lives as
    long as the process is being built); as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_settled = [False]


def settle_heap() -> bool:
    """Collect once, then leave every object that exists now out of later collections (once
    per process); whether this call did it."""
    if _settled[0]:
        return False
    gc.collect()
    gc.freeze()
    _settled[0] = True
    return True
