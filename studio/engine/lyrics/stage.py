"""The lyrics stage: words for every sung section, from the song's theme and mood, or from
lines a person wrote.

write_lyrics() plans the song's story (story.py: a scene per verse, a turn in the bridge)
and each sung section (verse, pre-chorus, chorus, bridge), builds the hook line from the
song's title (the prompt's subject) or its theme, and asks a provider for the lines: the
built-in writer by default, or an outside one whose answer is checked and replaced by the
built-in writer's when it does not fit. The first chorus is written once, sings the hook
line more than once, and every chorus sings it word for word; a song without a chorus ends
each verse with the hook line as a refrain. fit_lyrics() and
fit_song_lyrics() take a person's own lines and check that each one can be sung in its bars.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from studio.engine.limits import LINES_PER_BAR, LYRIC_LINE_CHARS
from studio.engine.lyrics import local
from studio.engine.lyrics.grammar import Theme, lexicon, mood_pool, song_theme
from studio.engine.lyrics.plan import (
    SUNG_KINDS,
    SectionRequest,
    infer_scheme,
    is_sung,
    line_slots,
    plan_section,
    rhyme_pairs,
    scheme_from_style,
    sung_sections,
)
from studio.engine.lyrics.providers import LyricsProvider, ProviderError, check_fit
from studio.engine.lyrics.rhythm import fit_rhythm
from studio.engine.lyrics.story import Beat, hook_positions, song_story
from studio.engine.lyrics.words import lines_rhyme, split_word, stresses, words_of
from studio.engine.model import Composition, LyricLine, Section, SectionLyrics, Syllable
from studio.engine.progress import ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.rng import rng_for

_HEADER_RE = re.compile(r"^\s*\[?\s*(verse|pre-?chorus|chorus|bridge)[^\]]*\]?\s*:?\s*$",
                        re.IGNORECASE)


class LyricsFitError(ValueError):
    """A person's lyrics cannot be sung where they were put; the message names the line."""


def write_lyrics(composition: Composition, provider: LyricsProvider | None = None, *,
                 variation: int = 0,
                 progress: ProgressCallback = ignore_progress,
                 written: Callable[[SectionLyrics], None] | None = None,
                 ) -> dict[int, SectionLyrics]:
    """Lyrics for every sung section, by section id; `written` is given each section's as
    soon as they are written."""
    sections = sung_sections(composition)
    has_chorus = any(s.kind == "chorus" for s in sections)
    requests = _Requests(composition, variation, has_chorus)
    lyrics: dict[int, SectionLyrics] = {}
    first_chorus: SectionLyrics | None = None
    for done, section in enumerate(sections):
        if section.kind == "chorus" and first_chorus is not None:
            lyrics[section.id] = repeat_lyrics(first_chorus, composition, section)
            if written is not None:
                written(lyrics[section.id])
            continue
        request = requests.make(section)
        lines, source = _ask(provider, request, progress, done / len(sections))
        scheme = kept_scheme(lines, request.plan.scheme)
        lyrics[section.id] = section_lyrics(section.id, lines, scheme, source,
                                            _roles(request, lines))
        requests.avoid |= {line.lower() for line in lines}
        if written is not None:
            written(lyrics[section.id])
        if section.kind == "chorus":
            first_chorus = lyrics[section.id]
        progress(ProgressEvent("lyrics", (done + 1) / len(sections), f"{section.kind} written"))
    return lyrics


def write_section_lyrics(composition: Composition, section_id: int,
                         provider: LyricsProvider | None = None, *, variation: int = 0,
                         progress: ProgressCallback = ignore_progress) -> SectionLyrics:
    """New lyrics for one sung section that fit the song's other lyrics: a chorus repeats
    the song's chorus when there is one (and `variation` is 0), anything else gets new lines
    that repeat none already sung. A chorus written afresh may bring a new hook line."""
    section = next((s for s in composition.sections if s.id == section_id), None)
    if section is None:
        raise KeyError(f"no section with id {section_id}")
    if not is_sung(section):
        raise ValueError(f"a {section.kind} has no lyrics: only {', '.join(SUNG_KINDS)} "
                         "sections are sung")
    others = {sid: lyrics for sid, lyrics in composition.lyrics.items() if sid != section_id}
    sung = [s for s in sung_sections(composition) if s.id in others]
    chorus = next((others[s.id] for s in sung if s.kind == "chorus"), None)
    if section.kind == "chorus" and chorus is not None and variation == 0:
        return repeat_lyrics(chorus, composition, section)
    has_chorus = any(s.kind == "chorus" for s in sung_sections(composition))
    requests = _Requests(composition, variation if section.kind == "chorus" else 0, has_chorus)
    requests.variation = variation
    if chorus is not None and section.kind != "chorus":
        requests.hook_line = chorus.lines[0].text
    requests.avoid = {text.lower() for lyrics in others.values() for text in lyrics.texts}
    if section.kind != "chorus":
        requests.avoid.add(requests.hook_line.lower())
    request = requests.make(section)
    lines, source = _ask(provider, request, progress, 0.0)
    written = section_lyrics(section.id, lines, kept_scheme(lines, request.plan.scheme),
                             source, _roles(request, lines))
    return replace(written, variation=variation)


