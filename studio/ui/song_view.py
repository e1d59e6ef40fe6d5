"""The arrangement and its lanes, drawn: a bar ruler, sections as coloured blocks with the
energy curve under them, then one row per lane with each section's notes, and under the vocal
lane's notes the syllables they sing.

The view only shows the composition and says what the person picked: a section click emits
sectionSelected, the context menu emits actionRequested(operation name, arguments) for the
window to run through the engine, editRequested for the piano roll or a lyric edit, and a
click on the ruler seekRequested.
Double-clicking a section's vocal lane edits its lyrics; any other lane opens its notes.

Dragging edits the arrangement: a section block dragged sideways moves it (move_section),
its right edge dragged resizes it (set_section_bars), and a point of the energy curve dragged
up or down sets the energy at that section's start or end (set_section_energy). While the
mouse is held only a preview is drawn; letting go emits one operation (operationRequested).
Once the song is rendered, each lane shows its audio's envelope behind the notes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from studio.engine import resources
from studio.engine.model import Composition
from studio.ui.lyric_layout import line_at, sung_words
from studio.ui.song_drawing import BACKGROUND, SongFrame, drawing_steps
from studio.ui.song_geometry import (  # noqa: F401 - the rows' sizes, for the view's users
    CURVE_H,
    LANE_H,
    NAME_W,
    RULER_H,
    SECTION_H,
    section_rects,
)
from studio.ui.song_view_drag import ArrangementDrag
from studio.ui.waveforms import Envelopes

STEP_BUDGET_S = 0.004  # drawing the song's picture takes at most this at a time
ZOOM_RANGE = (4.0, 480.0)  # pixels per bar: a long song on one screen .. a beat's syllables
LANE_RANGE = (48, 160)  # a lane's height in pixels


class SongView(ArrangementDrag, QWidget):
    sectionSelected = Signal(int)
    actionRequested = Signal(str, tuple)
    editRequested = Signal(str, tuple)  # "notes" (section, lane) or "lyrics" (section,)
    seekRequested = Signal(int)  # a sample at the playback rate, from a click on the ruler
    operationRequested = Signal(str, tuple, dict)  # an edit with keyword arguments

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composition: Composition | None = None
        self.selected: int | None = None
        self.pixels_per_bar = 28.0
        self.lane_height = LANE_H
        self.tail_px = 0  # room after the song's end, so zooming there keeps the pointer's time
        self.playhead_s = 0.0
        self._picture: QImage | None = None
        self._picture_key: tuple = ()
        self._drawing_key: tuple | None = None
        self._steps: Iterator[QImage] | None = None
        self._drawn: QImage | None = None  # the picture the steps are drawing into
        self._stepper = QTimer(self, interval=0)  # draws the next steps when the thread is idle
        self._stepper.timeout.connect(self._step)
        self.sample_rate = 48000
        self.envelopes: Envelopes | None = None
        self._drag: dict | None = None  # kind (move, resize, energy), what, where the mouse is
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    def show_song(self, composition: Composition | None) -> None:
        self.composition = composition
        if composition is None or self.selected not in {s.id for s in composition.sections}:
            self.selected = None
        bars = sum(s.bars for s in composition.sections) if composition else 0
        lanes = len(composition.lanes) if composition else 0
        self.setMinimumSize(int(NAME_W + bars * self.pixels_per_bar + 20 + self.tail_px),
                            RULER_H + SECTION_H + CURVE_H + lanes * self.lane_height + 10)
        self.update()

    def set_zoom(self, pixels_per_bar: float) -> float:
        """Show a bar this many pixels wide (within ZOOM_RANGE); the width it got."""
        self.pixels_per_bar = float(min(ZOOM_RANGE[1], max(ZOOM_RANGE[0], pixels_per_bar)))
        self.show_song(self.composition)
        return self.pixels_per_bar

    def set_lane_height(self, pixels: int) -> None:
        """Every lane's row this many pixels tall (within LANE_RANGE)."""
        self.lane_height = int(min(LANE_RANGE[1], max(LANE_RANGE[0], pixels)))
        self.show_song(self.composition)

    def bar_at(self, x: float) -> float:
        """The song's time at x (pixels) in bars from its start."""
        return (x - NAME_W) / self.pixels_per_bar

    def x_of_bar(self, bar: float) -> float:
        return NAME_W + bar * self.pixels_per_bar

    # -- geometry ------------------------------------------------------------------------------

    def set_playhead(self, seconds: float) -> None:
        """Move the playhead: only the strips it leaves and enters are painted again."""
        if self.composition is None or abs(seconds - self.playhead_s) <= 1e-3:
            return
        before = self._x_of_seconds(self.playhead_s)
        self.playhead_s = seconds
        for x in (before, self._x_of_seconds(seconds)):
            self.update(int(x) - 2, 0, 5, self.height())

    def _x_of_seconds(self, seconds: float) -> float:
        bars = seconds * self.composition.context.tempo_bpm / 60.0 \
            / self.composition.context.meter.beats_per_bar
        return NAME_W + bars * self.pixels_per_bar

    def section_rects(self) -> list[tuple[int, QRectF]]:
        return section_rects(self.composition, self.pixels_per_bar)

    def section_at(self, point: QPointF) -> int | None:
        for section_id, rect in self.section_rects():
            if rect.left() <= point.x() < rect.right():
                return section_id
        return None

    def lane_at(self, point: QPointF) -> str | None:
        if self.composition is None:
            return None
        row = int((point.y() - RULER_H - SECTION_H - CURVE_H) // self.lane_height)
        lanes = list(self.composition.lanes)
        return lanes[row] if 0 <= row < len(lanes) else None

    # -- drawing -------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        """The song's picture (drawn in the drawing thread, kept until the song, the
        selection, the zoom or the size changes), then the playhead over it: a moving
        playhead costs a copy of two thin strips, not a walk over every note. Until the
        picture of what is shown now arrives, the one before stands in."""
        painter = QPainter(self)
        frame = self._frame()
        if self._picture_key != frame.key:
            self._draw_later(frame)
        if self._picture is not None:
            painter.drawImage(0, 0, self._picture)
        else:
            painter.fillRect(self.rect(), QColor(BACKGROUND))
        if self.composition is not None:
            self._draw_lane_names(painter)
            x = self._x_of_seconds(self.playhead_s)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
            if self._drag is not None:
                self._draw_drag(painter)

    def _draw_lane_names(self, painter: QPainter) -> None:
        """The lane names stay at the visible left edge when the song is scrolled sideways
        (the picture has them at the song's left edge)."""
        left = self.visibleRegion().boundingRect().left()
        if left <= 0:
            return
        top = RULER_H + SECTION_H + CURVE_H
        for row, name in enumerate(self.composition.lanes):
            y = top + row * self.lane_height
            painter.fillRect(QRectF(left, y, NAME_W, self.lane_height - 1),
                             QColor("#26282c" if row % 2 else "#232427"))
            painter.setPen(QColor("#c9ccd1"))
            painter.drawText(QRectF(left + 4, y, NAME_W - 6, self.lane_height),
                             Qt.AlignmentFlag.AlignVCenter, name)

    @property
    def picture_current(self) -> bool:
        """Whether the picture shown is of what the view shows now."""
        return self._picture is not None and self._picture_key == self._frame().key

    def show_envelopes(self, envelopes: Envelopes | None) -> None:
        """The rendered lanes' envelopes (None while there are none for this song)."""
        self.envelopes = envelopes
        self.update()

    def _frame(self) -> SongFrame:
        return SongFrame(self.composition, self.selected, self.pixels_per_bar, self.width(),
                         self.height(), self.envelopes, self.lane_height)

    def _draw_later(self, frame: SongFrame) -> None:
        """Start drawing the picture of `frame` in steps, between the thread's other events
        (a picture already on its way for another frame is given up)."""
        if self._drawing_key == frame.key:
            return
        self._drawing_key = frame.key
        self._steps = drawing_steps(frame, self.font().family())
        self._stepper.start()

    def _step(self) -> None:
        """Run the picture's steps for up to STEP_BUDGET_S, then give the thread back."""
        if self._steps is None:
            self._stepper.stop()
            return
        started = time.perf_counter()
        while time.perf_counter() - started <= STEP_BUDGET_S:
            step = next(self._steps, None)
            if step is None:  # the steps ran out: the last one's picture is whole
                self._stepper.stop()
                self._steps, key, self._drawing_key = None, self._drawing_key, None
                self._picture, self._picture_key = self._drawn, key
                self.update()
                return
            self._drawn = step

    # -- the person ----------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        point = event.position()
        if self.composition is not None and point.y() < RULER_H:
            bars = max(0.0, (point.x() - NAME_W) / self.pixels_per_bar)
            context = self.composition.context
            seconds = bars * context.meter.beats_per_bar * 60.0 / context.tempo_bpm
            self.seekRequested.emit(round(seconds * self.sample_rate))
            return
        if event.button() == Qt.MouseButton.LeftButton and self.composition is not None:
            self._press_drag(point)
        section_id = self.section_at(point)
        if section_id is not None and (self._drag is None or self._drag["kind"] != "energy"):
            self.selected = section_id
            self.sectionSelected.emit(section_id)
            self.update()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tooltip_at(self, point: QPointF) -> str:
        """What hovering says: on the vocal lane the whole line sung there (its words may not
        all fit under the notes), elsewhere how to use the view."""
        if self.composition is None:
            return ""
        if self.lane_at(point) == "vocal":
            per_beat = self.pixels_per_bar / self.composition.context.meter.beats_per_bar
            starts = {sid: rect.left() for sid, rect in self.section_rects()}
            line = line_at(sung_words(self.composition, starts, per_beat), point.x())
            if line:
                return line
        return ("Click the ruler to play from there; drag a section to move it, its right edge "
                "to resize it; double-click a part to edit it; Ctrl+wheel zooms, Shift+wheel "
                "scrolls")

    def mouseDoubleClickEvent(self, event) -> None:
        section_id, lane = self.section_at(event.position()), self.lane_at(event.position())
        if section_id is None or lane is None or self.composition is None:
            return
        if lane == "vocal":
            if section_id in self.composition.lyrics:
                self.editRequested.emit("lyrics", (section_id,))
        else:
            self.editRequested.emit("notes", (section_id, lane))

    def contextMenuEvent(self, event) -> None:
        menu = self.section_menu(QPointF(event.pos()))
        if menu is not None:
            menu.exec(event.globalPos())

    def section_menu(self, point: QPointF) -> QMenu | None:
        """The context menu of the section (and lane) at `point`; None off the sections."""
        section_id = self.section_at(point)
        if section_id is None or self.composition is None:
            return None
        self.selected = section_id
        self.sectionSelected.emit(section_id)
        lane = self.lane_at(point)
        menu = QMenu(self)
        menu.addAction("Regenerate section",
                       lambda: self.actionRequested.emit("regenerate_section", (section_id,)))
        if lane is not None:
            part = self.composition.parts.get((section_id, lane))
            menu.addAction(f"New variation of {lane}",
                           lambda: self.actionRequested.emit("vary_lane", (section_id, lane)))
            locked = part is not None and part.locked
            menu.addAction(f"{'Unlock' if locked else 'Lock'} {lane}", lambda: (
                self.actionRequested.emit("set_locked", (section_id, lane, not locked))))
        if lane is not None and lane != "vocal":
            menu.addAction(f"Edit {lane} notes…",
                           lambda: self.editRequested.emit("notes", (section_id, lane)))
        if section_id in self.composition.lyrics:
            menu.addAction("Edit lyrics…",
                           lambda: self.editRequested.emit("lyrics", (section_id,)))
            menu.addAction("New lyrics",
                           lambda: self.actionRequested.emit("regenerate_lyrics", (section_id,)))
        menu.addSeparator()
        menu.addAction("Duplicate section",
                       lambda: self.actionRequested.emit("duplicate_section", (section_id,)))
        menu.addAction("Delete section",
                       lambda: self.actionRequested.emit("delete_section", (section_id,)))
        index = [s.id for s in self.composition.sections].index(section_id)
        for label, at in (("Insert section before", index), ("Insert section after", index + 1)):
            submenu = menu.addMenu(label)
            for kind in resources.table("sections"):
                submenu.addAction(kind, lambda k=kind, a=at: self.operationRequested.emit(
                    "extend", (k,), {"at": a}))
        return menu
