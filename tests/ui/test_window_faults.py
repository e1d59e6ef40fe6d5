"""The window meets a full disk and a worker that dies: each is said in the status bar, nothing
committed is lost, and the window goes on working once the cause is gone."""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from studio import engine
from studio.project import Project
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


def impossible_project(path: Path) -> Path:
    """A project whose first version is a song and whose second, committed through the
    project API, has a verse of 2,000,000 bars."""
    song = engine.compose("lo-fi beat", 2, length_s=30)
    with Project.create(path) as project:
        project.commit(song, "Generate", "generate")
        verse = next(i for i, s in enumerate(song.sections) if s.kind == "verse")
        song.sections[verse] = replace(song.sections[verse], bars=2_000_000)
        project.commit(song, "Made by hand", "edit")
    return path


def test_a_project_beyond_what_the_studio_makes_is_said_and_nothing_renders(qtbot, tmp_path):
    window = open_window(qtbot, impossible_project(tmp_path / "sent.ensemble"))
    try:
        said = window.statusBar().currentMessage()
        assert "Version 2 of 'sent.ensemble'" in said and "2000000 bars" in said
        assert window.composition is None and window.audio_job is None
        assert window.song_view.composition is None
        # the good version is there to go back to; the window goes on working
        window.checkout(1)
        assert window.composition is not None and window.workspace.project.head.id == 1
        window.checkout(2)  # refused before it is made current
        assert "2000000 bars" in window.statusBar().currentMessage()
        assert window.workspace.project.head.id == 1 and window.composition is not None
        generate_small(qtbot, window, seed=5)
        assert [v.id for v in window.workspace.project.log()] == [1, 2, 3]
    finally:
        close_window(qtbot, window)
