"""What the studio window's tests share: a window with a small song in it."""

from __future__ import annotations

import os

import pytest
import shiboken6

from studio.engine.playback import SHARED_MEMORY_DIR, SHARED_PREFIX
from tests.ui.window_helpers import close_window, generate_small, open_window


@pytest.fixture
def small_song(qtbot, tmp_path):
    """A window with a 30-second song generated in it."""
    window = open_window(qtbot, tmp_path / "small.ensemble")
    generate_small(qtbot, window)
    yield window
    close_window(qtbot, window)
    if shiboken6.isValid(window):  # pytest-qt's own deleteLater may have come first
        window.deleteLater()  # Qt objects gone before the interpreter tears itself down
    qtbot.wait(10)
    assert not list(SHARED_MEMORY_DIR.glob(f"{SHARED_PREFIX}{os.getpid()}-*"))
