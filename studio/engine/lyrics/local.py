"""The built-in lyric writer: lines from the phrase grammar that fit a section's plan.

For each line it fills a few dozen of the frames the song's story dealt the section (the
templates of its beat) and keeps the best candidate that has the planned number of
syllables, sings with every stressed syllable on a strong beat, ends on a word that rhymes
where the scheme asks (or, opening a rhyme, on a word that has a rhyme in the lexicon),
repeats no content word, no line sung before and no line opening (its first three words),
pairs only words that go together (pairs.py) and keeps within its style's budget of stock
phrases. A chorus sings the hook line where story.hook_positions puts it. All its
randomness comes from rng_for(seed, section, "lyrics:<prompt>", variation): the prompt is in
the key so that songs of one seed do not make the same choices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from studio.engine.lyrics.grammar import (
    fill,
    final_slot,
    lexicon,
    mood_pool,
    pool_family,
    templates,
    tidy,
)
from studio.engine.lyrics.plan import LineSlot, SectionRequest
from studio.engine.lyrics.rhythm import fit_rhythm
from studio.engine.lyrics.story import BEATS, hook_positions
from studio.engine.lyrics.sung import (
    cliche_budget,
    count_cliches,
    fixed_opening,
    frame_pattern,
    opening,
    telling,
)
from studio.engine.lyrics.words import (
    end_word,
    function_words,
    line_stresses,
    line_syllables,
    rhymes,
    words_of,
)
from studio.engine.rng import rng_for

CANDIDATES = 36
WIDE_CANDIDATES = 120


LEAD_BEATS = ("scene", "move")
REUSE = 1.0
LEAD = 3.0
STORY = 1.2


def request_words(request: SectionRequest) -> dict[str, tuple[str, ...]]:
    """The section's words by slot type: the song's lexicon, with the words its story gives
    some slots (the verse's place and things) in place of the theme's."""
    words = dict(lexicon(request.themes, mood_pool(request.valence, request.arousal),
                         request.hook))
    for slot, values in request.scene:
        if values:
            words[slot] = tuple(values)
    return words


def beat_frames(request: SectionRequest) -> list[str]:
    """Every frame of the request's beat (its section kind's beat when it names none)."""
    return templates()["lines"][request.beat or BEATS[request.plan.kind]]


def write_section(request: SectionRequest) -> list[str]:
    """The section's lines, in order."""
    rng = rng_for(request.seed, request.plan.section_id, f"lyrics:{request.prompt}",
                  request.variation)
    writer = _Writer(request, list(request.frames) or beat_frames(request), rng)
    # a rhyme the section's frames lack may come from the beat's other frames, but not from
    # those with fixed first words that the song was not dealt (they would open every song)
    writer.rhyme_options = [frame for frame in beat_frames(request) if frame in request.frames
                            or not request.frames or not fixed_opening(frame)]
    return writer.write()


def can_rhyme(word: str, request: SectionRequest) -> bool:
    """Whether the section's templates can end a line on a rhyme for `word`."""
    words = request_words(request)
    options = beat_frames(request)
    return _partners(word, frozenset(end_word(w) for t in options
                                     for w in _end_options(t, words))) > 0


def hook_line(request: SectionRequest) -> str:
    """The song's hook line, built from its hook phrase, to open every chorus (or close
    every verse, as a refrain, when the song has no chorus)."""
    rng = rng_for(request.seed, -1, f"lyrics:hook:{request.prompt}", request.variation)
    table = templates()["hooks"][request.hook_kind]
    family = pool_family(mood_pool(request.valence, request.arousal))
    options = list(table["any"]) + list(table.get(family, []))
    writer = _Writer(request, options, rng)
    writer.rhyme_options = beat_frames(request)
    return (writer.best_line(0, writer._opening()) or writer.best_line(0, None)
            or writer.best_line(0, None, strict=False) or tidy(request.hook))


@dataclass(frozen=True)
class _Ending:
    """What a line's last word must pass, the word it must rhyme with, and the words an
    opening rhyme is weighed against."""

    accepts: Callable[[str], bool]
    rhyme_with: str | None = None
    partners: frozenset[str] = frozenset()


