"""The window's Help menu opens the About box: the version and the NOTICE's licences."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

import studio
from studio.ui.about_dialog import AboutDialog
from studio.ui.main_window import StudioWindow


def test_the_help_menu_shows_the_version_and_the_licences(qtbot, tmp_path):
    window = StudioWindow(tmp_path / "song.ensemble")
    window.show()
    try:
        help_menu = next(action.menu() for action in window.menuBar().actions()
                         if action.text() == "&Help")
        about = next(a for a in help_menu.actions() if a.text() == "&About Ensemble Studio")
        about.trigger()
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, AboutDialog) and w.isVisible())
        assert studio.__version__ in dialog.version.text()
        notice = dialog.notice.toPlainText()
        assert "GNU General Public License" in notice and "Flite 2.2" in notice
        assert dialog.notice.isReadOnly()
        dialog.close()
    finally:
        window.close()
        window.deleteLater()
        qtbot.wait(10)
