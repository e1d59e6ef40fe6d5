"""Help: the tooltip of every control of the window's top rows, and the keyboard-shortcuts
page, made from the window's own actions (so it lists what the keys really do) and the
mouse gestures of the arrangement."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# the window's attribute -> what hovering it says
TOOLTIPS = {
    "prompt": "What the song is: style, mood, tempo, key, length, what it is about "
              "(Return generates)",
    "seed": "The same prompt and seed make the same song; another seed, another take",
    "length": "The song's length as M:SS or seconds (Return generates)",
    "generate_button": "Write a whole song from the prompt, seed and length (Return)",
    "cancel_button": "Stop the running job; nothing changes",
    "progress": "How far the running job is",
    "refine_box": "Change the song in words: \"more energy in the chorus, darker bridge\" "
                  "(Return applies)",
    "refine_button": "Apply the words in the Refine box as one new version (Return)",
    "play_button": "Play or pause from the playhead (Space)",
    "stop_button": "Stop and go back to the start",
    "loop_box": "Loop the selected section while playing",
    "position_label": "Where the playhead is: bar:beat and time",
    "song_facts": "The song's key, tempo and meter",
}

GESTURES = (
    ("Ctrl+wheel", "Zoom time around the pointer"),
    ("Shift+wheel", "Scroll the arrangement sideways"),
    ("Click the ruler", "Play from there"),
    ("Drag a section / its right edge", "Move it / change its length"),
    ("Drag an energy point", "Set the energy at a section's start or end"),
    ("Double-click a part", "Edit its notes (the vocal lane: its lyrics)"),
    ("Hover the vocal lane", "The whole line sung there"),
)


def add_tooltips(window) -> None:
    for name, text in TOOLTIPS.items():
        widget = getattr(window, name, None)
        if widget is not None:
            widget.setToolTip(text)


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of the window that has a shortcut, then the
    mouse gestures."""
    rows, seen = [], set()
    for action in window.findChildren(QAction):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in action.shortcuts() if not k.isEmpty())
        what = action.text().replace("&", "").rstrip("…").strip()
        if keys and what and (keys, what) not in seen:
            seen.add((keys, what))
            rows.append((keys, what))
    return rows + list(GESTURES)


class ShortcutsPage(QDialog):
    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # made anew at each opening
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.table)
        column.addWidget(buttons)
        self.resize(560, 520)
