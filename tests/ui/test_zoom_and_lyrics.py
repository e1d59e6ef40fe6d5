"""The arrangement zooms and scrolls like a DAW (Ctrl+wheel and + / - around the pointer,
Shift+wheel sideways, Fit song, lane heights), and the lyrics under the vocal notes are whole
words that never overlap, at any zoom, with the whole line on hover."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QCursor, QFont, QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QApplication

from studio import engine
from studio.ui.lyric_layout import place_words, sung_words
from studio.ui.song_drawing import LYRIC_POINTS
from studio.ui.song_geometry import CURVE_H, RULER_H, SECTION_H, section_rects

ZOOMS = (4.0, 8.0, 16.0, 28.0, 56.0, 112.0, 224.0, 480.0)


def wheel(timeline, x: float, y: float, notches: float, modifiers) -> None:
    """A wheel turned over the timeline's visible area at (x, y) with the keys held."""
    point = QPointF(x, y)
    event = QWheelEvent(point, QPointF(timeline.viewport().mapToGlobal(point.toPoint())),
                        QPoint(0, 0), QPoint(0, round(120 * notches)), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(timeline.viewport(), event)


def test_ctrl_wheel_and_keys_zoom_around_the_pointer(qtbot, small_song):
    window = small_song
    window.resize(1600, 1000)
    timeline, view = window.timeline, window.song_view
    timeline.fit_song()
    width = timeline.viewport().width()
    bars = sum(s.bars for s in window.composition.sections)
    assert 0.8 * width < view.x_of_bar(bars) <= width  # the whole song, across the view
    for x, notches in ((700, 3), (1200, 1), (300, -1), (900, -2), (450, 2)):
        before = timeline.visible_bar(x)
        ppb = view.pixels_per_bar
        wheel(timeline, x, 40, notches, Qt.KeyboardModifier.ControlModifier)
        assert view.pixels_per_bar == pytest.approx(ppb * 1.25 ** notches)
        assert timeline.visible_bar(x) == pytest.approx(before, abs=1.0 / view.pixels_per_bar)

    pointer = 520
    QCursor.setPos(timeline.viewport().mapToGlobal(QPoint(pointer, 60)))
    before, ppb = timeline.visible_bar(pointer), view.pixels_per_bar
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.pixels_per_bar == pytest.approx(ppb * 1.25)
    assert timeline.visible_bar(pointer) == pytest.approx(before, abs=1.0 / view.pixels_per_bar)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.pixels_per_bar == pytest.approx(ppb)

    scroll = timeline.horizontalScrollBar()
    start = scroll.value()
    wheel(timeline, 500, 40, -2, Qt.KeyboardModifier.ShiftModifier)
    assert scroll.value() > start and view.pixels_per_bar == pytest.approx(ppb)
    wheel(timeline, 500, 40, 2, Qt.KeyboardModifier.ShiftModifier)
    assert scroll.value() == start


def test_lanes_grow_taller_and_shorter(qtbot, small_song):
    window = small_song
    view = window.song_view
    height = view.lane_height
    grow = next(a for a in window.findChildren(QAction) if a.text() == "Taller lanes")
    grow.trigger()
    assert view.lane_height == height + 16
    vocal_row = list(window.composition.lanes).index("vocal")
    y = RULER_H + SECTION_H + CURVE_H + (vocal_row + 0.5) * view.lane_height
    assert view.lane_at(QPointF(200, y)) == "vocal"
    assert view.minimumHeight() >= RULER_H + SECTION_H + CURVE_H + len(
        window.composition.lanes) * view.lane_height


@pytest.fixture(scope="module")
def sung_song():
    return engine.compose("pop song about summer nights", 4, length_s=60)


def test_lyrics_never_overlap_at_any_zoom(qtbot, sung_song):
    metrics = QFontMetricsF(QFont(qtbot_font_family(), LYRIC_POINTS))
    line_words = {w for lyrics in sung_song.lyrics.values() for text in lyrics.texts
                  for w in text.split()}
    counts = []
    for ppb in ZOOMS:
        starts = {sid: rect.left() for sid, rect in section_rects(sung_song, ppb)}
        words = sung_words(sung_song, starts, ppb / sung_song.context.meter.beats_per_bar)
        placed = place_words(words, metrics.horizontalAdvance)
        rects = [QRectF(w.x, -w.row * metrics.height() - metrics.ascent(), w.width,
                        metrics.height()) for w in placed]
        for one, other in itertools.combinations(rects, 2):
            assert not one.intersects(other), (ppb, one, other)
        assert {w.text for w in placed} <= line_words  # whole words, never pieces
        counts.append(len(placed))
    assert counts[0] < len(words) // 2  # zoomed out, most words wait for hover or zoom
    assert counts[-1] == len(words)  # zoomed in, every word is there
    assert counts == sorted(counts)


def test_hovering_the_vocal_lane_says_the_whole_line(qtbot, small_song):
    window = small_song
    view = window.song_view
    song = window.composition
    vocal_row = list(song.lanes).index("vocal")
    y = RULER_H + SECTION_H + CURVE_H + (vocal_row + 0.5) * view.lane_height
    per_beat = view.pixels_per_bar / song.context.meter.beats_per_bar
    starts = {sid: rect.left() for sid, rect in view.section_rects()}
    word = sung_words(song, starts, per_beat)[3]
    assert view.tooltip_at(QPointF(word.x + 0.5, y)) == word.line
    assert "Ctrl+wheel" in view.tooltip_at(QPointF(word.x + 0.5, RULER_H + 5))


def qtbot_font_family() -> str:
    return QApplication.font().family()
