"""Which words go together: the plausibility filter for adjective-noun, verb-subject and
verb-place pairs, read from resources/lyrics/pairs.toml.

Nouns belong to classes (lights in the sky, wind, places by the water...); an adjective, a
verb of things above and a person's verb of motion list the classes they fit, so "the
golden sun" and "we swam by the shore" pass and "the happy storm", "a shining breeze" and
"we swam by the kitchen" do not. A template says which slot each word slot leans on
(bindings): an adjective describes the noun it stands before, or else the noun before it
("the sky was grey"); a verb of things above has the noun before it as its subject; a
person's verb happens at the place named after it.
"""

from __future__ import annotations

from functools import cache

from studio.engine import resources

NOUN_SLOTS = ("spot", "thing", "sky")
GROUPS = {"place": frozenset({"water", "road", "ice", "indoor", "outdoor"}),
          "object": frozenset({"keepsake", "gear", "fixture"})}
# slot type -> the row of pairs.toml its words are checked in
_KINDS = {"adj": "adj", "glow": "glow", "glow_past": "glow", "glow_s": "glow",
          "act": "act", "act_past": "act"}


def table() -> dict:
    return resources.table("lyrics/pairs")


@cache
def noun_classes(noun: str) -> frozenset[str]:
    """The classes a noun belongs to (a word may be a place and a thing: "window")."""
    return frozenset(name for name, words in table()["nouns"].items() if noun.lower() in words)


@cache
def _fits(kind: str, word: str) -> frozenset[str] | None:
    """The classes a word of a kind fits, or None when the table puts no limit on it."""
    row = table()[kind].get(word.lower())
    if row is None:
        return None
    classes = set(row)
    for group, members in GROUPS.items():
        if group in classes:
            classes |= members
    return frozenset(classes)


def plausible(kind: str, word: str, noun: str) -> bool:
    """Whether `word` (an adjective "adj", a verb of things above "glow", a person's verb
    "act", in its base form, or a template's fixed verb "verbs") may go with `noun`."""
    fits = _fits(kind, word)
    return fits is None or bool(fits & noun_classes(noun))


def base_forms() -> dict[str, str]:
    """Every inflected verb of the lyrics tables mapped to its base form ("shone": "shine")."""
    return _base_forms()


@cache
def _base_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    rows = [row for pool in resources.table("lyrics/moods").values()
            for row in pool["act"] + pool["glow"]]
    rows += [row for theme in resources.table("lyrics/themes").values() for row in theme["act"]]
    for row in rows:
        words = row.split()
        for word in words:
            forms.setdefault(word, words[0])
    return forms


def pair_ok(slot: str, word: str, noun: str) -> bool:
    """Whether a word filled into slot type `slot` may lean on `noun`."""
    kind = _KINDS.get(slot)
    if kind is None:
        return True
    if kind != "adj":  # "faded" is an adjective here, not a form of "fade"
        word = base_forms().get(word, word)
    return plausible(kind, word, noun)


def governing_verb(texts: list[str], slots: list[str], index: int) -> str:
    """The fixed verb a noun slot is the object of ("keep" in "still keep the {thing}",
    "found" in "found a {adj} {thing}"), or "" when none governs it."""
    before = texts[index]
    if not before.strip() and index > 0 and slots[index - 1] == "adj":
        before = texts[index - 1]  # "found a {adj} {thing}": the verb precedes the adjective
    words = before.lower().split()
    if words and words[-1] in ("the", "a", "an"):
        words = words[:-1]
    return words[-1] if words and words[-1] in table()["verbs"] else ""


def bindings(slots: list[str], texts: list[str]) -> dict[int, int]:
    """For a template cut into slots and the fixed text between them (texts[i] before
    slots[i], texts[-1] after the last), which noun slot each word slot leans on."""
    nouns = [i for i, slot in enumerate(slots) if slot in NOUN_SLOTS]
    bound: dict[int, int] = {}
    for i, slot in enumerate(slots):
        kind = _KINDS.get(slot)
        if kind is None:
            continue
        after = next((j for j in nouns if j > i), None)
        before = next((j for j in reversed(nouns) if j < i), None)
        if kind == "adj" and after == i + 1 and not texts[i + 1].strip():
            bound[i] = after  # "the {adj} {sky}"
        elif kind == "act" and after is not None and slots[after] == "spot":
            bound[i] = after  # "{act_past} down by the {spot}"
        elif kind in ("adj", "glow") and before is not None:
            bound[i] = before  # "the {sky} was {adj}", "the {sky} {glow_past}"
    return bound
