"""Lyrics: words for every sung section, planned to fit the song and checked to be singable.

The lyrics stage (stage)
    write_lyrics(composition, provider=None, variation=0, progress=...)
        -> {section id: SectionLyrics}
    write_section_lyrics(composition, section_id, provider=None, variation=0, progress=...)
        -> SectionLyrics: new lines that fit the song's other lyrics
    fit_lyrics(composition, section_id, text), fit_song_lyrics(composition, text): a
        person's own lines, each checked to be singable in its bars (else LyricsFitError)

A person's lyrics file (text_file)
    read_lyrics(path) -> str: UTF-8, or UTF-16/UTF-32 with a byte-order mark; else
        LyricsFileError naming the file and the line

The story (story)
    Beat; song_story(sections, words, rng) -> {section id: Beat}: a scene per verse (verse 1
        sets it, later verses move on), a build, a chorus on the title line, a turn in the
        bridge, and each section's own frames; hook_positions(count): where a chorus sings
        its hook line; tell(beat): the beat in words; stage.story_of(composition)

Word pairs (pairs)
    plausible(kind, word, noun): whether an adjective, a verb of things above, a person's
        verb or a fixed verb goes with a noun (resources/lyrics/pairs.toml); noun_classes

The plan (plan)
    SUNG_KINDS; is_sung(section), sung_sections(composition)
    LineSlot, line_slots(meter, section): where each line is sung
    SectionPlan, plan_section(composition, section, rng, ...); SectionRequest: what a writer
        is asked for
    rhyme_pairs(scheme), infer_scheme(texts)

The rhythm of a line (rhythm)
    fit_rhythm(stresses, slot, meter) -> Rhythm | None: one onset per syllable, stressed
        syllables on strong beats

Writers (providers, local, grammar)
    LyricsProvider (the protocol), LocalProvider (the built-in writer), ChatProvider (an
        OpenAI-compatible endpoint); make_provider(kind, **settings); check_fit; ProviderError
    local.write_section(request): the built-in writer's lines from the phrase grammar
    sung: a song's frames, openings and stock phrases (frame_pattern, opening, count_cliches,
        cliche_budget)
    grammar.song_theme(context, rng) -> Theme; templates, lexicon: resources/lyrics/

Words as sung (words)
    words_of, stresses, syllable_count, line_syllables, line_stresses, rhymes, lines_rhyme,
    end_word, split_word
"""

from studio.engine.lyrics.grammar import Theme, song_theme
from studio.engine.lyrics.local import write_section
from studio.engine.lyrics.pairs import noun_classes, plausible
from studio.engine.lyrics.plan import (
    SUNG_KINDS,
    LineSlot,
    SectionPlan,
    SectionRequest,
    infer_scheme,
    is_sung,
    line_slots,
    plan_section,
    rhyme_pairs,
    sung_sections,
)
from studio.engine.lyrics.providers import (
    ChatProvider,
    LocalProvider,
    LyricsProvider,
    ProviderError,
    check_fit,
    make_provider,
)
from studio.engine.lyrics.rhythm import Rhythm, fit_rhythm
from studio.engine.lyrics.stage import (
    LyricsFitError,
    fit_lyrics,
    fit_song_lyrics,
    story_of,
    write_lyrics,
    write_section_lyrics,
)
from studio.engine.lyrics.story import Beat, hook_positions, song_story, tell
from studio.engine.lyrics.text_file import LyricsFileError, read_lyrics
from studio.engine.lyrics.words import (
    end_word,
    line_stresses,
    line_syllables,
    lines_rhyme,
    rhymes,
    split_word,
    stresses,
    syllable_count,
    words_of,
)

__all__ = [
    "SUNG_KINDS", "Beat", "ChatProvider", "LineSlot", "LocalProvider", "LyricsFileError",
    "LyricsFitError", "LyricsProvider", "ProviderError", "Rhythm", "SectionPlan",
    "SectionRequest", "Theme", "check_fit", "end_word", "fit_lyrics", "fit_rhythm",
    "fit_song_lyrics", "hook_positions", "infer_scheme", "is_sung", "line_slots",
    "line_stresses", "line_syllables", "lines_rhyme", "make_provider", "noun_classes",
    "plan_section", "plausible", "read_lyrics", "rhyme_pairs", "rhymes", "song_story",
    "song_theme", "split_word", "story_of", "stresses", "sung_sections", "syllable_count",
    "tell", "words_of", "write_lyrics", "write_section", "write_section_lyrics",
]
