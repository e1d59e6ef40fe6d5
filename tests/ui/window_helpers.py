"""Helpers for the studio window's tests: open and close a window, wait for its job, and
generate a small song in it."""

from __future__ import annotations

from studio.ui.main_window import StudioWindow


def open_window(qtbot, path) -> StudioWindow:
    window = StudioWindow(path)
    qtbot.addWidget(window)
    window.show()
    return window


def close_window(qtbot, window: StudioWindow) -> None:
    """Close a window as the person does (qtbot closes it again, harmlessly, at the end)."""
    window.close()
    qtbot.wait(10)


def wait_idle(qtbot, window, timeout_ms=60_000) -> None:
    qtbot.waitUntil(lambda: window.job is None, timeout=timeout_ms)


def generate_small(qtbot, window, prompt="lo-fi beat", seed=2, length="0:30") -> None:
    window.prompt.setText(prompt)
    window.seed.setValue(seed)
    window.length.setText(length)
    window.generate()
    wait_idle(qtbot, window)
    assert window.composition is not None
