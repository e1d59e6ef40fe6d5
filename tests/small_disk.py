"""A small disk for the tests of a full disk: a tmpfs mounted for one test."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest


def mount_small_disk(folder: Path, cleanup: contextlib.ExitStack, size: str = "200k") -> None:
    """A tmpfs of `size` at `folder`, unmounted when the test ends; the test is skipped where
    mounting is not allowed (not root)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"a small disk cannot be mounted here: {mounted.stderr.strip()}")

    def unmount():
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(folder)], check=False)
            raise AssertionError(f"{folder} was still in use: a file on it was left open")

    cleanup.callback(unmount)
