"""The song as a picture: the bar ruler, the sections, the energy curve, and every lane's notes,
envelope and (on the vocal lane) syllables, drawn into a QImage.

A 3-minute song is thousands of notes, and the window's thread must answer within a frame, so
the picture is drawn in steps (drawing_steps yields after each): the view runs a few
milliseconds of them at a time between other events. (A thread of its own does not help:
Qt's calls hand the interpreter back and forth so often that the window's thread waited up to
60 ms for it, measured.) The steps read only the SongFrame they were given (what the view
shows when they began), so the view may change meanwhile; a picture of a frame that is no
longer current is drawn again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from studio.engine.model import Composition
from studio.ui.lyric_layout import place_words, sung_words
from studio.ui.song_geometry import (
    CURVE_H,
    LANE_H,
    NAME_W,
    RULER_H,
    SECTION_H,
    energy_handles,
    section_rects,
)
from studio.ui.waveforms import Envelopes, draw_envelope

SECTION_COLOURS = {
    "intro": "#5b7083", "verse": "#3f7cac", "pre-chorus": "#7a5ea8", "chorus": "#c0504d",
    "bridge": "#d08c32", "drop": "#c0504d", "breakdown": "#4f9a72", "outro": "#5b7083",
}
BACKGROUND = "#1e1f22"


@dataclass(frozen=True)
class SongFrame:
    """What one picture of the song shows."""

    composition: Composition | None
    selected: int | None
    pixels_per_bar: float
    width: int
    height: int
    envelopes: Envelopes | None
    lane_height: int = LANE_H

    @property
    def key(self) -> tuple:
        return (id(self.composition), self.selected, self.pixels_per_bar, self.width,
                self.height, id(self.envelopes), self.lane_height)


NOTES_PER_STEP = 600
SYLLABLES_PER_STEP = 120
LYRIC_POINTS = 7
LYRIC_ROOM = 28  # the pixels under the vocal notes kept for the rows of words


def draw_song(frame: SongFrame, font_family: str) -> QImage:
    """The whole picture at once (for a screenshot; the view draws it in steps)."""
    return deque(drawing_steps(frame, font_family), maxlen=1)[0]


def drawing_steps(frame: SongFrame, font_family: str) -> Iterator[QImage]:
    """Draw the picture a step at a time, yielding it after each step (whole once the steps
    run out). Each step is a few milliseconds at most."""
    picture = QImage(max(1, frame.width), max(1, frame.height),
                     QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(QColor(BACKGROUND))
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont(font_family, 9))
    try:
        if frame.composition is None:
            painter.setPen(QColor("#8a8f98"))
            painter.drawText(QRectF(0, 0, frame.width, frame.height),
                             Qt.AlignmentFlag.AlignCenter, "Write a prompt and press Generate")
        else:
            _ruler(painter, frame, font_family)
            _sections(painter, frame)
            _curve(painter, frame)
            yield picture
            yield from _lanes(painter, frame, font_family, picture)
    finally:
        painter.end()
    yield picture


def _ruler(painter: QPainter, frame: SongFrame, font_family: str) -> None:
    painter.setPen(QColor("#6c717a"))
    painter.setFont(QFont(font_family, 8))
    bars = sum(s.bars for s in frame.composition.sections)
    for bar in range(bars + 1):
        x = NAME_W + bar * frame.pixels_per_bar
        painter.drawLine(QPointF(x, RULER_H - (8 if bar % 4 == 0 else 4)), QPointF(x, RULER_H))
        if bar % 4 == 0:
            painter.drawText(QPointF(x + 2, RULER_H - 9), str(bar + 1))


def _sections(painter: QPainter, frame: SongFrame) -> None:
    sections = {s.id: s for s in frame.composition.sections}
    for section_id, rect in section_rects(frame.composition, frame.pixels_per_bar):
        section = sections[section_id]
        colour = QColor(SECTION_COLOURS.get(section.kind, "#607080"))
        if section_id == frame.selected:
            colour = colour.lighter(140)
        painter.fillRect(rect.adjusted(1, 1, -1, -1), colour)
        painter.setPen(QColor("#f0f0f0"))
        painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, section.kind)


def _curve(painter: QPainter, frame: SongFrame) -> None:
    top = RULER_H + SECTION_H
    path = QPainterPath()
    for index, (bar, energy) in enumerate(frame.composition.context.energy_curve):
        point = QPointF(NAME_W + bar * frame.pixels_per_bar, top + CURVE_H * (1 - energy))
        path.moveTo(point) if index == 0 else path.lineTo(point)
    painter.setPen(QPen(QColor("#e8c547"), 1.5))
    painter.drawPath(path)
    painter.setBrush(QColor("#e8c547"))
    for _section, _which, point in energy_handles(frame.composition, frame.pixels_per_bar):
        painter.drawEllipse(point, 2.5, 2.5)


def _lanes(painter: QPainter, frame: SongFrame, font_family: str,
           picture: QImage) -> Iterator[QImage]:
    song = frame.composition
    top, lane_h = RULER_H + SECTION_H + CURVE_H, frame.lane_height
    per_beat = frame.pixels_per_bar / song.context.meter.beats_per_bar
    starts = {sid: rect.left() for sid, rect in section_rects(song, frame.pixels_per_bar)}
    for row, name in enumerate(song.lanes):
        y = top + row * lane_h
        painter.fillRect(QRectF(0, y, frame.width, lane_h - 1),
                         QColor("#26282c" if row % 2 else "#232427"))
        painter.setPen(QColor("#c9ccd1"))
        painter.drawText(QRectF(4, y, NAME_W - 6, lane_h), Qt.AlignmentFlag.AlignVCenter, name)
        if frame.envelopes is not None and name in frame.envelopes.lanes:
            draw_envelope(painter, frame.envelopes, name,
                          QRectF(NAME_W, y, frame.width - NAME_W, lane_h - 1),
                          frame.pixels_per_bar / frame.envelopes.bins_per_bar)
        yield picture
        notes = [(sid, n) for (sid, lane), part in song.parts.items()
                 if lane == name and sid in starts for n in part.notes]
        if not notes:
            continue
        pitches = [n.pitch for _, n in notes]
        low, high = min(pitches), max(pitches)
        span = max(1, high - low)
        band = lane_h - (LYRIC_ROOM if name == "vocal" else 8)
        for first in range(0, len(notes), NOTES_PER_STEP):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#9ec1e0" if name != "vocal" else "#f2a65a"))
            painter.drawRects([
                QRectF(starts[sid] + note.start_beats * per_beat,
                       y + 4 + band * (1 - (note.pitch - low) / span) - 1.5,
                       max(1.5, note.duration_beats * per_beat), 3)
                for sid, note in notes[first:first + NOTES_PER_STEP]])
            yield picture
        if name == "vocal":
            yield from _syllables(painter, song, starts, per_beat, y + lane_h - 2, font_family,
                                  picture)


def _syllables(painter: QPainter, song: Composition, starts: dict[int, float],
               per_beat: float, bottom: float, font_family: str,
               picture: QImage) -> Iterator[QImage]:
    """The sung words under the vocal notes, whole, where they fit (lyric_layout)."""
    font = QFont(font_family, LYRIC_POINTS)
    metrics = QFontMetricsF(font)
    placed = place_words(sung_words(song, starts, per_beat), metrics.horizontalAdvance)
    for first in range(0, len(placed), SYLLABLES_PER_STEP):
        painter.setPen(QColor("#e6e6e6"))
        painter.setFont(font)
        for word in placed[first:first + SYLLABLES_PER_STEP]:
            baseline = bottom - metrics.descent() - word.row * metrics.height()
            painter.drawText(QPointF(word.x, baseline), word.text)
        yield picture
