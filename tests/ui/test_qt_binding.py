"""The Qt binding itself: PySide6 6.12.0 dropped a reference to None on every QLabel.setText
and every paint, so a window that shows its playback position ran None's count down until
the interpreter crashed. pyproject.toml keeps that release out; this guards it."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QWidget


class _Painted(QWidget):
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#123456"))
        painter.drawText(10, 10, "x")


def test_setting_text_and_painting_keep_none_alive(qtbot):
    label, painted = QLabel(), _Painted()
    qtbot.addWidget(label)
    qtbot.addWidget(painted)
    painted.resize(100, 100)
    painted.show()
    before = sys.getrefcount(None)
    for number in range(500):
        label.setText(str(number))
        painted.repaint()
    assert sys.getrefcount(None) - before > -50  # 6.12.0 loses 1000 here
