"""The song view's rows, in pixels: the bar ruler, the section blocks, the energy curve, one
row per lane, and the column of lane names."""

RULER_H, SECTION_H, CURVE_H, LANE_H, NAME_W = 22, 34, 40, 64, 70

__all__ = ["CURVE_H", "LANE_H", "NAME_W", "RULER_H", "SECTION_H"]
