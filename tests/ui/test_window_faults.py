"""The window meets a full disk and a worker that dies: each is said in the status bar, nothing
committed is lost, and the window goes on working once the cause is gone."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from tests.small_disk import mount_small_disk
from tests.ui.window_helpers import close_window, generate_small, open_window, wait_idle


@pytest.fixture
def small_disk(tmp_path):
    with contextlib.ExitStack() as cleanup:
        mount_small_disk(tmp_path / "disk", cleanup, size="32m")
        yield tmp_path / "disk"


def fill(folder: Path) -> Path:
    """Fill the disk to its last byte with one file; the file."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(handle, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(handle)
    return filler


def test_a_full_disk_is_said_and_the_window_goes_on(qtbot, small_disk):
    window = open_window(qtbot, small_disk / "song.ensemble")
    try:
        generate_small(qtbot, window)
        versions = window.history.count()
        filler = fill(small_disk)
        window.seed.setValue(3)
        window.generate()
        wait_idle(qtbot, window)
        assert "disk is full" in window.statusBar().currentMessage()
        assert window.history.count() == versions
        filler.unlink()
        generate_small(qtbot, window, seed=3)
        assert window.history.count() == versions + 1
    finally:
        close_window(qtbot, window)


def test_a_worker_that_dies_is_said_and_the_next_job_runs(qtbot, small_song):
    window = small_song
    versions = window.history.count()
    window.seed.setValue(7)
    window.generate()
    qtbot.waitUntil(lambda: window.workspace.worker.pid is not None, timeout=10_000)
    os.kill(window.workspace.worker.pid, signal.SIGKILL)
    wait_idle(qtbot, window)
    assert "worker process stopped" in window.statusBar().currentMessage()
    assert window.history.count() == versions
    generate_small(qtbot, window, seed=7)
    assert window.history.count() == versions + 1
