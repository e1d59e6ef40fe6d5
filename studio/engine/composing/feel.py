"""Rhythmic feel: swing of the off-beat eighths shared by every lane (from the genre blend),
and how a style's drummer plays against the beat (resources/grooves.toml [drum_feel])."""

from __future__ import annotations

from dataclasses import dataclass

from studio.engine import resources
from studio.engine.model import CompositionContext

DRUM_KINDS = ("kick", "backbeat", "hats", "toms", "cymbals", "percussion")
_KINDS = {35: "kick", 36: "kick", 37: "backbeat", 38: "backbeat", 39: "backbeat",
          40: "backbeat", 42: "hats", 44: "hats", 46: "hats", 51: "hats", 53: "hats",
          59: "hats", 41: "toms", 43: "toms", 45: "toms", 47: "toms", 48: "toms", 50: "toms",
          49: "cymbals", 52: "cymbals", 55: "cymbals", 57: "cymbals"}


@dataclass(frozen=True)
class DrumFeel:
    """How a style's drummer plays: fills, ghost notes, sixteenth swing and timing."""

    fills: str  # toms | snare | hats | soft
    ghosts: float  # ghost notes a bar at full energy
    loud_ghosts: float  # the share of them left in the loudest sections
    swing16: float  # 0 straight .. 1 off-beat sixteenths a triplet sixteenth late
    jitter_ms: float
    timing_ms: dict[str, float]  # drum kind -> offset from the beat, later is laid back


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


def swing16_beats(position_beats: float, amount: float) -> float:
    """Move an off-beat sixteenth (x.25 or x.75 of a beat) later by up to a triplet
    sixteenth's worth; other positions are returned unchanged."""
    whole = int(position_beats // 1)
    fraction = position_beats - whole
    if amount <= 0 or min(abs(fraction - 0.25), abs(fraction - 0.75)) > 1e-6:
        return position_beats
    return position_beats + amount * 0.25 / 3.0


def drum_kind(note: int) -> str:
    """The kind of drum a General MIDI drum note is (the rest is percussion)."""
    return _KINDS.get(note, "percussion")


def drum_feel(genre: str) -> DrumFeel:
    """The drum feel of a style: the table's default, its family's, then its own."""
    table = resources.table("grooves")["drum_feel"]
    rows = [table["default"], table["family"].get(resources.genre(genre)["family"], {}),
            table["style"].get(genre, {})]
    merged: dict = {}
    timing: dict[str, float] = {}
    for row in rows:
        merged.update(row)
        timing.update(row.get("timing_ms", {}))
    timing["kick"] = 0.0  # the kick is the anchor the bass locks to
    return DrumFeel(str(merged["fills"]), float(merged["ghosts"]),
                    float(merged["loud_ghosts"]), float(merged["swing16"]),
                    float(merged["jitter_ms"]), timing)


def ms_to_beats(ms: float, tempo_bpm: float) -> float:
    return ms / 1000.0 * tempo_bpm / 60.0
