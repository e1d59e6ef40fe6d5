"""Waveforms of the rendered lanes: a min/max envelope per lane, computed once per render
(off the window's thread: numpy's reductions let go of the GIL) and drawn from then on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath

BINS_PER_BAR = 32  # fine enough for 2 px per bin at a wide zoom


@dataclass(frozen=True)
class Envelopes:
    """Per lane, the lowest and highest sample of each bin (both channels), (2, bins)."""

    lanes: dict[str, np.ndarray]
    bins_per_bar: int


def envelopes(wet: Mapping[str, np.ndarray], samples_per_bar: float,
              bins_per_bar: int = BINS_PER_BAR) -> Envelopes:
    """The envelopes of rendered lanes (each (2, samples) float32)."""
    hop = max(1, int(round(samples_per_bar / bins_per_bar)))
    lanes = {}
    for name, audio in wet.items():
        bins = audio.shape[1] // hop
        if bins == 0:
            continue
        body = np.asarray(audio[:, :bins * hop]).reshape(2, bins, hop)
        low = body.min(axis=2).min(axis=0)
        high = body.max(axis=2).max(axis=0)
        lanes[name] = np.stack([low, high]).astype(np.float32)
    return Envelopes(lanes, bins_per_bar)


def draw_envelope(painter: QPainter, found: Envelopes, lane: str, rect: QRectF,
                  pixels_per_bin: float) -> None:
    """One lane's envelope as a filled band around the middle of `rect`."""
    low, high = found.lanes[lane]
    peak = max(1e-6, float(max(-low.min(), high.max())))
    middle, half = rect.center().y(), rect.height() / 2 - 2
    step = max(1, int(1 / pixels_per_bin))  # no more points than pixels
    xs = rect.left() + np.arange(0, len(high), step) * pixels_per_bin
    path = QPainterPath()
    tops = middle - high[::step] / peak * half
    path.moveTo(QPointF(xs[0], middle))
    for x, y in zip(xs, tops, strict=True):
        path.lineTo(QPointF(float(x), float(y)))
    for x, y in zip(xs[::-1], (middle - low[::step] / peak * half)[::-1], strict=True):
        path.lineTo(QPointF(float(x), float(y)))
    path.closeSubpath()
    painter.save()
    painter.setPen(QColor(0, 0, 0, 0))
    painter.setBrush(QColor(120, 150, 170, 70))
    painter.drawPath(path)
    painter.restore()
