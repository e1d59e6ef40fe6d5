"""Rendered audio kept on disk between runs, keyed by the hash of what produced it.

A cache, never the only copy: every entry can be rendered again from the project file, so
entries are evicted oldest first when the cache outgrows its cap, and a damaged entry is
simply rendered again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import platformdirs

DEFAULT_CAP_BYTES = 2 * 1024**3


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("ensemble-studio")) / "renders"


class RenderCache:
    """float32 arrays in .npy files under a folder, capped in total size."""

    def __init__(self, folder: Path | None = None, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cap_bytes = cap_bytes

    def get(self, key: str) -> np.ndarray | None:
        path = self._path(key)
        try:
            audio = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        os.utime(path)  # recently used entries are evicted last
        return audio

    def put(self, key: str, audio: np.ndarray) -> None:
        """Store atomically: a reader never sees half an entry."""
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            np.save(stream, np.asarray(audio, dtype=np.float32), allow_pickle=False)
        os.replace(temporary, self._path(key))
        self._evict()

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"a cache key is letters and digits, not '{key}'")
        return self.folder / f"{key}.npy"

    def _evict(self) -> None:
        entries = sorted(self.folder.glob("*.npy"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in entries)
        for path in entries:
            if total <= self.cap_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
