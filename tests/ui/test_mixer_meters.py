"""The mixer's meters follow what plays through a real paced device (the JACK dummy), a
muted lane's meter falls, and the master's loudness target can be typed in LUFS."""

from __future__ import annotations

from studio.ui.mixer import FLOOR_DB
from tests.ui.window_helpers import wait_idle


def test_meters_move_while_playing(qtbot, small_song, jack):
    window = small_song
    qtbot.waitUntil(lambda: window.audio is not None, timeout=60_000)
    meters, master = window.mixer.meters, window.mixer.master_meter
    assert set(meters) == set(window.composition.lanes)
    assert all(m.level_db == FLOOR_DB for m in meters.values()) and master.level_db == FLOOR_DB
    window.play_pause()
    assert window.transport.unavailable is None
    qtbot.waitUntil(lambda: master.level_db > -30 and meters["drums"].level_db > -40,
                    timeout=5000)
    assert master.level_db <= 0.5
    seen = set()

    def moving():
        seen.add(round(master.level_db, 1))
        return len(seen) > 5

    qtbot.waitUntil(moving, timeout=5000)  # it follows the music, not one value

    window.mixer.strips["drums"]["mute"].click()  # the mix changes at once, then a version
    wait_idle(qtbot, window)
    assert window.composition.lanes["drums"].mute
    qtbot.waitUntil(lambda: meters["drums"].level_db == FLOOR_DB, timeout=5000)
    assert master.level_db > FLOOR_DB
    window.stop()
    qtbot.waitUntil(lambda: master.level_db == FLOOR_DB and all(
        m.level_db == FLOOR_DB for m in meters.values()), timeout=5000)


def test_the_loudness_target_in_lufs(qtbot, small_song):
    window = small_song
    box = window.mixer.target_lufs
    assert box.value() == window.composition.mastering.target_lufs
    box.setValue(-11.5)
    box.editingFinished.emit()
    wait_idle(qtbot, window)
    assert window.composition.mastering.target_lufs == -11.5
    assert window.mixer.target_lufs.value() == -11.5
    window.mixer.preset.setCurrentIndex((window.mixer.preset.currentIndex() + 1)
                                        % window.mixer.preset.count())
    chosen = window.mixer.preset.currentText()
    window.mixer.preset.activated.emit(window.mixer.preset.currentIndex())
    wait_idle(qtbot, window)
    assert window.composition.mastering.preset == chosen
    window.undo_stack.undo()
    assert window.composition.mastering.preset != chosen
    assert window.composition.mastering.target_lufs == -11.5
