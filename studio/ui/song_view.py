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

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QWidget

from studio.engine import resources
from studio.engine.model import Composition
from studio.ui.song_geometry import CURVE_H, LANE_H, NAME_W, RULER_H, SECTION_H
from studio.ui.song_view_drag import ArrangementDrag
from studio.ui.waveforms import Envelopes, draw_envelope

SECTION_COLOURS = {
    "intro": "#5b7083", "verse": "#3f7cac", "pre-chorus": "#7a5ea8", "chorus": "#c0504d",
    "bridge": "#d08c32", "drop": "#c0504d", "breakdown": "#4f9a72", "outro": "#5b7083",
}


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
        self.playhead_s = 0.0
        self._picture: QPixmap | None = None
        self._picture_key: tuple = ()
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
        self.setMinimumSize(int(NAME_W + bars * self.pixels_per_bar + 20),
                            RULER_H + SECTION_H + CURVE_H + lanes * LANE_H + 10)
        self._picture = None
        self.update()

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
        rects, x = [], float(NAME_W)
        for section in self.composition.sections if self.composition else ():
            width = section.bars * self.pixels_per_bar
            rects.append((section.id, QRectF(x, RULER_H, width, SECTION_H)))
            x += width
        return rects

    def section_at(self, point: QPointF) -> int | None:
        for section_id, rect in self.section_rects():
            if rect.left() <= point.x() < rect.right():
                return section_id
        return None

    def lane_at(self, point: QPointF) -> str | None:
        if self.composition is None:
            return None
        row = int((point.y() - RULER_H - SECTION_H - CURVE_H) // LANE_H)
        lanes = list(self.composition.lanes)
        return lanes[row] if 0 <= row < len(lanes) else None

    # -- drawing -------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        """The song as drawn once into a picture (kept until the song, the selection, the
        zoom or the size changes), then the playhead over it: a moving playhead costs a
        copy of two thin strips, not a walk over every note."""
        painter = QPainter(self)
        key = (id(self.composition), self.selected, self.pixels_per_bar, self.size().toTuple(),
               id(self.envelopes))
        if self._picture is None or self._picture_key != key:
            self._picture, self._picture_key = self._draw_song(), key
        painter.drawPixmap(0, 0, self._picture)
        if self.composition is not None:
            x = self._x_of_seconds(self.playhead_s)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
            if self._drag is not None:
                self._draw_drag(painter)

    def show_envelopes(self, envelopes: Envelopes | None) -> None:
        """The rendered lanes' envelopes (None while there are none for this song)."""
        self.envelopes = envelopes
        self.update()

    def _draw_song(self) -> QPixmap:
        picture = QPixmap(self.size())
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1e1f22"))
        if self.composition is None:
            painter.setPen(QColor("#8a8f98"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Write a prompt and press Generate")
        else:
            self._ruler(painter)
            self._sections(painter)
            self._curve(painter)
            self._lanes(painter)
        painter.end()
        return picture

    def _ruler(self, painter: QPainter) -> None:
        painter.setPen(QColor("#6c717a"))
        painter.setFont(QFont(painter.font().family(), 8))
        bars = sum(s.bars for s in self.composition.sections)
        for bar in range(bars + 1):
            x = NAME_W + bar * self.pixels_per_bar
            painter.drawLine(QPointF(x, RULER_H - (8 if bar % 4 == 0 else 4)), QPointF(x, RULER_H))
            if bar % 4 == 0:
                painter.drawText(QPointF(x + 2, RULER_H - 9), str(bar + 1))

    def _sections(self, painter: QPainter) -> None:
        for section_id, rect in self.section_rects():
            section = next(s for s in self.composition.sections if s.id == section_id)
            colour = QColor(SECTION_COLOURS.get(section.kind, "#607080"))
            if section_id == self.selected:
                colour = colour.lighter(140)
            painter.fillRect(rect.adjusted(1, 1, -1, -1), colour)
            painter.setPen(QColor("#f0f0f0"))
            painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             section.kind)

    def _curve(self, painter: QPainter) -> None:
        top = RULER_H + SECTION_H
        path = QPainterPath()
        for index, (bar, energy) in enumerate(self.composition.context.energy_curve):
            point = QPointF(NAME_W + bar * self.pixels_per_bar, top + CURVE_H * (1 - energy))
            path.moveTo(point) if index == 0 else path.lineTo(point)
        painter.setPen(QPen(QColor("#e8c547"), 1.5))
        painter.drawPath(path)
        painter.setBrush(QColor("#e8c547"))
        for _section, _which, point in self.energy_handles():
            painter.drawEllipse(point, 2.5, 2.5)

    def _lanes(self, painter: QPainter) -> None:
        top = RULER_H + SECTION_H + CURVE_H
        beats_per_bar = self.composition.context.meter.beats_per_bar
        per_beat = self.pixels_per_bar / beats_per_bar
        starts = {sid: rect.left() for sid, rect in self.section_rects()}
        vocals = self.composition.vocals()
        small = QFont(painter.font().family(), 7)
        for row, name in enumerate(self.composition.lanes):
            y = top + row * LANE_H
            painter.fillRect(QRectF(0, y, self.width(), LANE_H - 1),
                             QColor("#26282c" if row % 2 else "#232427"))
            painter.setPen(QColor("#c9ccd1"))
            painter.drawText(QRectF(4, y, NAME_W - 6, LANE_H), Qt.AlignmentFlag.AlignVCenter,
                             name)
            if self.envelopes is not None and name in self.envelopes.lanes:
                draw_envelope(painter, self.envelopes, name, QRectF(NAME_W, y, self.width(),
                                                                     LANE_H - 1),
                              self.pixels_per_bar / self.envelopes.bins_per_bar)
            notes = [(sid, n) for (sid, lane), part in self.composition.parts.items()
                     if lane == name and sid in starts for n in part.notes]
            if not notes:
                continue
            pitches = [n.pitch for _, n in notes]
            low, high = min(pitches), max(pitches)
            span = max(1, high - low)
            band = LANE_H - (28 if name == "vocal" else 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#9ec1e0" if name != "vocal" else "#f2a65a"))
            for sid, note in notes:
                x = starts[sid] + note.start_beats * per_beat
                ny = y + 4 + band * (1 - (note.pitch - low) / span)
                painter.drawRect(QRectF(x, ny - 1.5, max(1.5, note.duration_beats * per_beat), 3))
            if name == "vocal":
                painter.setPen(QColor("#e6e6e6"))
                painter.setFont(small)
                for sid, vocal in vocals.items():
                    for line in vocal.lyrics.lines:
                        for index, syllable in enumerate(line.syllables):
                            note = vocal.notes[syllable.note_index]
                            x = starts[sid] + note.start_beats * per_beat
                            # two baselines, so neighbouring syllables do not overprint
                            baseline = y + LANE_H - (12 if index % 2 else 3)
                            painter.drawText(QPointF(x, baseline), syllable.text)

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
