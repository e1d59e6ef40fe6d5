"""Rhythmic feel shared by every lane: swing of the off-beat eighths, from the genre blend."""

from __future__ import annotations

from studio.engine import resources
from studio.engine.model import CompositionContext


def swing_amount(context: CompositionContext) -> float:
    """0 straight .. 1 full triplet swing, the blend-weighted swing of the context's genres."""
    if context.meter.is_compound:
        return 0.0
    return sum(resources.genre(g)["swing"] * w for g, w in context.genre_blend.items())


def swing_beats(position_beats: float, amount: float) -> float:
    """Move an off-beat eighth (x.5 of a beat) later by up to a triplet's worth.

    Positions that are not on an off-beat eighth are returned unchanged, so a straight
    sixteenth grid keeps its downbeats.
    """
    whole = int(position_beats // 1)
    fraction = position_beats - whole
    if amount <= 0 or abs(fraction - 0.5) > 1e-6:
        return position_beats
    return whole + 0.5 + amount * (2.0 / 3.0 - 0.5)
