"""The About box: the studio's version and the licences of the data and libraries it carries
(the NOTICE file), as `studio --version` prints them."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from studio.engine import about


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {about.NAME}")
        self.version = QLabel(f"<b>{about.version_line()}</b>")
        self.notice = QPlainTextEdit(about.notice_text(), readOnly=True)
        self.notice.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.version)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)
        self.resize(760, 560)
