"""The arrangement's scroll area, zoomed and scrolled as in a DAW: Ctrl+wheel (and + / -)
zooms time around the pointer, so the bar under it stays under it; Shift+wheel scrolls
sideways; Fit song shows the whole song across the view; lanes grow taller or shorter.
The View menu's actions do the same from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QScrollArea, QWidget

from studio.ui.song_geometry import NAME_W
from studio.ui.song_view import SongView

ZOOM_STEP = 1.25  # one wheel notch or one key press
LANE_STEP_PX = 16
WHEEL_NOTCH = 120  # angle delta of one notch


class Timeline(QScrollArea):
    def __init__(self, view: SongView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWidgetResizable(True)
        self.setWidget(view)
        # the lane names are drawn at the visible left edge: all of it is painted again
        self.horizontalScrollBar().valueChanged.connect(lambda _value: view.update())

    # -- zoom and scroll -----------------------------------------------------------------------

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom time by `factor` around `anchor_x` (pixels in the visible area; the pointer
        when it is over the view, else the middle): the song's time there stays there."""
        if anchor_x is None:
            anchor_x = self._pointer_x()
        scroll = self.horizontalScrollBar()
        bar = self.view.bar_at(anchor_x + scroll.value())
        self.view.set_zoom(self.view.pixels_per_bar * factor)
        self._fit_widget()
        scroll.setValue(round(self.view.x_of_bar(bar) - anchor_x))

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def fit_song(self) -> None:
        """The whole song across the visible width."""
        song = self.view.composition
        if song is None:
            return
        bars = max(1, sum(s.bars for s in song.sections))
        self.view.set_zoom((self.viewport().width() - NAME_W - 20) / bars)
        self._fit_widget()
        self.horizontalScrollBar().setValue(0)

    def set_lane_height(self, pixels: int) -> None:
        self.view.set_lane_height(pixels)
        self._fit_widget()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.view.tail_px != self.viewport().width():  # any bar can sit under the pointer
            self.view.tail_px = self.viewport().width()
            self.view.show_song(self.view.composition)

    def wheelEvent(self, event) -> None:
        modifiers = event.modifiers()
        notches = event.angleDelta().y() / WHEEL_NOTCH or event.angleDelta().x() / WHEEL_NOTCH
        if modifiers & Qt.KeyboardModifier.ControlModifier and notches:
            self.zoom(ZOOM_STEP ** notches, event.position().x())
        elif modifiers & Qt.KeyboardModifier.ShiftModifier and notches:
            scroll = self.horizontalScrollBar()
            scroll.setValue(round(scroll.value() - notches * scroll.singleStep() * 3))
        else:
            super().wheelEvent(event)
            return
        event.accept()

    def _pointer_x(self) -> float:
        pointer = self.viewport().mapFromGlobal(self.cursor().pos())
        if self.viewport().rect().contains(pointer):
            return float(pointer.x())
        return self.viewport().width() / 2

    def _fit_widget(self) -> None:
        """Resize the view to its new least size now, so the scroll range is its own before
        the scroll bar is set (the layout would do it only at the next event)."""
        viewport = self.viewport().size()
        self.view.resize(max(self.view.minimumWidth(), viewport.width()),
                         max(self.view.minimumHeight(), viewport.height()))

    def visible_bar(self, x: float) -> float:
        """The bar shown at x pixels from the visible area's left edge."""
        return self.view.bar_at(self.view.mapFrom(self.viewport(), QPoint(round(x), 0)).x())

    # -- actions -------------------------------------------------------------------------------

    def add_actions(self, menu: QMenu) -> None:
        """The View menu: zoom in and out, fit song, taller and shorter lanes."""
        for text, keys, slot, tip in (
                ("Zoom in", ("+", "Ctrl+="), self.zoom_in,
                 "Zoom time in around the pointer (or Ctrl+wheel)"),
                ("Zoom out", ("-", "Ctrl+-"), self.zoom_out,
                 "Zoom time out around the pointer (or Ctrl+wheel)"),
                ("Fit song", ("Ctrl+0",), self.fit_song, "Show the whole song across the view"),
                ("Taller lanes", ("Ctrl+Shift+Up",),
                 lambda: self.set_lane_height(self.view.lane_height + LANE_STEP_PX),
                 "Make every lane's row taller"),
                ("Shorter lanes", ("Ctrl+Shift+Down",),
                 lambda: self.set_lane_height(self.view.lane_height - LANE_STEP_PX),
                 "Make every lane's row shorter")):
            action = QAction(text, menu, triggered=slot)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setToolTip(tip)
            menu.addAction(action)


__all__ = ["Timeline"]
