"""What refine in words made of an instruction, said back to the person: the clauses it
acted on, the words it could not use, and the nearest things it can do instead.

The nearest things come from the sentence-embedding model that reads prompts by meaning
(composing.meaning): the words it could not use are compared with the mood words refine
understands ("calmer", "dreamier") and with the style library, so "a sunset on mars" comes
back as "calmer", "dreamier" and "sounds like ambient". Each suggested mood is checked
against the song with plan(), so only instructions refine would act on are offered.

    report = report_refine(song, result)
    print(report.text)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from studio.engine import resources
from studio.engine.composing.meaning import (
    MeaningError,
    display_name,
    load_meaning,
    sound_words,
)
from studio.engine.edit import vocabulary
from studio.engine.edit.instructions import RefineResult, plan
from studio.engine.model import Composition

__all__ = ["RefineReport", "report_refine", "unknown_words"]

SUGGESTIONS = 3  # mood words offered for the words refine could not use
_UNKNOWN = re.compile(r"\(not understood: ([^)]*)\)$")


@dataclass(frozen=True)
class RefineReport:
    """`used`: what each applied step did; `unknown`: the words no step accounts for;
    `suggestions`: instructions refine would act on, nearest in meaning to those words;
    `styles`: the library's styles nearest to them; `problems`: clauses understood but not
    possible for this song ("faster" at the fastest tempo)."""

    used: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)  # those holding the unknown words

    @property
    def changed(self) -> bool:
        return bool(self.used)

    @property
    def text(self) -> str:
        """One paragraph for a status bar or a terminal."""
        said = [f"Used: {'; '.join(self.used)}." if self.used
                else "Nothing changed: no version was made."]
        if self.unknown:
            where = "; ".join(f'"{clause}"' for clause in self.clauses)
            said.append(f"Could not use: {', '.join(self.unknown)} (in {where}).")
        if self.problems:
            said.append(f"Not done: {'; '.join(self.problems)}.")
        nearest = [f'"{s}"' for s in self.suggestions]
        if self.styles:
            nearest.append(f"sounds like {' or '.join(self.styles)}")
        if nearest:
            said.append(f"Nearest I can do: {', '.join(nearest)}.")
        return " ".join(said)


def report_refine(song: Composition, result: RefineResult) -> RefineReport:
    """The report of refine(song, text) -> result; the model is asked only when some words
    could not be used (it loads once per process)."""
    unknown: list[str] = []
    problems: list[str] = []
    clauses: list[str] = []
    for description in result.not_understood:
        words = unknown_words(description)
        if words:
            unknown += [w for w in words if w not in unknown]
            clauses.append(_UNKNOWN.sub("", description).strip())
        else:
            problems.append(description)
    # the whole clause is read for its meaning: "a sunset on mars", not "mars"
    suggestions, styles = nearest(song, ", ".join(clauses)) if clauses else ([], [])
    return RefineReport([c.message for c in result.changes], unknown, suggestions, styles,
                        problems, clauses)


def unknown_words(description: str) -> list[str]:
    """The words of a not-understood step that no table accounts for: those its description
    names, or (for a clause no phrase matched) every word that is not filler, a section or a
    lane. None for a clause that was understood but could not be done."""
    named = _UNKNOWN.search(description)
    if named is not None:
        return named.group(1).split()
    if description.endswith(")"):  # understood; the song refused it ("faster (...)")
        return []
    _, rest = vocabulary.take(vocabulary.section_pattern(), description)
    _, rest = vocabulary.take(vocabulary.lane_pattern(), rest)
    return vocabulary.leftover(rest)


def nearest(song: Composition, words: str) -> tuple[list[str], list[str]]:
    """(mood instructions refine acts on for this song, style names), nearest in meaning to
    `words`; both empty when the model is not there."""
    try:
        meaning = load_meaning()
    except MeaningError:
        return [], []
    vector = meaning.embedder.embed([sound_words(words)])[0]
    said, vectors = _mood_vectors()
    order = np.argsort(-(vectors @ vector), kind="stable")
    suggestions = []
    for index in order:
        if len(suggestions) == SUGGESTIONS:
            break
        steps = plan(song, said[index])
        if steps and all(step.operation is not None for step in steps):
            suggestions.append(said[index])
    styles = [display_name(name) for name, _ in meaning.guess(words, 1)]
    return suggestions, styles


@cache
def _mood_vectors() -> tuple[list[str], np.ndarray]:
    """The mood instructions refine understands ("calmer", "more dreamy"), one per mood
    word, and their vectors (embedded once per process)."""
    mood = vocabulary.words()["mood"]
    comparative_of = {base: word for word, base in mood["comparatives"].items()}
    said = [comparative_of.get(word, f"more {word}")
            for word in resources.table("moods")["words"] if word not in mood["not_moods"]]
    return said, load_meaning().embedder.embed(said)