class _Requests:
    """Builds each section's request: the song's theme, hook line and the lines sung so far."""

    def __init__(self, composition: Composition, variation: int, has_chorus: bool) -> None:
        context = composition.context
        self.composition, self.variation, self.has_chorus = composition, variation, has_chorus
        self.theme = song_theme(context, rng_for(context.seed, -1,
                                                 f"lyrics:theme:{context.prompt}", variation))
        self.avoid: set[str] = set()
        self.hook_line = ""
        sections = sung_sections(composition)
        self.story = story_of(composition, self.theme, variation)
        lead = next((s for s in sections if s.kind == "chorus"), sections[0] if sections else None)
        if lead is not None:
            self.hook_line = local.hook_line(self.make(lead))
            self.avoid.add(self.hook_line.lower())  # sung only where the form puts it

    def make(self, section: Section) -> SectionRequest:
        context = self.composition.context
        refrain = not self.has_chorus and section.kind == "verse" and bool(self.hook_line)
        rng = rng_for(context.seed, section.id, "lyrics:plan", self.variation)
        plan = plan_section(self.composition, section, rng, refrain=refrain)
        chorus = section.kind == "chorus" and bool(self.hook_line)
        request = SectionRequest(
            plan=plan, prompt=context.prompt, genre=context.primary_genre,
            themes=self.theme.names, hook=self.theme.hook, hook_kind=self.theme.hook_kind,
            valence=max(-1.0, min(1.0, context.mood.valence + section.valence_offset)),
            arousal=context.mood.arousal, mood_tags=context.mood.tags, seed=context.seed,
            variation=self.variation, avoid=frozenset(self.avoid),
            first_line=self.hook_line if chorus else "",
            last_line=self.hook_line if refrain and len(plan.slots) > 1 else "")
        beat = self.story.get(section.id, Beat(""))
        request = replace(request, beat=beat.name, scene=beat.scene, frames=beat.frames)
        if chorus:
            request = replace(request, plan=replace(plan, scheme=chorus_scheme(
                len(plan.slots))))
        return request


def story_of(composition: Composition, theme: Theme | None = None,
             variation: int = 0) -> dict[int, Beat]:
    """The song's story: a beat for every sung section, by section id (story.py)."""
    context = composition.context
    theme = theme or song_theme(context, rng_for(context.seed, -1,
                                                 f"lyrics:theme:{context.prompt}", variation))
    words = lexicon(theme.names, mood_pool(context.mood.valence, context.mood.arousal),
                    theme.hook)
    # the prompt picks the song's share of each frame list, so songs of one seed differ
    return song_story(sung_sections(composition), words, rng_for(
        context.seed, -1, f"lyrics:story:{context.prompt}", variation))


def chorus_scheme(count: int) -> str:
    """A chorus's rhyme scheme: the hook lines rhyme with nothing (they repeat instead), the
    lines between them rhyme in couplets."""
    hooks = hook_positions(count)
    letters = iter(scheme_from_style("couplets", count - len(hooks)))
    return "".join("X" if i in hooks else next(letters) for i in range(count))


def _ask(provider: LyricsProvider | None, request: SectionRequest, progress: ProgressCallback,
         fraction: float) -> tuple[list[str], str]:
    """Lines from the provider when they fit, else from the built-in writer, with a message."""
    if provider is not None and provider.name != "local":
        try:
            lines = provider.write_section(request)
            problems = check_fit(lines, request)
        except ProviderError as error:
            problems = [str(error)]
        if not problems:
            return _with_hooks(lines, request), provider.name
        progress(ProgressEvent("lyrics", fraction, f"{request.plan.kind}: {problems[0]}; "
                                                   "the built-in writer wrote it instead"))
    return local.write_section(request), "local"


def kept_scheme(lines: list[str], scheme: str) -> str:
    """The scheme the lines keep: a line the writer could not rhyme as planned rhymes with
    nothing (X), and so does a letter left with one line."""
    letters = list(scheme)
    for first, second in rhyme_pairs(scheme):
        if not lines_rhyme(lines[first], lines[second]):
            letters[second] = "X"
    return "".join("X" if letters.count(c) < 2 else c for c in letters)


def _with_hooks(lines: list[str], request: SectionRequest) -> list[str]:
    """An outside writer's chorus with the hook line where the song's choruses sing it."""
    if not request.first_line or request.plan.kind != "chorus":
        return lines
    hooks = hook_positions(len(lines))
    return [request.first_line if i in hooks else line for i, line in enumerate(lines)]


