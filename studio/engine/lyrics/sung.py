"""What a song has sung: which frame a line came from, how it opens and the stock phrases it
holds, with each style family's budget of them (resources/lyrics/templates.toml [cliches]).
The writer reads a song's earlier lines through these, so a frame, an opening or a stock
phrase is not spent twice.
"""

from __future__ import annotations

import re
from functools import cache

from studio.engine import resources
from studio.engine.lyrics.grammar import templates
from studio.engine.lyrics.words import words_of

OPENING_WORDS = 3


@cache
def frame_pattern(frame: str) -> re.Pattern:
    """A frame as a pattern its lines match, whatever words fill its slots."""
    pieces = re.split(r"\{\w+\}", frame)
    fixed = [re.escape(piece).replace(r"\ a\ ", r"\ an?\ ") for piece in pieces]
    fixed[0] = re.sub(r"^a\\ ", r"an?\\ ", fixed[0])
    return re.compile("(.+?)".join(fixed), re.IGNORECASE)


def telling(frame: str) -> bool:
    """Whether a frame has fixed words enough to tell its lines from others'."""
    fixed = re.sub(r"\{\w+\}", " ", frame).replace(",", " ").lower().split()
    return any(word not in ("the", "a", "an", "oh") for word in fixed)


def opening(line: str) -> str:
    """A line's first three words, lower case: what a listener hears it open with."""
    return " ".join(w.lower() for w in words_of(line)[:OPENING_WORDS])


def count_cliches(line: str) -> int:
    """How many stock phrases a line sings."""
    text = " " + " ".join(w.lower() for w in words_of(line)) + " "
    return sum(text.count(f" {phrase} ") for phrase in templates()["cliches"]["phrases"])


@cache
def cliche_budget(genre: str) -> int:
    """How many stock phrases a song of a style may sing, by the style's family."""
    style = resources.table("styles")["style"].get(genre, {})
    budgets = templates()["cliches"]["budget"]
    return budgets.get(style.get("family", ""), budgets["default"])


def fixed_opening(frame: str) -> bool:
    """Whether a frame's first words are fixed, so every line from it opens the same way."""
    return "{" not in " ".join(frame.split()[:OPENING_WORDS])
