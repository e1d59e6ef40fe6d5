"""The vocabulary of refine in words: how an instruction splits into clauses and which words
of a clause name a phrase, a section or a lane.

Everything here comes from resources: the phrases and filler words of refine.toml, section
kinds from sections.toml, lane and mode words from prompt_words.toml, mood words from
moods.toml, instrument names from instruments.toml. A word that is read is blanked out, so
what is left over is exactly what no table accounts for.
"""

from __future__ import annotations

import re
from functools import cache

from studio.engine import resources
from studio.engine.composing import instruments

_GAP = "\x00"  # stands in for words already read, so no pattern matches across them


def clauses(text: str) -> list[str]:
    """The clauses of an instruction, in lower case and in order. A piece that only names
    sections or lanes ("..., and the bridge") belongs to the clause before it."""
    found: list[str] = []
    text = text.lower().translate(str.maketrans("♯♭–—’", "#b--'")).strip(" .!?")
    for piece in re.split(words()["clauses"]["split"], text):
        if not piece.strip():
            continue
        if found and names_only(piece):
            found[-1] = f"{found[-1]} and {piece.strip()}"
        else:
            found.append(piece.strip())
    return found


def names_only(piece: str) -> bool:
    mentions, rest = take(section_pattern(), piece)
    lanes, rest = take(lane_pattern(), rest)
    return bool(mentions or lanes) and not leftover(rest)


def take(pattern: re.Pattern, text: str) -> tuple[list[re.Match], str]:
    """Every match of a pattern, and the text with them blanked out."""
    matches = list(pattern.finditer(text))
    for match in matches:
        text = blank(text, *match.span())
    return matches, text


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + _GAP * (end - start) + text[end:]


def leftover(text: str) -> list[str]:
    """The words of a (partly blanked) clause that are not filler."""
    filler = set(words()["filler"]["words"].split())
    return [w for w in re.findall(r"[\w'#-]+", text) if w.strip("-'") and w not in filler]


def lane_of(word: str) -> str:
    """The lane a lane word names ("piano" -> keys)."""
    return _lane_words()[squash(word)]


def section_kind(word: str) -> str:
    """The section kind a section word names ("prechorus", "middle 8" -> pre-chorus, bridge)."""
    aliases = {squash(k): v for k, v in words()["sections"]["aliases"].items()}
    return aliases.get(squash(word), word.replace(" ", "-"))


def section_number(said: str) -> int:
    """1 for "first", "one" or "1"; -1 for "last"."""
    table = words()["sections"]
    return int(said) if said.isdigit() else {**table["ordinals"], **table["numbers"]}[said]


def mood_word(said: str) -> tuple[str, dict]:
    """The moods.toml word a said mood word or comparative stands for, and its row."""
    moods = resources.table("moods")["words"]
    comparatives = words()["mood"]["comparatives"]
    plain = {squash(w): w for w in [*moods, *comparatives]}[squash(said)]
    base = comparatives.get(plain, plain)
    return base, moods[base]


def modes() -> dict[str, str]:
    return resources.table("prompt_words")["modes"]


@cache
def words() -> dict:
    return resources.table("refine")


@cache
def phrases() -> dict[str, tuple[re.Pattern, dict]]:
    """Each phrase's compiled pattern, with {modes}, {mood} and the instrument names filled
    in, and its row, in the order of refine.toml (the first that matches a clause reads it)."""
    mood = words()["mood"]
    moods = [w for w in resources.table("moods")["words"] if w not in mood["not_moods"]]
    fill = {"{modes}": alternation(modes()),
            "{mood}": alternation([*moods, *mood["comparatives"]]),
            "{instruments}": instruments.names_pattern(),
            "{played}": instruments.names_pattern(with_lanes=True),
            "{instrument_only}": instruments.names_pattern(generic=False)}
    compiled = {}
    for name, row in words()["phrases"].items():
        pattern = row["pattern"]
        for hole, alternatives in fill.items():
            pattern = pattern.replace(hole, alternatives)
        compiled[name] = (re.compile(pattern), row)
    return compiled


@cache
def section_pattern() -> re.Pattern:
    """"the chorus", "choruses", "chorus 2", "the second verse", "verse two", "last chorus"."""
    table = words()["sections"]
    kinds = alternation([*resources.table("sections"), *table["aliases"]])
    return re.compile(
        rf"\b(?:(?P<ordinal>{alternation(table['ordinals'])})\s+)?(?P<kind>{kinds})(?:e?s)?\b"
        rf"(?:\s+(?P<number>\d{{1,2}}|{alternation(table['numbers'])})\b)?")


@cache
def lane_pattern() -> re.Pattern:
    lanes = resources.table("prompt_words")["lanes"]
    return re.compile(rf"(?<![\w-])(?:{alternation(lanes)})(?![\w-])")


@cache
def _lane_words() -> dict[str, str]:
    return {squash(w): lane for w, lane in resources.table("prompt_words")["lanes"].items()}


def alternation(options) -> str:
    """A regex alternation of words, longest first; a space or hyphen matches either."""
    ordered = sorted(set(options), key=lambda w: (-len(w), w))
    return "|".join(re.sub(r"\\[ -]", r"[\\s-]?", re.escape(w)) for w in ordered)


def squash(phrase: str) -> str:
    return re.sub(r"[\s-]+", "", phrase)
