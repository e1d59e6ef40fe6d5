"""Speech units: the spoken phonemes of a line split into the line's sung syllables.

Each syllable gets the consonants before its vowel (its onset), its vowel (one nucleus or
more) and, on a word's last syllable, the consonants after it (its coda), as sample ranges of
the speech. espeak-ng and the lyrics do not always count syllables alike ("every" is two
spoken nuclei and three written syllables): extra nuclei join a syllable, and a syllable
without a nucleus of its own sings the one before it again, without consonants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.engine.singing.espeak import Speech

Span = tuple[int, int]  # first and last-plus-one sample of a piece of speech


@dataclass(frozen=True)
class Unit:
    """One syllable's speech: onset consonants, vowel and coda consonants (may be empty)."""

    onset: tuple[Span, ...]
    vowel: Span
    coda: tuple[Span, ...]


def spoken_words(text: str) -> list[str]:
    """The words of a line as espeak-ng should say them: no punctuation, so no pauses."""
    words = (re.sub(r"[^\w']+", "", word) for word in text.split())
    return [w for w in words if w]


def units(speech: Speech, syllable_words: list[int]) -> list[Unit]:
    """One Unit per syllable; `syllable_words` gives each syllable's word index."""
    counts: dict[int, int] = {}
    for word in syllable_words:
        counts[word] = counts.get(word, 0) + 1
    by_word: dict[int, list[int]] = {}
    for index, phoneme in enumerate(speech.phonemes):
        by_word.setdefault(phoneme.word, []).append(index)
    words = sorted(counts)
    if sorted(by_word) != list(range(len(words))):
        # espeak-ng read the words differently (a number, an abbreviation): one long word
        everything = list(range(len(speech.phonemes)))
        return _word_units(speech, everything, len(syllable_words))
    result = []
    for spoken, word in enumerate(words):
        result.extend(_word_units(speech, by_word[spoken], counts[word]))
    return result


def _word_units(speech: Speech, indices: list[int], count: int) -> list[Unit]:
    """`count` units from the phonemes (by index) of one word."""
    phonemes = [speech.phonemes[i] for i in indices]
    spans = [(speech.phonemes[i].start, speech.end(i)) for i in indices]
    nuclei = [k for k, p in enumerate(phonemes) if p.vowel]
    if not nuclei:
        nuclei = [_loudest(speech, spans)] if spans else []
    if not spans:
        return [Unit((), (0, 0), ()) for _ in range(count)]
    # syllable k sings nuclei groups[k] (a slice of `nuclei`); shared groups repeat a vowel
    groups = [_group(k, len(nuclei), count) for k in range(count)]
    result = []
    for k, (first, last) in enumerate(groups):
        a, b = nuclei[first], nuclei[last]
        vowel = (spans[a][0], spans[b][1])
        repeat = k > 0 and groups[k - 1] == (first, last)
        onset = () if repeat else tuple(spans[_onset_start(nuclei, first, k): a])
        follows = k + 1 < count and groups[k + 1] == (first, last)
        coda = () if follows else tuple(spans[b + 1: _coda_end(nuclei, last, len(spans))])
        result.append(Unit(onset, vowel, coda))
    return result


def _group(k: int, nuclei: int, count: int) -> tuple[int, int]:
    """First and last nucleus of syllable k when `nuclei` are shared among `count`."""
    if nuclei >= count:
        first = k * nuclei // count
        return first, max(first, (k + 1) * nuclei // count - 1)
    index = k * nuclei // count
    return index, index


def _onset_start(nuclei: list[int], first: int, k: int) -> int:
    """Where a syllable's onset begins: the word's start, or half way (rounded toward the
    coda) through the consonants after the previous nucleus."""
    if first == 0 or k == 0:
        return 0
    before = nuclei[first - 1]
    between = nuclei[first] - before - 1
    return before + 1 + between // 2


def _coda_end(nuclei: list[int], last: int, length: int) -> int:
    """Where a syllable's coda ends: the word's end, or the next onset's start."""
    if last == len(nuclei) - 1:
        return length
    after = nuclei[last]
    between = nuclei[last + 1] - after - 1
    return after + 1 + between // 2


def _loudest(speech: Speech, spans: list[Span]) -> int:
    energies = [float((speech.audio[a:b] ** 2).sum()) for a, b in spans]
    return max(range(len(spans)), key=energies.__getitem__)
