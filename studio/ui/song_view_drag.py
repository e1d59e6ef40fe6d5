"""Editing the arrangement by dragging in the song view: a section block dragged sideways
moves it, its right edge dragged resizes it, a point of the energy curve dragged up or down
sets the energy at that section's start or end. While the mouse is held only a preview is
drawn; letting go emits one operation, for the window to run as one undoable version.

ArrangementDrag is a part of SongView (kept apart to keep the view's module small): it uses
the view's geometry (section_rects, pixels_per_bar) and signals.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from studio.ui.song_geometry import CURVE_H, RULER_H, SECTION_H, energy_handles

EDGE_PX, HANDLE_PX = 5, 6  # grab widths


class ArrangementDrag:
    """Press, move and release on the arrangement's blocks and the energy curve."""

    def energy_handles(self) -> list[tuple[int, str, QPointF]]:
        return energy_handles(self.composition, self.pixels_per_bar)

    def _energy_at(self, y: float) -> float:
        return round(min(1.0, max(0.05, 1 - (y - RULER_H - SECTION_H) / CURVE_H)), 2)

    def _drag_target(self) -> float | None:
        """What letting go now would do: the new index of a moved section, the new bars of a
        resized one, the energy of a dragged point; None when it changes nothing."""
        drag = self._drag
        rects = dict(self.section_rects())
        rect = rects[drag["section"]]
        dx = drag["x"] - drag["from_x"]
        if drag["kind"] == "move":
            centre = rect.center().x() + dx
            others = [r for sid, r in rects.items() if sid != drag["section"]]
            target = sum(1 for r in others if r.center().x() < centre)
            return None if target == list(rects).index(drag["section"]) else target
        if drag["kind"] == "resize":
            bars = max(1, min(64, round((rect.width() + dx) / self.pixels_per_bar)))
            return None if bars == round(rect.width() / self.pixels_per_bar) else bars
        energy = self._energy_at(drag["y"])
        return None if abs(energy - drag["energy"]) < 0.01 else energy

    def _draw_drag(self, painter: QPainter) -> None:
        drag = self._drag
        rect = dict(self.section_rects())[drag["section"]]
        dx = drag["x"] - drag["from_x"]
        painter.setPen(QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(255, 255, 255, 50))
        if drag["kind"] == "move":
            painter.drawRect(rect.translated(dx, 0))
        elif drag["kind"] == "resize":
            bars = max(1, min(64, round((rect.width() + dx) / self.pixels_per_bar)))
            painter.drawRect(QRectF(rect.left(), rect.top(), bars * self.pixels_per_bar,
                                    rect.height()))
        else:
            y = RULER_H + SECTION_H + CURVE_H * (1 - self._energy_at(drag["y"]))
            painter.drawEllipse(QPointF(drag["handle_x"], y), 4, 4)

    def _press_drag(self, point: QPointF) -> bool:
        """Start a drag if the press is on a section block or an energy point."""
        near = [(abs(h.x() - point.x()) + abs(h.y() - point.y()), sid, which, h)
                for sid, which, h in self.energy_handles()
                if abs(h.x() - point.x()) <= HANDLE_PX and abs(h.y() - point.y()) <= HANDLE_PX]
        if near:  # the nearest: a section's start and the previous one's end sit close
            _distance, section_id, which, handle = min(near, key=lambda n: n[0])
            energy = 1 - (handle.y() - RULER_H - SECTION_H) / CURVE_H
            self._drag = {"kind": "energy", "section": section_id, "which": which,
                          "energy": round(energy, 2), "handle_x": handle.x(),
                          "from_x": point.x(), "x": point.x(), "y": point.y()}
            return True
        for section_id, rect in self.section_rects():
            if rect.contains(point):
                kind = "resize" if rect.right() - point.x() <= EDGE_PX else "move"
                self._drag = {"kind": kind, "section": section_id, "from_x": point.x(),
                              "x": point.x(), "y": point.y()}
                return True
        return False

    def mouseMoveEvent(self, event) -> None:
        point = event.position()
        if self._drag is not None:
            self._drag["x"], self._drag["y"] = point.x(), point.y()
            self.update()
            return
        on_edge = any(abs(r.right() - point.x()) <= EDGE_PX and r.top() <= point.y() <=
                      r.bottom() for _, r in self.section_rects())
        self.setCursor(Qt.CursorShape.SizeHorCursor if on_edge else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is None:
            return
        self._drag["x"], self._drag["y"] = event.position().x(), event.position().y()
        drag, target = self._drag, self._drag_target()
        self._drag = None
        self.update()
        if target is None:
            return
        if drag["kind"] == "move":
            self.actionRequested.emit("move_section", (drag["section"], target))
        elif drag["kind"] == "resize":
            self.actionRequested.emit("set_section_bars", (drag["section"], target))
        else:
            self.operationRequested.emit("set_section_energy", (drag["section"],),
                                         {drag["which"]: target})
