"""What every operation shares: the Change it returns, a copy of the song to change, and
finding and naming the sections and lanes it is asked about."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from studio.engine.model import Composition, Part, Section

KEEP = object()  # "leave as it is", where None has a meaning of its own


@dataclass(frozen=True)
class Change:
    """What an operation did: its kind and message for the version, and the (section, lane)
    parts whose audio is stale. `all_audio` marks a change every render depends on (tempo)."""

    kind: str
    message: str
    stale: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    all_audio: bool = False


def copy_song(composition: Composition) -> Composition:
    """A new composition object sharing the immutable sections and parts."""
    song = copy.copy(composition)
    song.sections = list(composition.sections)
    song.parts = dict(composition.parts)
    song.lyrics = dict(composition.lyrics)
    song.lanes = {name: copy.copy(lane) for name, lane in composition.lanes.items()}
    return song


def find_section(composition: Composition, section_id: int) -> Section:
    for section in composition.sections:
        if section.id == section_id:
            return section
    raise ValueError(f"no section with id {section_id}")


def check_lane(composition: Composition, lane: str) -> str:
    if lane not in composition.lanes:
        raise ValueError(f"no {lane} lane in this song (lanes: {', '.join(composition.lanes)})")
    return lane


def section_label(composition: Composition, item: Section | Part) -> str:
    """'chorus 2': a section named by kind and its number among sections of that kind."""
    section_id = item.id if isinstance(item, Section) else item.section_id
    section = find_section(composition, section_id)
    same = [s.id for s in composition.sections if s.kind == section.kind]
    return f"{section.kind} {same.index(section.id) + 1}" if len(same) > 1 else section.kind


def sung_parts(song: Composition) -> frozenset[tuple[int, str]]:
    """Every section the vocal lane sings in."""
    return frozenset((s.id, "vocal") for s in song.sections if (s.id, "vocal") in song.parts)
