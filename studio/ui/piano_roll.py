"""The piano roll: one part's notes to add, move, resize, delete and change velocity.

Notes snap to a grid (a sixteenth by default). Click an empty cell to add a note, drag a note
to move it, drag its right edge to resize it, right-click or Delete to remove the one under the
pointer, the mouse wheel over a note to change its velocity. The edited notes leave through
`notes()`: the window sends them to the engine as one operation (set_notes).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.engine.model import Note

KEY_H, BEAT_W, EDGE_PX = 10, 48, 5
SNAPS = {"1/16": 0.25, "1/8": 0.5, "1/4": 1.0, "off": 0.0}


class PianoRoll(QWidget):
    changed = Signal()

    def __init__(self, notes: tuple[Note, ...], length_beats: float, low: int = 24,
                 high: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notes = list(notes)
        self.length_beats, self.low, self.high = length_beats, low, high
        self.snap = 0.25
        self._drag: tuple[int, str, float, float] | None = None  # note, move|resize, dx, dy
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(int(length_beats * BEAT_W) + 1, (high - low + 1) * KEY_H)

    def notes(self) -> tuple[Note, ...]:
        return tuple(sorted(self._notes, key=lambda n: (n.start_beats, n.pitch)))

    # -- geometry ------------------------------------------------------------------------------

    def rect_of(self, note: Note) -> QRectF:
        return QRectF(note.start_beats * BEAT_W, (self.high - note.pitch) * KEY_H,
                      note.duration_beats * BEAT_W, KEY_H)

    def point_of(self, beats: float, pitch: int) -> QPointF:
        return QPointF(beats * BEAT_W + 1, (self.high - pitch) * KEY_H + KEY_H / 2)

    def _beats(self, x: float) -> float:
        beats = max(0.0, min(self.length_beats, x / BEAT_W))
        return round(beats / self.snap) * self.snap if self.snap else beats

    def _pitch(self, y: float) -> int:
        return max(self.low, min(self.high, self.high - int(y // KEY_H)))

    def note_at(self, point: QPointF) -> int | None:
        for index in range(len(self._notes) - 1, -1, -1):
            if self.rect_of(self._notes[index]).contains(point):
                return index
        return None

    # -- editing -------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        point = event.position()
        index = self.note_at(point)
        if event.button() == Qt.MouseButton.RightButton:
            if index is not None:
                del self._notes[index]
                self.changed.emit()
                self.update()
            return
        if index is None:
            start = self._beats(point.x() - (BEAT_W * self.snap / 2 if self.snap else 0))
            length = self.snap or 0.25
            if start + length > self.length_beats:
                return
            self._notes.append(Note(self._pitch(point.y()), start, length, 90))
            index = len(self._notes) - 1
            self.changed.emit()
        rect = self.rect_of(self._notes[index])
        mode = "resize" if rect.right() - point.x() <= EDGE_PX else "move"
        self._drag = (index, mode, point.x() - rect.left(), 0.0)
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        index, mode, grab, _ = self._drag
        note, point = self._notes[index], event.position()
        if mode == "move":
            start = min(self._beats(point.x() - grab), self.length_beats - note.duration_beats)
            moved = replace(note, start_beats=max(0.0, start), pitch=self._pitch(point.y()))
        else:
            end = max(note.start_beats + (self.snap or 0.0625), self._beats(point.x()))
            moved = replace(note, duration_beats=min(end, self.length_beats) - note.start_beats)
        if moved != note:
            self._notes[index] = moved
            self.changed.emit()
            self.update()

    def mouseReleaseEvent(self, _event) -> None:
        self._drag = None

    def wheelEvent(self, event) -> None:
        index = self.note_at(event.position())
        if index is None:
            event.ignore()
            return
        note = self._notes[index]
        step = 8 if event.angleDelta().y() > 0 else -8
        self._notes[index] = replace(note, velocity=max(1, min(127, note.velocity + step)))
        self.changed.emit()
        self.update()

    # -- drawing -------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1e1f22"))
        for pitch in range(self.low, self.high + 1):
            if pitch % 12 in (1, 3, 6, 8, 10):
                painter.fillRect(QRectF(0, (self.high - pitch) * KEY_H, self.width(), KEY_H),
                                 QColor("#191a1c"))
        for beat in range(int(self.length_beats) + 1):
            painter.setPen(QColor("#3a3c42" if beat % 4 else "#5a5d66"))
            painter.drawLine(QPointF(beat * BEAT_W, 0), QPointF(beat * BEAT_W, self.height()))
        for note in self._notes:
            shade = 80 + int(175 * note.velocity / 127)
            painter.fillRect(self.rect_of(note).adjusted(0, 1, -1, -1),
                             QColor(shade // 2, shade * 3 // 4, shade))


class PianoRollDialog(QDialog):
    """The piano roll for one part, with a snap choice; accept to keep the edit."""

    def __init__(self, title: str, notes: tuple[Note, ...], length_beats: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        pitches = [n.pitch for n in notes] or [60]
        self.roll = PianoRoll(notes, length_beats, max(0, min(pitches) - 12),
                              min(127, max(pitches) + 12))
        snap = QComboBox()
        snap.addItems(list(SNAPS))
        snap.currentTextChanged.connect(lambda text: setattr(self.roll, "snap", SNAPS[text]))
        scroll = QScrollArea()
        scroll.setWidget(self.roll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("Snap"))
        row.addWidget(snap)
        row.addStretch()
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(scroll)
        column.addWidget(buttons)
        self.resize(900, 520)
