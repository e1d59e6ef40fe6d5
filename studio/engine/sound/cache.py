"""Rendered audio kept on disk between runs, keyed by the hash of what produced it.

A cache, never the only copy: every entry can be rendered again from the project file, so
entries are evicted least recently used first when the cache outgrows its cap, and a damaged
entry is simply rendered again.

Several processes may share one folder (the window's workers, a `studio render` in a
terminal): an entry is written to a temporary file and renamed into place, so a reader sees
all of it or nothing; eviction takes files vanishing under it (another process evicting or
replacing them) in its stride; a temporary file a crashed writer left is removed once it is
old enough that no writer can still be busy with it. When an entry cannot be written (a full
disk, a folder that went read-only) its temporary file is removed, a warning is logged and
the render goes on without it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import platformdirs

DEFAULT_CAP_BYTES = 2 * 1024**3
STALE_TEMPORARY_S = 600.0  # no writer takes this long over one entry
ENTRY, NOTE, TEMPORARY = ".npy", ".json", ".tmp"  # audio, what was measured of it

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """The user's cache folder (XDG_CACHE_HOME on Linux), where every studio process looks."""
    return Path(platformdirs.user_cache_dir("ensemble-studio")) / "renders"


class RenderCache:
    """float32 arrays in .npy files under a folder (and small notes about them in .json
    files), capped in total size."""

    def __init__(self, folder: Path | None = None, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()
        self.cap_bytes = cap_bytes
        self.hits = self.misses = 0  # entries found and not found, for benchmarks and tests
        self._warned = False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._warn("cannot be made", error)

    def get(self, key: str) -> np.ndarray | None:
        path = self._path(key)
        try:
            audio = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, EOFError):  # damaged: render it again
            self.misses += 1
            _remove(path)
            return None
        try:
            os.utime(path)  # recently used entries are evicted last
        except OSError:
            pass  # evicted by another process meanwhile: the audio is still good
        self.hits += 1
        return audio

    def put(self, key: str, audio: np.ndarray) -> bool:
        """Store atomically (a reader never sees half an entry); whether it was stored."""
        audio = np.asarray(audio, dtype=np.float32)
        return self._store(self._path(key), audio.nbytes,
                           lambda stream: np.save(stream, audio, allow_pickle=False))

    def get_note(self, key: str) -> dict | None:
        """A small JSON value kept beside audio (a loudness report, say), or None."""
        path = self._path(key, NOTE)
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError):
            self.misses += 1
            _remove(path)
            return None
        self.hits += 1
        return note

    def put_note(self, key: str, note: dict) -> bool:
        data = json.dumps(note).encode()
        return self._store(self._path(key, NOTE), len(data), lambda stream: stream.write(data))

    def _store(self, path: Path, size: int, write) -> bool:
        if size > self.cap_bytes:  # it would push out everything, then itself
            self.evict()
            return False
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=TEMPORARY)
            with os.fdopen(handle, "wb") as stream:
                write(stream)
            self.evict(room_bytes=size)  # room first, so the cap holds meanwhile
            os.replace(temporary, path)
        except OSError as error:
            if temporary is not None:
                _remove(Path(temporary))
            self._warn("cannot keep an entry", error)
            return False
        self.evict()
        return True

    def size_bytes(self) -> int:
        """The entries' total size (temporary files are not entries)."""
        return sum(size for _, _, size in self._entries())

    def evict(self, room_bytes: int = 0) -> None:
        """Remove the least recently used entries until the rest fit the cap (with
        `room_bytes` to spare), and temporary files a crashed writer left behind. Two
        processes writing at once can each take the room the other made: the cache is then
        over its cap by what they write, until the later one's eviction after its write."""
        entries = sorted(self._entries(), key=lambda entry: entry[1])
        total = sum(size for _, _, size in entries)
        for path, _, size in entries:
            if total + room_bytes <= self.cap_bytes:
                break
            _remove(path)  # another process may have removed it first: it is gone either way
            total -= size

    def _entries(self) -> list[tuple[Path, float, int]]:
        """(path, last use, size) of every entry; old temporary files are removed."""
        entries = []
        stale = time.time() - STALE_TEMPORARY_S
        try:
            listing = list(os.scandir(self.folder))
        except OSError:
            return []
        for item in listing:
            try:
                info = item.stat()
            except OSError:
                continue  # removed since it was listed
            if item.name.endswith((ENTRY, NOTE)):
                entries.append((Path(item.path), info.st_mtime, info.st_size))
            elif item.name.endswith(TEMPORARY) and info.st_mtime < stale:
                _remove(Path(item.path))
        return entries

    def _path(self, key: str, suffix: str = ENTRY) -> Path:
        if not key.isalnum():
            raise ValueError(f"a cache key is letters and digits, not '{key}'")
        return self.folder / f"{key}{suffix}"

    def _warn(self, what: str, error: OSError) -> None:
        """Say once per cache that it does not work (later failures go to the debug log);
        the studio renders on without it."""
        level = logging.DEBUG if self._warned else logging.WARNING
        self._warned = True
        log.log(level, "the render cache in %s %s (%s); rendering goes on without it",
                self.folder, what, error)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a folder gone read-only: the next writer that can will evict it
