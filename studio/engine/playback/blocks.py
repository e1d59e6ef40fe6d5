"""Audio in shared memory: what the audio worker renders, the audio process plays.

A block is a file in /dev/shm named for the process that owns it (its pid), holding
(count, 2, samples) float32: each lane after its effects, then the bus returns. The worker
writes it and lets go; the owner (the window) hands its description to the audio process,
which maps it to play, and removes the name once newer audio has replaced it (the memory
itself goes when the last mapping does). A block whose owner no longer runs is removed by
sweep_stale at the next start, so a crash never leaves memory behind for good; so are the
semaphores of the studio's process queues (multiprocessing's "sem.mp-" files) that no process
has open any more (normally multiprocessing's resource tracker removes those, unless it was
killed with the rest).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

SHARED_MEMORY_DIR = Path("/dev/shm")  # where POSIX shared memory lives on Linux
SHARED_PREFIX = "ensemble-audio-"
STATUS_PREFIX = "ensemble-status-"
RETURNS = ("reverb", "delay")  # the bus returns, after the lanes (as studio.engine.sound.mix names)


def share_audio(arrays: list[np.ndarray], lanes: list[str], sample_rate: int,
                owner: int, length: int | None = None) -> dict:
    """Copy audio into a new shared block for the process `owner` (its pid); its
    description. The owner removes it (discard_shared) when it is done with it. A `length`
    longer than the arrays' makes a block that long, silent after them (the beginning of a
    song, on the song's whole timeline)."""
    length = max(length or 0, arrays[0].shape[1] if arrays else 0)
    name = f"{SHARED_PREFIX}{owner}-{uuid.uuid4().hex[:12]}"
    view = np.memmap(SHARED_MEMORY_DIR / name, np.float32, mode="w+",
                     shape=(max(1, len(arrays)), 2, max(1, length)))
    for index, audio in enumerate(arrays):
        view[index, :, :audio.shape[1]] = audio
    del view
    return {"memory": name, "lanes": lanes, "count": len(arrays), "length": length,
            "sample_rate": sample_rate}


class SharedAudio:
    """A shared block mapped read-only: lanes after their effects, then the bus returns. The
    mapping lives as long as some array still uses it (the mixer's, while it plays)."""

    def __init__(self, description: dict) -> None:
        count, length = description["count"], description["length"]
        self.audio = np.memmap(SHARED_MEMORY_DIR / description["memory"], dtype=np.float32,
                               mode="r", shape=(max(1, count), 2, max(1, length)))
        self.lanes: list[str] = list(description["lanes"])
        self.sample_rate = int(description["sample_rate"])
        self.count = count

    @property
    def arrays(self) -> list[np.ndarray]:
        """Every lane, then the returns, in the block's order."""
        return [self.audio[index] for index in range(self.count)]

    @property
    def wet(self) -> dict[str, np.ndarray]:
        return {name: self.audio[index] for index, name in enumerate(self.lanes)}

    @property
    def returns(self) -> dict[str, np.ndarray]:
        return {name: self.audio[len(self.lanes) + index] for index, name in enumerate(RETURNS)
                if len(self.lanes) + index < self.count}


def discard_shared(description: dict) -> None:
    """Remove a shared block's name (its memory goes with the last mapping)."""
    (SHARED_MEMORY_DIR / description["memory"]).unlink(missing_ok=True)


def discard_owned(owner: int) -> int:
    """Remove every shared block and status block of `owner`; how many."""
    count = 0
    for prefix in (SHARED_PREFIX, STATUS_PREFIX):
        for path in SHARED_MEMORY_DIR.glob(f"{prefix}{owner}-*"):
            path.unlink(missing_ok=True)
            count += 1
    return count


SEMAPHORE_PREFIX = "sem.mp-"  # multiprocessing's named semaphores, in the same folder


def sweep_stale() -> int:
    """Remove the blocks of studio processes that no longer run (a window that was killed
    or crashed), and this user's multiprocessing semaphores that no process has open; how
    many."""
    count = _sweep_semaphores()
    for prefix in (SHARED_PREFIX, STATUS_PREFIX):
        for path in SHARED_MEMORY_DIR.glob(f"{prefix}*"):
            owner = path.name[len(prefix):].partition("-")[0]
            if owner.isdigit() and not _running(int(owner)):
                path.unlink(missing_ok=True)
                count += 1
    return count


def _sweep_semaphores() -> int:
    """An open named semaphore is mapped by each process using it (under a temporary name
    glibc gave the file before linking it: it is known by its inode); one that no process of
    this user maps is left over (another user's are neither readable nor ours to remove)."""
    mine = {}
    for path in SHARED_MEMORY_DIR.glob(f"{SEMAPHORE_PREFIX}*"):
        try:
            status = path.stat()
        except OSError:
            continue
        if status.st_uid == os.getuid():
            mine[status.st_ino] = path
    if not mine:
        return 0
    mapped = set()
    for maps in Path("/proc").glob("[0-9]*/maps"):
        try:
            for line in maps.read_text().splitlines():
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith(str(SHARED_MEMORY_DIR)):
                    mapped.add(int(fields[4]))
        except (OSError, ValueError):
            continue  # gone meanwhile, or another user's
    count = 0
    for inode, path in mine.items():
        if inode not in mapped:
            path.unlink(missing_ok=True)
            count += 1
    return count


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process of that number: not ours to judge
    return True
