"""The phrase grammar lyrics are written in: themes, mood pools, and templates filled with
typed words.

A song's theme comes from the subject its prompt names ("about coming home") and from
keywords among its words, mood tags and genres; its mood pool is the one nearest its
valence and arousal. The lexicon joins the shared words, the themes' concrete words and
the pool's feeling words; a template's slots are filled from it, each slot with a word of
its type, so every line is a sentence the grammar allows. All of it is data in
resources/lyrics/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from studio.engine import resources
from studio.engine.lyrics import pairs
from studio.engine.lyrics.words import end_word, starts_with_vowel_sound, words_of
from studio.engine.model import CompositionContext

_SLOT_RE = re.compile(r"\{(\w+)\}")
_ABOUT_RE = re.compile(r"\babout\s+([^,.;:!?()]+)", re.IGNORECASE)
_LIGHT_POOLS = ("bright", "calm")
_DARK_POOLS = ("sad", "dark")
MAX_THEMES = 2


@dataclass(frozen=True)
class Theme:
    """What a song is about: theme names from themes.toml and its hook phrase, a noun
    phrase ("summer nights", kind "np") or an -ing phrase ("coming home", kind "ing")."""

    names: tuple[str, ...]
    hook: str
    hook_kind: str


def templates() -> dict:
    return resources.table("lyrics/templates")


def themes_table() -> dict:
    return resources.table("lyrics/themes")


def pools_table() -> dict:
    return resources.table("lyrics/moods")


def prompt_subject(prompt: str) -> str:
    """The words a prompt says its song is about, up to five ("" when it names none): the
    song's title, sung in its chorus. The subject runs to a punctuation mark or a word about
    the music ("song", "major"), and does not end on a little word or a key letter."""
    match = _ABOUT_RE.search(prompt or "")
    if not match:
        return ""
    table = templates()["hooks"]["words"]
    stops, trailers = set(table["subject_stops"]), set(table["subject_trailers"])
    words: list[str] = []
    for word in match.group(1).split():
        if word.lower() in stops or not re.fullmatch(r"[A-Za-z][A-Za-z'-]*", word):
            break
        words.append(word)  # as typed: "about New York" keeps its capitals
    words = words[:5]
    while words and (words[-1].lower() in trailers or len(words[-1]) == 1 and words[-1] != "I"):
        words.pop()
    return " ".join(words)


def hook_kind(phrase: str) -> str:
    first = phrase.split()[0].lower() if phrase.split() else ""
    nouns = set(templates()["hooks"]["words"]["ing_nouns"])
    return "ing" if first.endswith("ing") and len(first) > 4 and first not in nouns else "np"


def song_theme(context: CompositionContext, rng: np.random.Generator) -> Theme:
    """The song's themes and hook phrase, from its prompt, mood tags and genres."""
    subject = prompt_subject(context.prompt)
    words = [w.lower() for w in words_of(subject)]
    words += [w.lower() for w in re.findall(r"[\w&']+", context.prompt or "")]
    words += list(context.mood.tags) + sorted(context.genre_blend, key=context.genre_blend.get,
                                              reverse=True)
    names: list[str] = []
    for word in words:
        for name, row in themes_table().items():
            if word in row["keywords"] and name not in names:
                names.append(name)
    names = names[:MAX_THEMES] or ["heart"]
    if subject:
        return Theme(tuple(names), subject, hook_kind(subject))
    row = themes_table()[names[0]]
    options = [(h, "np") for h in row["hooks"]] + [(h, "ing") for h in row["hooks_ing"]]
    hook, kind = options[int(rng.integers(len(options)))]
    return Theme(tuple(names), hook, kind)


def mood_pool(valence: float, arousal: float) -> str:
    """The pool nearest a mood; valence counts double, since it decides the words' colour."""
    pools = pools_table()
    return min(pools, key=lambda name: (4 * (pools[name]["valence"] - valence) ** 2
                                        + (pools[name]["arousal"] - arousal) ** 2, name))


