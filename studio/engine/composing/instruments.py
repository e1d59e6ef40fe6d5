"""Instruments by name: the General MIDI programs and drum kits of resources/instruments.toml,
the instruments a prompt asks for, and which lane each of them plays in a given style.

read_instruments() reads "with a fiddle", "slap bass and horns", "808s", "nylon guitar instead
of piano", "replace the piano with an organ", "without the banjo" and "with brushes" out of a
prompt's scan (prompt._Scan: its lower-case `text`, and `blank(match)`), blanking what it
reads. A request names a program or a kit and the lane it plays in when nothing says
otherwise; choose() settles the requests against a style's lanes: an instrument whose lane
the style has replaces that lane's program, one whose lane it lacks adds the lane, and
"X instead of Y" puts X on the lane that plays Y.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from studio.engine import resources

# When a prompt names two instruments for one lane, the second plays in the first of these
# that no other named instrument has taken (a sax and a fiddle: the fiddle joins as strings).
FALLBACK_LANES = {"lead": ("strings", "horns", "pad"), "keys": ("pad", "strings", "lead"),
                  "horns": ("lead", "strings"), "strings": ("pad", "horns"),
                  "pad": ("strings", "keys"), "bass": ()}
_ARTICLE = r"(?:(?:the|a|an|some|any|my|its)\s+)?"


@dataclass(frozen=True)
class Instrument:
    """One General MIDI program: its 0-based number, name, family and usual lane."""

    program: int
    name: str
    family: str
    lane: str


@dataclass(frozen=True)
class InstrumentRequest:
    """An instrument a prompt asks for. `program` is a General MIDI program, or `kit` a drum
    kit (bank 128 preset). `action` is "add" (play it: on its lane, replacing the program
    there when the style has the lane), "replace" (on the lane that plays `instead_of`, a
    word as said) or "remove" (leave out the lane that plays it). A `generic` word ("guitar",
    "strings") is satisfied by any instrument of its family already on its lane."""

    said: str
    lane: str
    program: int | None = None
    kit: int | None = None
    action: str = "add"
    instead_of: str = ""
    generic: bool = False


@dataclass(frozen=True)
class Choice:
    """What a prompt's requests make of a style: lane -> program where it differs from the
    style (or the lane is new), the drum kit (None: the style's), the lanes added and the
    lanes left out."""

    programs: dict[str, int] = field(default_factory=dict)
    drum_kit: int | None = None
    added: tuple[str, ...] = ()
    removed: frozenset[str] = frozenset()


class Scan(Protocol):
    text: str

    def blank(self, match: re.Match) -> None: ...


@cache
def programs() -> tuple[Instrument, ...]:
    """The 128 programs in General MIDI order."""
    rows = resources.table("instruments")["programs"]
    return tuple(Instrument(int(n), row["name"], row["family"], row["lane"])
                 for n, row in sorted(rows.items(), key=lambda item: int(item[0])))


def program(number: int) -> Instrument:
    return programs()[number]


def families() -> dict[str, tuple[Instrument, ...]]:
    """The programs by family, families in General MIDI order (for a menu)."""
    grouped: dict[str, list[Instrument]] = {}
    for instrument in programs():
        grouped.setdefault(instrument.family, []).append(instrument)
    return {family: tuple(items) for family, items in grouped.items()}


@cache
def kits() -> dict[int, str]:
    """Drum kit preset -> its name ("tr-808")."""
    return {int(row["program"]): name for name, row in resources.table("instruments")["kits"]
            .items()}


@cache
def _names() -> dict[str, tuple[InstrumentRequest, ...]]:
    """Squashed alias -> what it names (a program, a kit, or both: "808s")."""
    table = resources.table("instruments")
    named: dict[str, list[InstrumentRequest]] = {}
    for number, row in table["programs"].items():
        for alias in row["aliases"]:
            named.setdefault(_squash(alias), []).append(
                InstrumentRequest(alias, row["lane"], int(number)))
    for word, number in table["generic"].items():
        named.setdefault(_squash(word), []).append(
            InstrumentRequest(word, program(number).lane, int(number), generic=True))
    for row in table["kits"].values():
        for alias in row["aliases"]:
            named.setdefault(_squash(alias), []).append(
                InstrumentRequest(alias, "drums", kit=int(row["program"])))
    # spellings that squash alike ("synth bass", "synth-bass") name one thing once
    return {alias: tuple({(r.program, r.kit): r for r in reversed(requests)}.values())[::-1]
            for alias, requests in named.items()}


def _lane_words() -> dict[str, str]:
    return {_squash(w): lane for w, lane in resources.table("prompt_words")["lanes"].items()}


def named(said: str) -> tuple[InstrumentRequest, ...]:
    """What a word or phrase names, as requests to play it; () when it names nothing. A
    plural is read as its singular."""
    found = _names()
    word = _squash(said)
    for candidate, ending in ((word, ""), (word[:-1], "s"), (word[:-2], "es")):
        if candidate in found and word.endswith(ending):
            return found[candidate]
    return ()


@cache
def names_pattern(with_lanes: bool = False, generic: bool = True) -> str:
    """A regex matching any instrument name, plurals included; also the lane words ("the
    keys") `with_lanes`; without the generic words ("strings", "guitar") unless `generic`."""
    words = [r.said for rs in _names().values() for r in rs if generic or not r.generic]
    words += list(resources.table("prompt_words")["lanes"]) if with_lanes else []
    return rf"(?<![\w-])(?:{_alternation(words)})(?:e?s)?(?![\w-])"


def fallback_lanes(request: InstrumentRequest) -> tuple[str, ...]:
    """Where an instrument plays when its own lane is taken: a wind or brass instrument
    joins the horns before the strings, any other the strings first."""
    lanes = FALLBACK_LANES.get(request.lane, ())
    if request.program is not None and program(request.program).family in ("reed", "brass"):
        lanes = tuple(sorted(lanes, key=lambda lane: lane != "horns"))
    return lanes


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    new, old = names_pattern(), names_pattern(with_lanes=True)
    swaps = re.compile(
        rf"\b(?:replace|swap|switch|trade|exchange|change)(?:\s+out)?\s+{_ARTICLE}"
        rf"(?P<old>{old})\s+(?:with|for|by|to|into)\s+{_ARTICLE}(?P<new>{new})"
        rf"|(?P<new2>{new})\s*,?\s+(?:instead\s+of|in\s+place\s+of|rather\s+than|replacing)"
        rf"\s+{_ARTICLE}(?P<old2>{old})"
        rf"|\b(?:instead\s+of|rather\s+than)\s+{_ARTICLE}(?P<old3>{old})\s*,?\s+"
        rf"(?:(?:use|play|have|with|try)\s+)?{_ARTICLE}(?P<new3>{new})")
    negated = re.compile(rf"\b(?:no|without|minus|w/o|skip)\s+{_ARTICLE}(?P<new>{new})")
    plain = re.compile(rf"(?P<new>{new})")
    return swaps, negated, plain, re.compile(old)


def read_instruments(scan: Scan, protected: re.Pattern | None = None
                     ) -> tuple[InstrumentRequest, ...]:
    """The instruments a prompt asks for, in the order said, each read phrase blanked out.
    A name inside a longer match of `protected` (a style's name: "brass band") is left for
    that reader; a longer name wins ("jazz guitar" over "jazz")."""
    swaps, negated, plain, _ = _patterns()
    keep = [m.span() for m in protected.finditer(scan.text)] if protected is not None else []
    found: list[tuple[int, InstrumentRequest]] = []
    for pattern, action in ((swaps, "replace"), (negated, "remove"), (plain, "add")):
        for match in list(pattern.finditer(scan.text)):
            if _inside(match.span(), keep):
                continue
            new = match["new"] or match.groupdict().get("new2") or match.groupdict().get("new3")
            old = next((match.groupdict().get(g) for g in ("old", "old2", "old3")
                        if match.groupdict().get(g)), "")
            for request in named(new):
                found.append((match.start(), _as(request, action, old)))
            scan.blank(match)
    return tuple(request for _, request in sorted(found, key=lambda item: item[0]))


def _as(request: InstrumentRequest, action: str, old: str) -> InstrumentRequest:
    if action == "replace":
        return InstrumentRequest(request.said, request.lane, request.program, request.kit,
                                 "replace", old)
    return InstrumentRequest(request.said, request.lane, request.program, request.kit, action,
                             generic=request.generic)


def _inside(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    start, end = span
    return any(s < end and start < e and e - s >= end - start for s, e in protected)


def lane_playing(said: str, lanes: dict[str, int], *, by_name: bool = True) -> str | None:
    """The lane of `lanes` (lane -> program) that plays what a word names: the lane with that
    very program, else one with a program of its family, else (`by_name`) the lane the word
    names ("the keys", "piano") or the instrument's own; None when none does."""
    requests = [r for r in named(said) if r.program is not None]
    for request in requests:
        for lane, number in lanes.items():
            if number == request.program and lane != "drums":
                return lane
    for request in requests:
        family = program(request.program).family
        for lane, number in lanes.items():
            if lane != "drums" and program(number).family == family:
                return lane
    if not by_name:
        return None
    lane = _lane_words().get(_squash(said)) or _lane_words().get(_squash(said)[:-1])
    if lane is not None:
        return lane
    return requests[0].lane if requests else None


def plays(request: InstrumentRequest, lanes: dict[str, int]) -> bool:
    """Whether a generic request is already met: its lane plays an instrument of its kind."""
    number = lanes.get(request.lane)
    return (request.generic and number is not None and request.lane != "drums"
            and program(number).family == program(request.program).family)


def choose(requests: tuple[InstrumentRequest, ...], style_lanes: dict[str, int],
           excluded: frozenset[str] = frozenset()) -> Choice:
    """The programs, kit and lanes a style plays once a prompt's requests are honoured. A
    lane the prompt left out ("no drums") stays out whatever is asked of it."""
    lanes = {lane: number for lane, number in style_lanes.items() if lane not in excluded}
    chosen: dict[str, int] = {}
    kit, removed = None, set()
    for request in requests:
        if request.kit is not None:
            if "drums" not in excluded:
                kit = request.kit
                lanes.setdefault("drums", 0)
            continue
        if request.action == "remove":
            lane = lane_playing(request.said, lanes, by_name=False)
            if lane is not None:
                removed.add(lane)
                del lanes[lane]
            continue
        if request.action == "replace":
            lane = lane_playing(request.instead_of, lanes) or request.lane
        elif plays(request, lanes):
            continue
        else:
            lane = request.lane
            free = [lane, *fallback_lanes(request)]
            lane = next((candidate for candidate in free if candidate not in chosen), lane)
        if lane in excluded or lane == "drums":
            continue
        chosen[lane] = lanes[lane] = request.program
    programs_ = {lane: number for lane, number in chosen.items()
                 if style_lanes.get(lane) != number or lane not in style_lanes}
    added = tuple(lane for lane in lanes if lane not in style_lanes)
    return Choice(programs_, kit, added, frozenset(removed))


def _alternation(words) -> str:
    """A regex alternation of words, longest first; a space or hyphen matches either."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.sub(r"\\[ -]", r"[\\s-]?", re.escape(w)) for w in ordered)


def _squash(phrase: str) -> str:
    return re.sub(r"[\s-]+", "", phrase.lower())
