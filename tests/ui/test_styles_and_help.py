"""The style browser lists the library by family, previews a style's groove through the
studio's playback and gives the song that style; every control of the window says what it
does on hover, and the shortcuts page lists the window's keys."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
)

from studio.engine import resources
from studio.engine.composing.grooves import groove_names_for
from studio.engine.playback import SharedAudio
from studio.ui.help_pages import ShortcutsPage
from tests.ui.window_helpers import wait_idle


def test_the_style_browser_previews_a_groove_and_uses_the_style(qtbot, small_song, jack):
    window = small_song
    qtbot.waitUntil(lambda: window.audio is not None and window.audio_job is None,
                    timeout=60_000)
    window.open_styles()
    browser = window.style_browser
    assert browser.families.count() == len(resources.families())
    browser.families.setCurrentRow(list(resources.families()).index("latin"))
    names = [browser.styles.item(r).text() for r in range(browser.styles.count())]
    assert any(name.startswith("bossa nova") for name in names)
    assert not any(name.startswith("punk") for name in names)
    browser.styles.setCurrentRow(next(r for r, n in enumerate(names)
                                      if n.startswith("bossa nova")))
    assert browser.style == "bossa-nova" and "bossa nova" in browser.about.text().lower()

    song_audio = window.audio
    browser.preview_button.click()
    qtbot.waitUntil(lambda: browser.playing is not None, timeout=180_000)
    heard = SharedAudio(browser.playing).wet["preview"]
    seconds = heard.shape[1] / window.playback_rate
    assert 3.0 < seconds < 20.0 and float(np.abs(heard).max()) > 0.05  # a few bars, audible
    position = window.transport.position
    qtbot.waitUntil(lambda: window.transport.position > position + window.playback_rate // 2,
                    timeout=10_000)  # it plays
    browser.stop_button.click()
    assert window.transport._description is song_audio  # the song's audio is back
    assert not window.transport.playing

    browser.use_button.click()
    wait_idle(qtbot, window, 180_000)
    assert window.composition.context.genre_blend == {"bossa-nova": 1.0}

    before = window.composition
    chorus = next(s for s in before.sections if s.kind == "chorus")
    window.song_view.selected = chorus.id
    browser.families.setCurrentRow(list(resources.families()).index("rock"))
    rows = [browser.styles.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(browser.styles.count())]
    browser.styles.setCurrentRow(rows.index("punk-rock"))
    assert browser.section_button.isEnabled()
    browser.section_button.click()
    wait_idle(qtbot, window, 180_000)
    after = window.composition
    shaped = next(s for s in after.sections if s.id == chorus.id)
    assert shaped.groove in groove_names_for("punk-rock", after.context.meter)
    assert after.parts[(chorus.id, "drums")].notes != before.parts[(chorus.id, "drums")].notes
    assert after.context.genre_blend == {"bossa-nova": 1.0}  # the rest of the song keeps it
    assert all(after.parts[key].notes == before.parts[key].notes for key in before.parts
               if key[0] != chorus.id)
    browser.done(0)
    assert browser.worker is None  # its preview worker ended with it


def test_every_control_says_what_it_does_and_the_shortcuts_are_listed(qtbot, small_song):
    window = small_song
    controls = []
    for kind in (QAbstractButton, QLineEdit, QAbstractSpinBox, QAbstractSlider, QComboBox):
        for panel in (window.centralWidget(), window.mixer, window.history_panel):
            controls += [w for w in panel.findChildren(kind) if w.isVisibleTo(window)
                         and not isinstance(w, QScrollBar)]
    silent = [(type(w).__name__, getattr(w, "text", lambda: "")()) for w in controls
              if not w.toolTip() and not isinstance(w.parent(), QAbstractSpinBox)
              and not isinstance(w.parent(), QComboBox)]
    assert len(controls) > 30 and not silent, silent
    page = ShortcutsPage(window)
    rows = {page.table.item(r, 1).text(): page.table.item(r, 0).text()
            for r in range(page.table.rowCount())}
    assert rows["Zoom in"].startswith("+") and rows["Fit song"] == "Ctrl+0"
    assert rows["Play / pause"] == "Space" and rows["Keyboard shortcuts"] == "F1"
    assert "Ctrl+wheel" in page.table.item(page.table.rowCount() - 7, 0).text()