def _roles(request: SectionRequest, lines: list[str]) -> list[str]:
    roles = ["hook" if request.first_line and line == request.first_line else ""
             for line in lines]
    if request.last_line:
        roles[-1] = "refrain"
    return roles


def section_lyrics(section_id: int, texts: list[str], scheme: str, source: str,
                   roles: list[str] | None = None) -> SectionLyrics:
    roles = roles or [""] * len(texts)
    lines = tuple(make_line(text, section_id, role)
                  for text, role in zip(texts, roles, strict=True))
    return SectionLyrics(section_id, lines, scheme, source)


def repeat_lyrics(first: SectionLyrics, composition: Composition,
                  section: Section) -> SectionLyrics:
    """A later chorus: the first chorus's lines, cycled when this chorus is longer."""
    count = len(line_slots(composition.context.meter, section))
    if count == len(first.lines):
        return first.for_section(section.id)
    indices = [i % len(first.lines) for i in range(count)]
    texts = [first.lines[i].text for i in indices]
    roles = [first.lines[i].role for i in indices]
    scheme = "".join(first.scheme[i] for i in indices)
    return section_lyrics(section.id, texts, scheme, first.source, roles)


def make_line(text: str, section_id: int, role: str = "") -> LyricLine:
    """A line with its syllables: written pieces, word index and lexical stress."""
    syllables = []
    for word_index, word in enumerate(words_of(text)):
        pattern = stresses(word)
        for piece, stress in zip(split_word(word, len(pattern)), pattern, strict=True):
            syllables.append(Syllable(piece, word_index, stress))
    return LyricLine(text, tuple(syllables), section_id, role)


def fit_lyrics(composition: Composition, section_id: int, text: str) -> SectionLyrics:
    """A person's lines (one per text line) for one section. Raises LyricsFitError when a
    line cannot be sung in its share of the section's bars."""
    section = next((s for s in composition.sections if s.id == section_id), None)
    if section is None:
        raise KeyError(f"no section with id {section_id}")
    texts = [line.strip() for line in text.splitlines() if line.strip()]
    if not texts:
        raise LyricsFitError(f"the {section.kind} was given no lines")
    if len(texts) > LINES_PER_BAR * section.bars:
        raise LyricsFitError(f"the {section.kind} has {section.bars} bars: room for "
                             f"{LINES_PER_BAR * section.bars} lines, not {len(texts)}")
    for number, line in enumerate(texts, 1):
        if len(line) > LYRIC_LINE_CHARS:
            raise LyricsFitError(f"line {number} of the {section.kind} is {len(line)} "
                                 f"characters long: a sung line has at most {LYRIC_LINE_CHARS}")
    meter = composition.context.meter
    for number, (line, slot) in enumerate(zip(texts, line_slots(meter, section, len(texts)),
                                              strict=True), 1):
        if fit_rhythm(tuple(s.stress for s in make_line(line, 0).syllables), slot, meter) is None:
            raise LyricsFitError(f"line {number} of the {section.kind} ('{line}') has too many "
                                 "syllables for its bars")
    return section_lyrics(section_id, texts, infer_scheme(texts), "user")


def fit_song_lyrics(composition: Composition, text: str) -> dict[int, SectionLyrics]:
    """A person's lyrics for a whole song: blocks split by blank lines or headings such as
    "[Chorus]", given to the sung sections in order. A heading sends its block to sections
    of that kind; one chorus block serves every chorus."""
    blocks = _blocks(text)
    sections = [s for s in composition.sections if is_sung(s)]
    headed = any(kind for kind, _ in blocks)
    by_kind: dict[str, list[str]] = {}
    for kind, block in blocks:
        by_kind.setdefault(kind, []).append(block)
    result, unheaded = {}, iter(block for _, block in blocks)
    chorus_block = None
    for section in sections:
        if headed:
            block = _take(by_kind.get(section.kind, []), section.kind)
        elif section.kind == "chorus" and chorus_block:
            block = chorus_block
        else:
            block = next(unheaded, None)
        if block is None:
            continue
        if section.kind == "chorus":
            chorus_block = chorus_block or block
        result[section.id] = fit_lyrics(composition, section.id, block)
    return result


def _take(queue: list[str], kind: str) -> str | None:
    """The next block for a section of `kind`; the last chorus block stays for later ones."""
    if not queue:
        return None
    return queue[0] if len(queue) == 1 and kind == "chorus" else queue.pop(0)


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind or "", lines) blocks of a song's text."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    for raw in text.splitlines():
        header = _HEADER_RE.match(raw)
        if header:
            kind = header.group(1).lower().replace("prechorus", "pre-chorus")
            blocks.append((kind, []))
        elif not raw.strip():
            blocks.append((blocks[-1][0] if not blocks[-1][1] else "", []))
        else:
            blocks[-1][1].append(raw.strip())
    return [(kind, "\n".join(lines)) for kind, lines in blocks if lines]

