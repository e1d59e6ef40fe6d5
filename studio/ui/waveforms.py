"""Waveforms of the rendered lanes: a min/max envelope per lane, computed once per render
(off the window's thread: numpy's reductions let go of the GIL) and drawn from then on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter

BINS_PER_BAR = 32  # fine enough for 2 px per bin at a wide zoom
ENVELOPE_ARGB = (70 << 24) | (120 << 16) | (150 << 8) | 170  # a faint blue-grey band


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
    """One lane's envelope as a filled band around the middle of `rect`, from its left edge:
    made as an image by numpy (a pixel column at a time would be thousands of calls)."""
    low, high = found.lanes[lane]
    columns = min(int(rect.width()), int(np.ceil(len(high) * pixels_per_bin)))
    rows = int(rect.height())
    if columns <= 0 or rows <= 0 or len(high) == 0:
        return
    # the bins under each pixel column (a bin wider than a column serves several)
    first = np.minimum((np.arange(columns) / pixels_per_bin).astype(np.int64), len(high) - 1)
    lows, highs = np.minimum.reduceat(low, first), np.maximum.reduceat(high, first)
    peak = max(1e-6, float(max(-low.min(), high.max())))
    middle, half = rows / 2, rows / 2 - 2
    tops, bottoms = middle - highs / peak * half, middle - lows / peak * half
    ys = np.arange(rows)[:, np.newaxis] + 0.5
    inside = (ys >= tops) & (ys <= bottoms)
    pixels = np.where(inside, np.uint32(ENVELOPE_ARGB), np.uint32(0)).astype(np.uint32)
    image = QImage(pixels.data, columns, rows, columns * 4, QImage.Format.Format_ARGB32)
    painter.drawImage(QPointF(rect.left(), rect.top()), image)
