"""A/B by ear in the window: a version picked in History is rendered beforehand beside the
current one, and the switch plays the other version from the same place, with no stop."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from studio.engine.playback import SHARED_MEMORY_DIR
from tests.ui.window_helpers import wait_idle


def audio_ready(window) -> bool:
    return window.audio is not None and window.audio_job is None


def test_a_b_switches_versions_at_the_same_place(qtbot, small_song, jack):
    window = small_song
    qtbot.waitUntil(lambda: audio_ready(window), timeout=60_000)
    first = window.workspace.project.head.id
    chorus = next(s for s in window.composition.sections if s.kind == "chorus")
    window.run_operation("regenerate_section", (chorus.id,))
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: audio_ready(window) and window.audio is not None, timeout=60_000)
    history = window.history_panel
    row = next(r for r in range(history.list.count())
               if history.list.item(r).data(Qt.ItemDataRole.UserRole) == first)
    history.list.setCurrentRow(row)
    assert not window.ab.switch_button.isEnabled()
    history.listen_button.click()
    qtbot.waitUntil(lambda: window.ab.ready, timeout=60_000)  # prepared before any switch
    a, b = window.ab.audio_a, window.ab.audio_b
    assert a is window.audio and a["memory"] != b["memory"]
    assert window.ab.switch_button.isEnabled() and "A/B ready" in \
        window.statusBar().currentMessage()

    transport, rate = window.transport, window.playback_rate
    window.play_pause()
    qtbot.waitUntil(lambda: transport.position > rate, timeout=10_000)
    for hearing in ("B", "A", "B", "A"):
        before, started = transport.position, time.monotonic()
        window.ab.switch_button.click()
        assert transport.wait_applied()
        assert window.ab.label.text().startswith(f"hearing {hearing}")
        qtbot.wait(250)
        went_s = (transport.position - before) / rate
        # the same place: the song went on as the clock did, neither restarted nor stopped
        assert abs(went_s - (time.monotonic() - started)) < 0.2, went_s
        assert transport.playing and transport.check() is None
        assert (SHARED_MEMORY_DIR / a["memory"]).exists()
        assert (SHARED_MEMORY_DIR / b["memory"]).exists()
    window.ab.switch_button.click()  # hearing B
    window.ab.end_button.click()  # back to A alone: B's audio goes
    assert transport.wait_applied()
    transport.check()
    assert not (SHARED_MEMORY_DIR / b["memory"]).exists()
    assert (SHARED_MEMORY_DIR / a["memory"]).exists() and window.ab.label.text() == ""
