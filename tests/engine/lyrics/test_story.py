"""A song's lyrics tell one story: a scene per verse, a turn in the bridge, the title in
every chorus, openings that differ from song to song, word pairs that make sense and stock
phrases kept within a style's budget.

Songs come from the prompt suite (tests/data/prompt_suite.toml) at two seeds. Word pairs are
found in the sung text by reading it, not from the templates the writer filled.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from studio.engine import resources
from studio.engine.lyrics import grammar
from studio.engine.lyrics.pairs import base_forms, noun_classes, plausible
from studio.engine.lyrics.stage import story_of
from studio.engine.lyrics.story import hook_positions
from studio.engine.lyrics.sung import cliche_budget, count_cliches
from studio.engine.lyrics.words import words_of
from tests.engine.prompt_suite import PROMPTS, SEED, suite_song

SEEDS = (SEED, SEED + 1)


def suite_pairs():
    return [suite_song(prompt, seed) for prompt in PROMPTS for seed in SEEDS]


def test_a_frame_listed_under_two_beats_is_dealt_once():
    beats = resources.table("lyrics/templates")["lines"]
    listed = Counter(frame for frames in beats.values() for frame in frames)
    twice = {frame for frame, times in listed.items() if times > 1}
    assert twice, "the templates list no frame twice: this test shows nothing"
    seen = 0
    for composition, _, _ in suite_pairs():
        for variation in range(20):
            story = story_of(composition, variation=variation)
            dealt = [f for s in composition.sections if s.id in story and s.kind != "chorus"
                     for f in story[s.id].frames]
            seen += len(twice & set(dealt))
            assert len(dealt) == len(set(dealt)), (composition.context.prompt, variation)
    assert seen > 0, "no song was dealt a frame that is listed twice"


def test_verse_one_sets_the_scene_later_verses_move_on_and_the_bridge_turns_back():
    verses_seen = placed = 0
    for composition, lyrics, _ in suite_pairs():
        story = story_of(composition)
        verses = [s for s in composition.sections if s.kind == "verse"]
        beats = [story[v.id] for v in verses]
        assert [b.name for b in beats] == ["scene"] + ["move"] * (len(beats) - 1)
        scenes = [dict(b.scene) for b in beats]
        assert len(scenes[0]["then"]) == 1  # verse 1 is set in one time
        places = [scene["spot"] for scene in scenes]
        assert len({p[0] for p in places}) == len(places), "each verse moves to another place"
        for before, after in zip(scenes, scenes[1:], strict=False):
            assert set(before["thing"]) & set(after["thing"]), "a thing carries on"
        for bridge in (s for s in composition.sections if s.kind == "bridge"):
            assert story[bridge.id].name == "turn"
            assert dict(story[bridge.id].scene)["spot"] == places[0][:1]
        dealt = [f for s in composition.sections if s.id in story and s.kind != "chorus"
                 for f in story[s.id].frames]
        assert len(dealt) == len(set(dealt)), "no frame is dealt to two sections"
        for verse, scene in zip(verses, scenes, strict=True):
            verses_seen += 1
            text = " ".join(lyrics[verse.id].texts).lower()
            placed += any(place in text for place in scene["spot"])
    assert placed >= 0.75 * verses_seen, f"{placed} of {verses_seen} verses sing their place"


def _title_words(title: str) -> str:
    return " ".join(w for w in title.lower().split() if w not in ("a", "an", "the"))


def test_every_chorus_sings_the_title_line_more_than_once():
    titled = 0
    for composition, lyrics, _ in suite_pairs():
        choruses = [lyrics[s.id] for s in composition.sections if s.kind == "chorus"]
        if not choruses:
            continue
        hook = choruses[0].lines[0].text
        for chorus in choruses:
            assert chorus.texts == choruses[0].texts
            sung = [i for i, line in enumerate(chorus.lines) if line.text == hook]
            assert sung == list(hook_positions(len(chorus.lines)))
            assert len(sung) >= 2 or len(chorus.lines) < 3
            assert all(chorus.lines[i].role == "hook" for i in sung)
            assert all(chorus.scheme[i] == "X" for i in sung)
        if " about " in composition.context.prompt:
            titled += 1
            assert _title_words(composition.title) in _title_words(hook), composition.title
    assert titled >= 4


def test_the_title_is_the_prompts_subject_without_music_words():
    assert grammar.prompt_subject("pop song about summer nights in C major") == "summer nights"
    assert grammar.prompt_subject("trap about the city at night") == "the city at night"
    assert grammar.prompt_subject("ballad about you and I, slow") == "you and I"
    assert grammar.prompt_subject("a song about") == ""


def test_no_line_opening_is_sung_in_more_than_a_quarter_of_the_songs():
    songs = suite_pairs()
    openings: Counter[str] = Counter()
    for _, lyrics, _ in songs:
        openings.update({" ".join(w.lower() for w in words_of(line)[:3])
                         for section in lyrics.values() for line in section.texts
                         if len(words_of(line)) >= 3})
    opening, count = openings.most_common(1)[0]
    assert len(songs) == 24
    assert count <= len(songs) / 4, f"'{opening}' opens a line in {count} songs"


def test_the_plausibility_filter_rejects_pairs_that_make_no_sense():
    for kind, word, noun in (("adj", "happy", "storm"), ("adj", "shining", "breeze"),
                             ("adj", "golden", "breeze"), ("glow", "shine", "wind"),
                             ("glow", "rise", "jukebox"), ("act", "swim", "kitchen"),
                             ("act", "skate", "highway"), ("verbs", "keep", "window"),
                             ("verbs", "carry", "billboard"), ("adj", "faded", "wind"),
                             ("verbs", "with", "dashboard")):
        assert not plausible(kind, word, noun), (word, noun)
    for kind, word, noun in (("adj", "golden", "sun"), ("adj", "cold", "wind"),
                             ("glow", "flicker", "candle"), ("act", "swim", "shore"),
                             ("verbs", "keep", "letter"), ("adj", "empty", "station")):
        assert plausible(kind, word, noun), (word, noun)


def _lyric_words() -> dict[str, set[str]]:
    words: dict[str, set[str]] = {"noun": set(), "adj": set(), "glow": set()}
    for row in resources.table("lyrics/themes").values():
        words["noun"] |= set(row["spot"]) | set(row["thing"]) | set(row["sky"])
    words["noun"] |= set(resources.table("lyrics/words")["general"]["sky"])
    for pool in resources.table("lyrics/moods").values():
        words["adj"] |= set(pool["adj"])
        words["glow"] |= {row.split()[0] for row in pool["glow"]}
    return words


def test_every_word_the_lyrics_pair_has_a_row_in_the_pairs_table():
    words, table = _lyric_words(), resources.table("lyrics/pairs")
    assert {n for n in words["noun"] if not noun_classes(n)} == set()
    assert words["adj"] - set(table["adj"]) == set()
    assert words["glow"] - set(table["glow"]) == set()


def _pair_patterns():
    """Adjective-noun ("the golden sun", "the sun was golden") and subject-verb ("the sun
    rose") pairs, read from a line's text: (pattern, kind, word group, noun group)."""
    words = _lyric_words()
    nouns = sorted(words["noun"], key=len, reverse=True)  # "old guitar" before "guitar"
    noun = "(" + "|".join(map(re.escape, nouns)) + ")"
    adj = "(" + "|".join(map(re.escape, sorted(words["adj"]))) + ")"
    glows = {form for form, base in base_forms().items() if base in words["glow"]}
    glow = "(" + "|".join(map(re.escape, sorted(glows, key=len, reverse=True))) + ")"
    return [(re.compile(rf"\b{adj} {noun}\b"), "adj", 1, 2),
            (re.compile(rf"\bthe {noun} (?:was|is|looks) {adj}\b"), "adj", 2, 1),
            (re.compile(rf"\bthe (?:{adj} )?{noun} {glow}\b"), "glow", 3, 2)]


def _pairs_in(line: str, patterns) -> list[tuple[str, str, str]]:
    found = []
    for pattern, kind, word_group, noun_group in patterns:
        for match in pattern.finditer(line.lower()):
            word = match[word_group]
            found.append((kind, word if kind == "adj" else base_forms().get(word, word),
                          match[noun_group]))
    return found


def test_sung_adjectives_and_verbs_go_with_their_nouns():
    patterns, checked = _pair_patterns(), 0
    for _, lyrics, _ in suite_pairs():
        for section in lyrics.values():
            for line in section.texts:
                for kind, word, noun in _pairs_in(line, patterns):
                    checked += 1
                    assert plausible(kind, word, noun), line
    assert checked >= 40


def test_the_filter_holds_wherever_a_template_is_filled():
    patterns, checked = _pair_patterns(), 0
    rng = np.random.default_rng(3)
    for pool in resources.table("lyrics/moods"):
        words = grammar.lexicon(("summer", "night", "sky"), pool, "summer nights")
        for frames in grammar.templates()["lines"].values():
            for frame in frames:
                for _ in range(10):
                    text = grammar.fill(frame, words, rng) or ""
                    for kind, word, noun in _pairs_in(text, patterns):
                        checked += 1
                        assert plausible(kind, word, noun), text
    assert checked >= 500


def test_stock_phrases_keep_to_the_style_budget():
    for composition, lyrics, _ in suite_pairs():
        sung = {line for section in lyrics.values() for line in section.texts}
        stock = sum(count_cliches(line) for line in sung)
        assert stock <= cliche_budget(composition.context.primary_genre), composition.title
    assert count_cliches("I can still see it tonight") == 2
    assert cliche_budget("country") < cliche_budget("pop")


def _frame_patterns() -> dict[str, re.Pattern]:
    """Every line frame as a pattern whose slots match only the words resources give them."""
    words: dict[str, set[str]] = {}
    for key, values in resources.table("lyrics/words")["general"].items():
        words.setdefault(key, set()).update(values)
    rows: dict[str, set[str]] = {"act": set(), "glow": set()}
    for row in resources.table("lyrics/themes").values():
        for key in ("spot", "thing", "sky", "now", "then"):
            words.setdefault(key, set()).update(row[key])
        rows["act"].update(row["act"])
    for pool in resources.table("lyrics/moods").values():
        for key in ("adj", "feel", "abstract"):
            words.setdefault(key, set()).update(pool[key])
        rows["act"].update(pool["act"])
        rows["glow"].update(pool["glow"])
    for name, entries in rows.items():
        for i, suffix in enumerate(("", "_past", "_s")[:2 if name == "act" else 3]):
            words[name + suffix] = {entry.split()[i] for entry in entries}
    patterns = {}
    for frames in grammar.templates()["lines"].values():
        for frame in frames:
            parts = re.split(r"\{(\w+)\}", frame)
            regex = "".join(re.escape(p).replace(r"\ a\ ", r"\ an?\ ") if i % 2 == 0
                            else "(?:" + "|".join(map(re.escape, words[p])) + ")"
                            for i, p in enumerate(parts))
            patterns[frame] = re.compile(re.sub(r"^a\\ ", r"an?\\ ", regex), re.IGNORECASE)
    return patterns


def test_no_frame_is_sung_twice_in_a_song():
    patterns = _frame_patterns()
    for composition, lyrics, _ in suite_pairs():
        free = {line.text for section in lyrics.values() for line in section.lines
                if not line.role}
        for frame, pattern in patterns.items():
            sung = [line for line in free if pattern.fullmatch(line)]
            assert len(sung) <= 1, (composition.title, frame, sung)
