"""The song view's rows, in pixels: the bar ruler, the section blocks, the energy curve, one
row per lane, and the column of lane names; and where a song's sections and energy points sit
at a zoom (pure functions: the view and its drawing thread both use them)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from studio.engine.model import Composition

RULER_H, SECTION_H, CURVE_H, LANE_H, NAME_W = 22, 34, 40, 64, 70
HANDLE_SHIFT = 3  # an energy point's start and end handles are drawn this far apart

__all__ = ["CURVE_H", "HANDLE_SHIFT", "LANE_H", "NAME_W", "RULER_H", "SECTION_H",
           "energy_handles", "section_rects"]


def section_rects(song: Composition | None, pixels_per_bar: float) -> list[tuple[int, QRectF]]:
    """(section id, its block) in the song's order."""
    rects, x = [], float(NAME_W)
    for section in song.sections if song else ():
        width = section.bars * pixels_per_bar
        rects.append((section.id, QRectF(x, RULER_H, width, SECTION_H)))
        x += width
    return rects


def energy_handles(song: Composition | None,
                   pixels_per_bar: float) -> list[tuple[int, str, QPointF]]:
    """(section id, "start" or "end", where it is drawn) for each point of the energy curve;
    a section's start point sits a little right of its bar line, the end of the section before
    a little left, so both can be grabbed."""
    if song is None or len(song.context.energy_curve) != 2 * len(song.sections):
        return []
    top = RULER_H + SECTION_H
    handles = []
    for index, (bar, energy) in enumerate(song.context.energy_curve):
        which = "start" if index % 2 == 0 else "end"
        x = NAME_W + bar * pixels_per_bar + (HANDLE_SHIFT if which == "start"
                                             else -HANDLE_SHIFT)
        handles.append((song.sections[index // 2].id, which,
                        QPointF(x, top + CURVE_H * (1 - energy))))
    return handles
