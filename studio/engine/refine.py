"""Refine in words: an instruction such as "more energy in the chorus and sparser drums in
verse 2" becomes concrete operations on the song.

The instruction is split into clauses; each clause is matched against the phrases in
resources/refine.toml and names its targets (sections by kind and number, lanes by name).
What no phrase matches is reported back, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.engine import operations, resources
from studio.engine.model import Composition, Key
from studio.engine.operations import Change

_KINDS = r"intro|verse|pre-?chorus|chorus|bridge|drop|breakdown|outro"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_TARGET = re.compile(
    rf"(?:the\s+)?(?:(?P<ordinal>first|second|third|fourth|fifth|last)\s+)?"
    rf"(?P<kind>{_KINDS})(?P<plural>e?s)?(?:\s+(?P<number>\d+))?\b")
_SPLIT = re.compile(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b)\s*")


@dataclass
class RefineResult:
    composition: Composition
    changes: list[Change] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "; ".join(c.message for c in self.changes)


def refine(composition: Composition, text: str) -> RefineResult:
    """Apply an instruction in words, clause by clause, in order."""
    result = RefineResult(composition)
    for clause in [c for c in _SPLIT.split(text.lower().strip(" .!")) if c]:
        try:
            applied = _apply(result.composition, clause)
        except ValueError as error:
            result.not_understood.append(f"{clause} ({error})")
            continue
        if applied is None:
            result.not_understood.append(clause)
            continue
        result.composition, change = applied
        result.changes.append(change)
    return result


def _apply(song: Composition, clause: str):
    words = resources.table("refine")
    lane = _lane(clause)
    targets = _targets(song, clause)
    for name, handler in _HANDLERS:
        match = re.search(words[name]["pattern"], clause)
        if match:
            return handler(song, clause, match, targets, lane, words[name])
    return None


def _energy(song, clause, match, targets, lane, row):
    delta = row["delta"] if match.group("direction") in row["more"] else -row["delta"]
    return _each(song, targets, lambda s, sid: operations.shape_section(s, sid,
                                                                        energy_delta=delta))


def _shade(song, clause, match, targets, lane, row):
    darker = match.group("direction") in row["darker"]
    offset = -row["offset"] if darker else row["offset"]
    # Unnamed sections mean the whole song: every section is shaded.
    return _each(song, targets, lambda s, sid: operations.shape_section(
        s, sid, valence_offset=offset))


def _density(song, clause, match, targets, lane, row):
    if lane is None or lane not in song.lanes:
        raise ValueError("name a lane of the song: " + ", ".join(song.lanes))
    factor = row["sparser"] if match.group("direction") in row["thinner"] else row["busier"]
    return _each(song, targets, lambda s, sid: operations.shape_section(
        s, sid, density={lane: factor}, lanes=[lane]))


def _half_time(song, clause, match, targets, lane, row):
    lanes = [name for name in ("drums", "bass") if name in song.lanes]
    return _each(song, targets, lambda s, sid: operations.shape_section(
        s, sid, feel="half-time", lanes=lanes))


def _add_lane(song, clause, match, targets, lane, row):
    if lane is None:
        raise ValueError("name the instrument to add")
    return operations.add_lane(song, lane)


def _mute(song, clause, match, targets, lane, row):
    if lane is None or lane not in song.lanes:
        raise ValueError("name a lane of the song: " + ", ".join(song.lanes))
    return operations.set_lane_mix(song, lane, mute=True)


def _tempo(song, clause, match, targets, lane, row):
    if match.group("bpm"):
        return operations.change_tempo(song, float(match.group("bpm")))
    factor = 1 + row["step"] if match.group("direction") in row["up"] else 1 - row["step"]
    return operations.change_tempo(song, round(song.context.tempo_bpm * factor))


def _key(song, clause, match, targets, lane, row):
    tonic = match.group("tonic").upper() + match.group("accidental").replace("♯", "#")
    return operations.change_key(song, Key(tonic, match.group("mode")))


def _regenerate(song, clause, match, targets, lane, row):
    if lane is not None and lane in song.lanes:
        return _each(song, targets, lambda s, sid: operations.vary_lane(s, sid, lane))
    if not _names_sections(clause):
        raise ValueError("name the section to regenerate")
    return _each(song, targets, operations.regenerate_section)


_HANDLERS = (
    ("regenerate", _regenerate), ("add", _add_lane), ("mute", _mute), ("key", _key),
    ("tempo", _tempo), ("energy", _energy), ("density", _density),
    ("half_time", _half_time), ("shade", _shade),
)


def _each(song: Composition, section_ids: list[int], operation):
    """One operation on several sections, as one change."""
    changes = []
    for section_id in section_ids:
        song, change = operation(song, section_id)
        changes.append(change)
    if not changes:
        raise ValueError("no such section in this song")
    stale = frozenset().union(*(c.stale for c in changes))
    return song, Change(changes[0].kind, "; ".join(c.message for c in changes), stale)


def _names_sections(clause: str) -> bool:
    return _TARGET.search(clause) is not None


def _targets(song: Composition, clause: str) -> list[int]:
    """The sections a clause names; every section when it names none."""
    match = _TARGET.search(clause)
    if match is None:
        return [s.id for s in song.sections]
    kind = match.group("kind").replace("prechorus", "pre-chorus")
    same = [s.id for s in song.sections if s.kind == kind]
    number = match.group("number") or match.group("ordinal")
    if number is None:
        return same
    if number == "last":
        return same[-1:]
    index = int(number) if number.isdigit() else _ORDINALS[number]
    if not 1 <= index <= len(same):
        raise ValueError(f"the song has {len(same)} {kind} section(s), not {index}")
    return [same[index - 1]]


def _lane(clause: str) -> str | None:
    words = resources.table("prompt_words")["lanes"]
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"\b{re.escape(word)}\b", clause):
            return words[word]
    return None