class _Writer:
    def __init__(self, request: SectionRequest, options: list[str],
                 rng: np.random.Generator) -> None:
        self.request, self.options, self.rng = request, options, rng
        self.words = request_words(request)
        # the whole lexicon and every frame of the beat, for a rhyme the story's share lacks
        self.wide_words = dict(lexicon(request.themes, mood_pool(request.valence,
                                                                 request.arousal), request.hook))
        # the templates that may answer this writer's line-ending rhymes
        self.rhyme_options = options
        self.lines: list[str] = []
        # frames sung earlier in the song (found from its lines) are not sung again
        self.used_templates: set[str] = {frame for frame in beat_frames(request)
                                         if telling(frame) and any(
                                             frame_pattern(frame).fullmatch(line)
                                             for line in request.avoid)}
        self.seen = {line.lower() for line in request.avoid}
        self.word_uses: Counter[str] = Counter()
        self.pair_uses: Counter[tuple[str, str]] = Counter()
        self.openings: set[str] = set()
        self.cliches = 0
        self.budget = cliche_budget(request.genre)
        # a verse opens on the place its story is set in (when a line there can)
        self.lead = dict(request.scene).get("spot", ())[:1] if request.beat in LEAD_BEATS else ()
        # and names its things and its time: the story's words, not the sky's
        self.story_words = tuple(word for _, words in request.scene for word in words) \
            if request.beat in LEAD_BEATS else ()
        self.index = 0
        for line in request.avoid:
            self._remember(line)

    def write(self) -> list[str]:
        count = len(self.request.plan.slots)
        fixed = {}
        if self.request.first_line:
            hooks = hook_positions(count) if self.request.plan.kind == "chorus" else (0,)
            fixed = dict.fromkeys(hooks, self.request.first_line)
        if self.request.last_line:
            fixed[count - 1] = self.request.last_line
        for i in range(count):
            self._keep(fixed.get(i) or self._line(i))
        return self.lines

    def _line(self, index: int) -> str:
        """One line: opening a rhyme, answering one, or free. When no line answers the rhyme,
        the line that opened it is written again with another end word, a few times."""
        scheme = self.request.plan.scheme
        letter = scheme[index] if index < len(scheme) else "X"
        partner = next((j for j in range(index - 1, -1, -1) if scheme[j] == letter), None)
        if letter == "X" or partner is None:
            opens = letter != "X" and letter in scheme[index + 1:]
            if opens:
                return (self.best_line(index, self._opening())
                        or self.best_line(index, self._opening(), wide=True)
                        or self._free_line(index))
            return self.best_line(index, None) or self._free_line(index)
        fixed = partner == 0 and self.request.first_line
        tried: set[str] = set()
        for _ in range(1 if fixed else 4):
            rhyme_with = end_word(self.lines[partner])
            line = (self.best_line(index, self._answering(rhyme_with))
                    or self.best_line(index, self._answering(rhyme_with), wide=True))
            if line is not None:
                return line
            tried.add(rhyme_with.lower())
            if not fixed:
                self._forget(partner)
                self.lines[partner] = (self.best_line(partner, self._opening(tried))
                                       or self.best_line(partner, self._opening(tried),
                                                         wide=True)
                                       or self.lines[partner])
                self._remember(self.lines[partner])
        return self._free_line(index)

    def _free_line(self, index: int) -> str:
        return (self.best_line(index, None) or self.best_line(index, None, strict=False)
                or self._last_resort(index))

    def _opening(self, avoid: set[str] | frozenset[str] = frozenset()) -> _Ending:
        """A line-ending word that something else in the lexicon rhymes with."""
        ends = {end_word(line).lower() for line in self.lines}
        vocabulary = frozenset(w for w in self._end_vocabulary() if w.lower() not in ends)

        def accepts(word: str) -> bool:
            return (word.lower() not in avoid and word.lower() not in ends
                    and _partners(word, vocabulary) > 0)
        return _Ending(accepts, partners=vocabulary)

    def _answering(self, rhyme_with: str) -> _Ending:
        """A line-ending word that rhymes with `rhyme_with` and ends no line here yet."""
        ends = {end_word(line).lower() for line in self.lines}

        def accepts(word: str) -> bool:
            return rhymes(word, rhyme_with) and word.lower() not in ends
        return _Ending(accepts, rhyme_with=rhyme_with)

    def best_line(self, index: int, ending: _Ending | None,
                  strict: bool = True, wide: bool = False) -> str | None:
        """The best of a few dozen candidates for one line, or None when none qualifies.
        `wide` draws from every frame of the beat and the whole lexicon."""
        slot = self.request.plan.slots[index]
        words = self.wide_words if wide else self.words
        options = self._options_for(ending.rhyme_with if ending else None, wide)
        if strict:
            options = [t for t in options if t not in self.used_templates]
        self.index = index
        best, best_score = None, float("inf")
        for _ in range((WIDE_CANDIDATES if wide else CANDIDATES) if options else 0):
            template = options[int(self.rng.integers(len(options)))]
            text = fill(template, words, self.rng, ending.accepts if ending else None)
            score = None if text is None else self._score(text, slot, strict)
            if score is not None:
                score += (2.0 if template in self.used_templates else 0.0) + self.rng.random()
                if ending and ending.partners:
                    # an opening word with many rhymes leaves its answer more choice
                    score -= 0.4 * min(4, _partners(end_word(text), ending.partners))
                if score < best_score:
                    best, best_score = (text, template), score
        if best is None:
            return None
        self.used_templates.add(best[1])
        return best[0]

    def _score(self, text: str, slot: LineSlot, strict: bool) -> float | None:
        """How well a candidate fits (lower is better), or None when it does not qualify."""
        low, high = self.request.plan.syllables
        count = line_syllables(text)
        if strict and not low <= count <= high:
            return None
        content = [w.lower() for w in words_of(text) if w.lower() not in function_words()]
        if text.lower() in self.seen or len(set(content)) < len(content):
            return None
        cliches = count_cliches(text)
        # a story word counts once in a section: the place is named, not chanted
        sung = " ".join(self.lines).lower()
        told = sum(1 for word in self.story_words if word in text.lower() and word not in sung)
        unled = self.index == 0 and bool(self.lead) and not any(
            word in text.lower() for word in self.lead)
        if strict and (opening(text) in self.openings
                       or cliches and self.cliches + cliches > self.budget):
            return None
        rhythm = fit_rhythm(line_stresses(text), slot, self.request.plan.meter)
        if rhythm is None or (strict and rhythm.on_strong < 1.0):
            return None
        target = (low + high) / 2
        # words sung before make a line sound used, the last word most of all
        reuse = sum(self.word_uses[w] for w in content) + 2 * self.word_uses[content[-1]] \
            if content else 0
        # word pairs sung before ("beneath the") make a song sound like one template
        echoes = sum(self.pair_uses[pair] for pair in _pairs(text))
        # lines of one section that open on the same word sound like a list
        first = words_of(text)[0].lower()
        same_start = sum(1 for line in self.lines if words_of(line)[0].lower() == first)
        return (abs(count - target) + REUSE * reuse + 0.5 * echoes
                + 4.0 * (1.0 - rhythm.on_strong) + 1.5 * cliches + 2.5 * same_start
                + LEAD * unled - STORY * min(2, told))

    def _keep(self, line: str) -> None:
        self.lines.append(line)
        self._remember(line)

    def _remember(self, line: str) -> None:
        if line.lower() not in self.seen:
            self.openings.add(opening(line))
            self.cliches += count_cliches(line)
        self.seen.add(line.lower())
        self.word_uses.update(w.lower() for w in words_of(line))
        self.pair_uses.update(_pairs(line))

    def _forget(self, index: int) -> None:
        line = self.lines[index]
        self.seen.discard(line.lower())
        self.openings.discard(opening(line))
        self.cliches -= count_cliches(line)
        self.word_uses.subtract(w.lower() for w in words_of(line))
        self.pair_uses.subtract(_pairs(line))

    def _options_for(self, rhyme_with: str | None, wide: bool = False) -> list[str]:
        """Templates whose last word can rhyme with `rhyme_with` (all when it is None)."""
        options, words = ((self.rhyme_options, self.wide_words) if wide
                          else (self.options, self.words))
        if rhyme_with is None:
            return options
        return [t for t in options if any(rhymes(end_word(w), rhyme_with)
                                          for w in _end_options(t, words))]

    def _end_vocabulary(self) -> frozenset[str]:
        return frozenset(end_word(w) for t in self.rhyme_options
                         for w in _end_options(t, self.wide_words))

    def _last_resort(self, index: int) -> str:
        """A line that always exists: the hook phrase with a time, unique by its index."""
        times = self.words["now"]
        return tidy(f"{self.request.hook} {times[index % len(times)]}")


def _end_options(template: str, words: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    slot = final_slot(template)
    return words[slot] if slot else (end_word(template),)


def _pairs(line: str) -> list[tuple[str, str]]:
    words = [w.lower() for w in words_of(line)]
    return list(zip(words, words[1:], strict=False))


@cache
def _partners(word: str, vocabulary: frozenset[str]) -> int:
    """How many words of a vocabulary rhyme with `word`."""
    return sum(1 for other in vocabulary if rhymes(word, other))
