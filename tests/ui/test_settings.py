"""The settings dialog: the output device, sample rate and loudness of new songs are saved,
applied to the transport at once, and found again by the next window; the render cache's cap
is one of them."""

from __future__ import annotations

from studio.settings import StudioSettings, load_settings, save_settings
from studio.ui.settings_dialog import SettingsDialog
from tests.ui.window_helpers import close_window, generate_small, open_window, wait_idle


def choose(window, device: str | None, rate: int, loudness: str) -> None:
    def answer(dialog: SettingsDialog) -> bool:
        assert dialog.wait_for_devices()
        dialog.device.setCurrentIndex(dialog.device.findData(device))
        dialog.sample_rate.setCurrentText(str(rate))
        dialog.loudness.setCurrentIndex(dialog.loudness.findData(loudness))
        return True

    window.dialog_result = answer
    window.open_settings()


def test_settings_are_saved_applied_and_found_again(qtbot, small_song, jack, tmp_path):
    window = small_song
    qtbot.waitUntil(lambda: window.audio is not None, timeout=60_000)
    choose(window, jack.name, 44100, "club")
    saved = load_settings()
    assert (saved.output_device, saved.sample_rate_hz, saved.loudness_target) == (
        jack.name, 44100, "club")
    assert str(window.workspace.project.path.resolve()) in saved.recent_projects  # kept
    assert (window.transport.device, window.transport.sample_rate) == (jack.name, 44100)
    qtbot.waitUntil(lambda: window.audio is not None and window.audio["sample_rate"] == 44100,
                    timeout=60_000)  # the audio rendered again at the new rate
    bar_s = 4 * 60 / window.composition.context.tempo_bpm
    assert abs(window.transport.length / 44100 - 8 * bar_s) < 3.0

    generate_small(qtbot, window, "dark techno", 5)
    wait_idle(qtbot, window)  # the new song is mastered to the chosen loudness
    assert window.composition.mastering.target_lufs == -9.0
    assert "-9 LUFS" in window.history.item(0).text()

    other = open_window(qtbot, tmp_path / "other.ensemble")
    try:
        assert (other.transport.device, other.transport.sample_rate) == (jack.name, 44100)
        dialog = SettingsDialog(load_settings(), other)
        assert dialog.device.currentData() == jack.name
        assert dialog.sample_rate.currentText() == "44100"
        assert dialog.loudness.currentData() == "club"
        dialog.deleteLater()
        choose(other, jack.name, 48000, "streaming")  # the server's own rate: it plays
        generate_small(qtbot, other)
        assert other.history.count() == 1  # streaming is what songs start with
        qtbot.waitUntil(lambda: other.audio is not None, timeout=60_000)
        other.play_pause()
        assert other.transport.unavailable is None
        qtbot.waitUntil(lambda: other.transport.position > 48000 // 4, timeout=5000)
        other.stop()
    finally:
        close_window(qtbot, other)


def test_the_render_caches_cap_is_a_setting(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    save_settings(StudioSettings(render_cache_gb=5.0), path)
    settings = load_settings(path)
    assert (settings.render_cache_gb, settings.render_cache_bytes) == (5.0, 5 * 1024**3)
    path.write_text('{"render_cache_gb": -1}')
    assert load_settings(path).render_cache_gb == 2.0  # none, or nothing kept: the default
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.render_cache.value() == 5.0
    dialog.render_cache.setValue(3.5)
    assert dialog.settings().render_cache_gb == 3.5
    dialog.wait_for_devices()
