"""The piano roll: one part's notes to add, move, resize, delete and change velocity.

Notes snap to a grid (a sixteenth by default). Click an empty cell to add a note, drag a note
to move it, drag its right edge to resize it, right-click or Delete to remove the one under the
pointer, the mouse wheel over a note to change its velocity. The edited notes leave through
`notes()`: the window sends them to the engine as one operation (set_notes).

The vocal lane's notes carry the lyrics' syllables, so its roll shows them with their words
and does not move them: a click selects a note, and the row under it sets how that note is
sung (its vibrato and glide, as a share of the voice's), sent as set_note_expressions.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.engine.edit.operations import VOICE_RANGES
from studio.engine.model import Note, Voice

KEY_H, BEAT_W, EDGE_PX = 10, 48, 5
SNAPS = {"1/16": 0.25, "1/8": 0.5, "1/4": 1.0, "off": 0.0}


class PianoRoll(QWidget):
    changed = Signal()
    noteSelected = Signal(int)  # the index of the note clicked, in the notes given

    def __init__(self, notes: tuple[Note, ...], length_beats: float, low: int = 24,
                 high: int = 96, parent: QWidget | None = None, *, editable: bool = True,
                 labels: dict[int, str] | None = None) -> None:
        super().__init__(parent)
        self._notes = list(notes)
        self.length_beats, self.low, self.high = length_beats, low, high
        self.editable, self.labels = editable, labels or {}
        self.selected: int | None = None
        self.marked: set[int] = set()  # notes drawn as sung their own way
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
        if not self.editable:
            if index is not None and event.button() == Qt.MouseButton.LeftButton:
                self.select(index)
            return
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

    def select(self, index: int) -> None:
        self.selected = index
        self.noteSelected.emit(index)
        self.update()

    def wheelEvent(self, event) -> None:
        index = self.note_at(event.position())
        if index is None or not self.editable:
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
        for index, note in enumerate(self._notes):
            shade = 80 + int(175 * note.velocity / 127)
            rect = self.rect_of(note).adjusted(0, 1, -1, -1)
            painter.fillRect(rect, QColor(shade, shade * 3 // 4, shade // 3)
                             if index in self.marked else QColor(shade // 2, shade * 3 // 4, shade))
            if index == self.selected:
                painter.setPen(QPen(QColor("#ffffff"), 2))
                painter.drawRect(rect)
            if index in self.labels:
                painter.setPen(QColor("#d8d8d8"))
                painter.drawText(rect.bottomLeft() + QPointF(1, KEY_H), self.labels[index])


class PianoRollDialog(QDialog):
    """The piano roll for one part, with a snap choice; accept to keep the edit."""

    def __init__(self, title: str, notes: tuple[Note, ...], length_beats: float,
                 parent: QWidget | None = None, *, voice: Voice | None = None,
                 section_id: int | None = None, labels: dict[int, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        pitches = [n.pitch for n in notes] or [60]
        self.roll = PianoRoll(notes, length_beats, max(0, min(pitches) - 12),
                              min(127, max(pitches) + 12), editable=voice is None,
                              labels=labels)
        self.expression = (ExpressionRow(self.roll, voice, section_id) if voice is not None
                           else None)
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
        for widget in (QLabel("Snap"), snap):
            row.addWidget(widget)
            widget.setVisible(self.roll.editable)  # the vocal's notes stay where the words are
        row.addStretch()
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(scroll)
        if self.expression is not None:
            column.addWidget(self.expression)
        column.addWidget(buttons)
        self.resize(900, 520)


class ExpressionRow(QWidget):
    """How the selected vocal note is sung: its vibrato depth and its glide into it, in
    percent of the voice's; "The voice's" gives the note the voice's own back."""

    def __init__(self, roll: PianoRoll, voice: Voice, section_id: int) -> None:
        super().__init__()
        self.roll, self.voice = roll, voice
        self.original = {n.note_index: (n.vibrato, n.portamento) for n in voice.notes
                         if n.section_id == section_id}
        self.expressions = dict(self.original)  # note index -> (vibrato, portamento) or None
        self.note = QLabel("Click a note to shape how it is sung")
        self.vibrato, self.glide = (self._spin(name) for name in ("vibrato", "portamento"))
        self.vibrato.valueChanged.connect(lambda value: self._edit(0, value / 100))
        self.glide.valueChanged.connect(lambda value: self._edit(1, value / 100))
        self.reset = QPushButton("The voice's", clicked=self._reset)
        row = QHBoxLayout(self)
        for widget in (self.note, QLabel("Vibrato"), self.vibrato, QLabel("Glide"),
                       self.glide, self.reset):
            row.addWidget(widget)
        row.addStretch()
        roll.noteSelected.connect(self.show_note)
        roll.marked = set(self.expressions)
        self._enable(False)

    def _spin(self, name: str) -> QSpinBox:
        low, high = VOICE_RANGES[name]
        return QSpinBox(minimum=round(low * 100), maximum=round(high * 100), suffix=" %",
                        singleStep=10)

    def _enable(self, on: bool) -> None:
        for widget in (self.vibrato, self.glide, self.reset):
            widget.setEnabled(on)

    def show_note(self, index: int) -> None:
        vibrato, glide = self.expressions.get(index, (None, None))
        for spin, value, own in ((self.vibrato, vibrato, self.voice.vibrato),
                                 (self.glide, glide, self.voice.portamento)):
            spin.blockSignals(True)
            spin.setValue(round(100 * (own if value is None else value)))
            spin.blockSignals(False)
        self.note.setText(f"Note {index + 1}" + (" (its own)" if index in self.expressions
                                                  else " (the voice's)"))
        self._enable(True)

    def _edit(self, which: int, value: float) -> None:
        index = self.roll.selected
        if index is None:
            return
        values = list(self.expressions.get(index, (None, None)))
        values[which] = value
        self.expressions[index] = (values[0], values[1])
        self._changed(index)

    def _reset(self) -> None:
        if self.roll.selected is not None:
            self.expressions.pop(self.roll.selected, None)
            self._changed(self.roll.selected)
            self.show_note(self.roll.selected)

    def _changed(self, index: int) -> None:
        self.roll.marked = set(self.expressions)
        self.note.setText(f"Note {index + 1}" + (" (its own)" if index in self.expressions
                                                  else " (the voice's)"))
        self.roll.changed.emit()
        self.roll.update()

    def edits(self) -> list[dict]:
        """What changed, as set_note_expressions takes it (None: the voice's own again)."""
        result = []
        for index in sorted(set(self.original) | set(self.expressions)):
            now = self.expressions.get(index, (None, None))
            if now != self.original.get(index, (None, None)):
                result.append({"note_index": index, "vibrato": now[0], "portamento": now[1]})
        return result