def pool_family(pool: str) -> str:
    return "light" if pool in _LIGHT_POOLS else "dark" if pool in _DARK_POOLS else "any"


@cache
def lexicon(themes: tuple[str, ...], pool: str, hook: str) -> dict[str, tuple[str, ...]]:
    """Words by slot type for one song: shared words, its themes' and its mood pool's."""
    general = resources.table("lyrics/words")["general"]
    mood = pools_table()[pool]
    words: dict[str, list[str]] = {key: list(general[key]) for key in general}
    acts = list(mood["act"])
    for name in themes:
        row = themes_table()[name]
        for key in ("spot", "thing", "sky", "now", "then"):
            words.setdefault(key, []).extend(row[key])
        acts.extend(row["act"])
    for key in ("adj", "feel", "abstract"):
        words[key] = list(mood[key])
    words["act"], words["act_past"] = _forms(acts, 2)
    words["glow"], words["glow_past"], words["glow_s"] = _forms(mood["glow"], 3)
    words["hook"] = [hook]
    return {key: tuple(dict.fromkeys(values)) for key, values in words.items()}


def _forms(entries: list[str], count: int) -> tuple[list[str], ...]:
    rows = [entry.split() for entry in entries]
    return tuple([row[i] for row in rows if len(row) == count] for i in range(count))


def slots_of(template: str) -> list[str]:
    return _SLOT_RE.findall(template)


def final_slot(template: str) -> str | None:
    """The slot that ends a template, or None when the template ends in fixed words."""
    parts = _SLOT_RE.split(template)
    return parts[-2] if len(parts) > 1 and not parts[-1].strip() else None


def fill(template: str, words: dict[str, tuple[str, ...]], rng: np.random.Generator,
         end_ok: Callable[[str], bool] | None = None) -> str | None:
    """A template with every slot filled; None when no word of the end slot's type passes
    `end_ok` (a test on the line's last word, such as "rhymes with night") or no word fits
    the noun it leans on (pairs.py: no "happy storm"). Nouns are chosen first, then the
    words that lean on them."""
    parts = _SLOT_RE.split(template)
    slots, texts = parts[1::2], parts[0::2]
    last = final_slot(template)
    bound = pairs.bindings(slots, texts)
    order = sorted(range(len(slots)), key=lambda i: (slots[i] not in pairs.NOUN_SLOTS, i))
    chosen: dict[int, str] = {}
    for i in order:
        options = [w for w in words[slots[i]] if w not in chosen.values()]
        if end_ok is not None and last is not None and i == len(slots) - 1:
            options = [w for w in options if end_ok(end_word(w))]
        if i in bound:
            options = [w for w in options if pairs.pair_ok(slots[i], w, chosen[bound[i]])]
        verb = pairs.governing_verb(texts, slots, i) if slots[i] in pairs.NOUN_SLOTS else ""
        if verb:
            options = [w for w in options if pairs.plausible("verbs", verb, w)]
        if not options:
            return None
        chosen[i] = options[int(rng.integers(len(options)))]
    for i, word in chosen.items():
        parts[2 * i + 1] = word
    text = tidy("".join(parts))
    if end_ok is not None and last is None and not end_ok(end_word(text)):
        return None
    return text


def tidy(text: str) -> str:
    """Spacing, "a" before a vowel sound made "an", "I" upper case, a capital first letter."""
    tokens = text.split()
    for i, token in enumerate(tokens[:-1]):
        if token.lower() == "a" and starts_with_vowel_sound(tokens[i + 1].strip(",")):
            tokens[i] = token[0] + "n" if token[0] in "aA" else token
    tokens = ["I" if t == "i" else "I'm" if t == "i'm" else t for t in tokens]
    text = " ".join(tokens)
    return text[:1].upper() + text[1:]
