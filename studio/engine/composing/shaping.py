"""Arrangement shaping of a generated part: what the section's place in the song asks of a
lane beyond its generator (rests, breaks, the ending).

    shape_part(composition, section, lane, notes) -> notes
"""

from __future__ import annotations

from studio.engine.model import Composition, Note, Section


def shape_part(composition: Composition, section: Section, lane: str,
               notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The lane's notes for the section as the arrangement shapes them."""
    return notes
