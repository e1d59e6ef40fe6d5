"""Refine in words: each phrase changes what it names and nothing else.

Every test compares the whole song before and after: parts, sections, chords, context fields
and lane mix settings that the phrase does not name stay byte-identical.
"""

import json

import pytest

from studio import engine
from studio.engine.composing import groove_library
from studio.engine.edit.instructions import plan, refine
from studio.engine.model import Key
from studio.engine.serialize import composition_to_dict, plain

# At 240 bpm a minute holds a whole form: intro, verse, pre-chorus, chorus, verse, chorus,
# bridge, chorus, outro.
PROMPT = "uplifting pop at 240 bpm about summer"


@pytest.fixture(scope="module")
def song():
    return engine.compose(PROMPT, 1, length_s=60)


@pytest.fixture(scope="module")
def slow_song():
    return engine.compose("pop song about the city", 2, length_s=60)


def dump(item) -> str:
    data = composition_to_dict(item) if isinstance(item, engine.Composition) else plain(item)
    return json.dumps(data, sort_keys=True)


def ids(song, kind):
    return [s.id for s in song.sections if s.kind == kind]


def section(song, section_id):
    return next(s for s in song.sections if s.id == section_id)


def assert_only(before, after, *, parts=frozenset(), sections=(), context=(), lanes=(),
                chords=(), words=()):
    """Exactly `parts` changed; sections not in `sections` and the chords of sections not in
    `chords` are as they were; exactly the `context` fields and `lanes` changed; only the
    sections in `words` sing other words."""
    for sid in set(before.lyrics) | set(after.lyrics):
        if sid not in words and sid in {s.id for s in after.sections}:
            assert before.lyrics[sid].texts == after.lyrics[sid].texts, sid
    keys = set(before.parts) | set(after.parts)
    assert {k for k in keys if dump(before.parts.get(k)) != dump(after.parts.get(k))} == \
        set(parts)
    assert [s.id for s in before.sections] == [s.id for s in after.sections]
    for old, new in zip(before.sections, after.sections, strict=True):
        if old.id not in sections:
            assert dump(old) == dump(new), old.kind
        if old.id not in chords:
            assert old.chords == new.chords, old.kind
    old_context, new_context = vars(before.context), vars(after.context)
    assert {k for k in old_context if old_context[k] != new_context[k]} == set(context)
    names = set(before.lanes) | set(after.lanes)
    assert {n for n in names if dump(before.lanes.get(n)) != dump(after.lanes.get(n))} == \
        set(lanes)


def all_lanes(song, section_ids):
    """Every lane that plays in the sections (the lead leaves sung sections to the voice)."""
    return {(sid, lane) for sid in section_ids for lane in song.lanes
            if song.parts[(sid, lane)].notes}


def curve_points(song, section_ids):
    """The energy curve's two points of each section not in `section_ids`."""
    return [song.context.energy_curve[2 * i:2 * i + 2] for i, s in enumerate(song.sections)
            if s.id not in section_ids]


def test_the_test_song_has_every_kind_of_section(song):
    assert [s.kind for s in song.sections] == [
        "intro", "verse", "pre-chorus", "chorus", "verse", "chorus", "bridge", "chorus", "outro"]


@pytest.mark.parametrize("text, kind, sign", [
    ("more energy in the chorus", "chorus", 1), ("less energy in the bridge", "bridge", -1),
    ("more energy in the pre-chorus", "pre-chorus", 1), ("bigger choruses", "chorus", 1),
])
def test_energy_in_every_section_of_a_kind(song, text, kind, sign):
    named = ids(song, kind)
    result = refine(song, text)
    after = result.composition
    assert_only(song, after, parts=all_lanes(song, named), sections=named,
                context={"energy_curve"})
    for sid in named:  # the curve stops at 1.0, so a loud chorus may gain less than 0.15
        assert (section(after, sid).energy - section(song, sid).energy) * sign > 0
    assert curve_points(after, named) == curve_points(song, named)
    assert not result.not_understood and len(result.changes) == len(named)


@pytest.mark.parametrize("text, kind, number", [
    ("more energy in chorus 2", "chorus", 2), ("more energy in the second chorus", "chorus", 2),
    ("more energy in the last chorus", "chorus", 3), ("the first verse with more energy",
                                                       "verse", 1),
])
def test_a_numbered_section_is_that_one_only(song, text, kind, number):
    named = [ids(song, kind)[number - 1]]
    after = refine(song, text).composition
    assert_only(song, after, parts=all_lanes(song, named), sections=named,
                context={"energy_curve"})


def test_darker_bridge(song):
    bridge = ids(song, "bridge")
    after = refine(song, "darker bridge").composition
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert changed and {sid for sid, _ in changed} == set(bridge)
    assert_only(song, after, parts=changed, sections=bridge, chords=bridge)
    old, new = section(song, bridge[0]), section(after, bridge[0])
    assert new.valence_offset == -0.5
    assert sum(c.quality.startswith("min") for c in new.chords) > \
        sum(c.quality.startswith("min") for c in old.chords)


def test_brighter_verse_2(song):
    verse_2 = [ids(song, "verse")[1]]
    after = refine(song, "brighter verse 2").composition
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert {sid for sid, _ in changed} <= set(verse_2)
    assert_only(song, after, parts=changed, sections=verse_2, chords=verse_2)
    assert section(after, verse_2[0]).valence_offset == 0.5


def test_sparser_drums_in_verse_2(song):
    verse_2 = ids(song, "verse")[1]
    after = refine(song, "sparser drums in verse 2").composition
    assert_only(song, after, parts={(verse_2, "drums")}, sections=[verse_2])
    assert section(after, verse_2).density == {"drums": 0.6}
    assert len(after.parts[(verse_2, "drums")].notes) < len(song.parts[(verse_2, "drums")].notes)


def test_busier_bass_in_the_chorus(song):
    choruses = ids(song, "chorus")
    after = refine(song, "busier bass in the chorus").composition
    assert_only(song, after, parts={(c, "bass") for c in choruses}, sections=choruses)
    assert all(section(after, c).density == {"bass": 1.4} for c in choruses)


def test_half_time_feel_for_the_whole_song(song):
    after = refine(song, "half-time feel").composition
    every = [s.id for s in song.sections]
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert {lane for _, lane in changed} == {"drums", "bass"}
    assert_only(song, after, parts=changed, sections=every)
    assert all(s.feel == "half-time" for s in after.sections)

    def backbeats(part):  # snares on beat 2 of a bar (as late as the style lays them back,
        # ghost notes aside), before the fill in the last bar
        bars = section(song, part.section_id).bars
        return [n for n in part.notes if n.pitch in (38, 40) and n.velocity >= 50
                and abs(n.start_beats % 4 - 1.0) < 0.1 and n.start_beats < bars * 4 - 4]

    # the sections whose hand-written groove plays a backbeat on 2 lose it (an imported
    # groove's sixteenths may keep a snare there, stretched over two bars)
    backed = [sid for sid in every if backbeats(song.parts[(sid, "drums")])
              and not groove_library.is_imported(section(song, sid).groove)]
    assert backed
    assert not any(backbeats(after.parts[(sid, "drums")]) for sid in backed)


def test_half_time_in_the_bridge(song):
    bridge = ids(song, "bridge")
    after = refine(song, "half-time in the bridge").composition
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert changed <= {(bridge[0], "drums"), (bridge[0], "bass")} and changed
    assert_only(song, after, parts=changed, sections=bridge)
    assert section(after, bridge[0]).feel == "half-time"


def test_add_strings(song):
    after = refine(song, "add strings").composition
    assert_only(song, after, parts={(s.id, "strings") for s in song.sections},
                context={"lanes"}, lanes={"strings"})
    assert set(after.context.lanes) == {*song.context.lanes, "strings"}  # in lane order


@pytest.mark.parametrize("text, lane", [("remove the pad", "pad"), ("no lead", "lead")])
def test_removing_a_lane_mutes_it_as_a_mix_change(song, text, lane):
    result = refine(song, text)
    assert_only(song, result.composition, lanes={lane})
    assert result.composition.lanes[lane].mute
    assert "mix change" in result.message
    back = refine(result.composition, f"bring back the {lane}").composition
    assert dump(back) == dump(song)


@pytest.mark.parametrize("text, expect", [
    ("faster", lambda t: round(t * 1.08)), ("slower", lambda t: round(t * 0.92)),
    ("120 bpm", lambda t: 120), ("set the tempo to 100", lambda t: 100),
])
def test_tempo_phrases_change_only_the_tempo(slow_song, text, expect):
    result = refine(slow_song, text)
    assert_only(slow_song, result.composition, context={"tempo_bpm"})
    assert result.composition.context.tempo_bpm == expect(slow_song.context.tempo_bpm)
    assert result.change.all_audio


def test_faster_than_the_fastest_is_reported(song):
    result = refine(song, "faster")
    assert result.composition is song
    assert result.not_understood == ["faster (the song is already at 240 bpm)"]


def test_in_d_minor_changes_the_key(song):
    after = refine(song, "in D minor").composition
    assert after.context.key == Key("D", "minor")
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert_only(song, after, parts=changed, sections=[s.id for s in song.sections],
                chords=[s.id for s in song.sections], context={"key"})
    assert [(s.kind, s.bars) for s in after.sections] == [(s.kind, s.bars) for s in song.sections]


@pytest.mark.parametrize("text, word, sign", [
    ("happier", "happy", 1), ("sadder", "sad", -1), ("make it more melancholic",
                                                     "melancholic", -1),
])
def test_mood_words_move_the_mood_toward_the_word(song, text, word, sign):
    result = refine(song, text)
    after = result.composition
    # A new mood derives the energy curve again (its arousal lifts or lowers it).
    assert {k for k in vars(song.context) if vars(song.context)[k] != vars(after.context)[k]} \
        <= {"mood", "energy_curve"}
    assert (after.context.mood.valence - song.context.mood.valence) * sign > 0.05
    assert after.context.mood.tags[0] == engine_tag(word)
    assert [(s.id, s.kind, s.bars) for s in after.sections] == \
        [(s.id, s.kind, s.bars) for s in song.sections]
    assert after.lanes.keys() == song.lanes.keys() and not result.not_understood


def engine_tag(word):
    from studio.engine import resources
    return resources.table("moods")["words"][word]["tag"]


def test_regenerate_the_bridge(song):
    bridge = ids(song, "bridge")
    after = refine(song, "regenerate the bridge").composition
    assert_only(song, after, parts={(sid, lane) for sid in bridge for lane in song.lanes})
    assert all(after.parts[(bridge[0], lane)].variation == 1 for lane in song.lanes)


def test_new_drums_in_chorus_1(song):
    chorus_1 = ids(song, "chorus")[0]
    after = refine(song, "new drums in chorus 1").composition
    assert_only(song, after, parts={(chorus_1, "drums")})


def test_several_clauses_apply_in_order(song):
    text = "more energy in the chorus and sparser drums in verse 2"
    result = refine(song, text)
    by_hand = refine(refine(song, "more energy in the chorus").composition,
                     "sparser drums in verse 2").composition
    assert dump(result.composition) == dump(by_hand)
    assert len(result.changes) == 4 and not result.not_understood
    assert "More energy in chorus 3" in result.message and "Sparser drums" in result.message
    assert result.change.stale == frozenset().union(*(c.stale for c in result.changes))


def test_a_piece_naming_only_sections_joins_the_clause_before(song):
    named = ids(song, "chorus")[:1] + ids(song, "bridge")
    after = refine(song, "darker chorus 1, and the bridge").composition
    assert all(section(after, sid).valence_offset == -0.5 for sid in named)
    changed = {k for k in song.parts if dump(song.parts[k]) != dump(after.parts[k])}
    assert_only(song, after, parts=changed, sections=named, chords=named)


def test_what_is_not_understood_is_reported(song):
    result = refine(song, "make it sound like a cat, and sparser drums in verse 9")
    assert result.composition is song and result.change is None
    assert result.not_understood[0] == "make it sound like a cat"
    assert "verse" in result.not_understood[1] and "not 9" in result.not_understood[1]


@pytest.mark.parametrize("text, said", [
    ("more energy in the chorus like a cat", "cat"), ("sparser theremin", "theremin"),
    ("half-time keys in the bridge", "drums and bass"), ("darker solo", "solo"),
])
def test_a_clause_with_an_unknown_word_is_not_half_done(song, text, said):
    result = refine(song, text)
    assert result.composition is song
    assert len(result.not_understood) == 1 and said in result.not_understood[0]


def test_plan_says_what_refine_does_and_changes_nothing(song):
    before = dump(song)
    text = "add strings, then busier strings in the chorus, and darker bridge"
    steps = plan(song, text)
    assert dump(song) == before
    assert [s.operation for s in steps] == ["add_lane"] + ["shape_section"] * 4
    result = refine(song, text)
    assert [c.message for c in result.changes] == [s.description for s in steps]
    assert dump(song) == before


def test_later_clauses_see_the_sections_earlier_ones_made(song):
    result = refine(song, "add a chorus, then more energy in chorus 4")
    new = ids(result.composition, "chorus")[3]
    assert new not in {s.id for s in song.sections} and not result.not_understood
    assert {sid for sid, _ in result.changes[-1].stale} == {new}


def test_a_clause_that_cannot_be_finished_is_not_begun():
    tiny = engine.compose("pop", 1, length_s=20)
    kinds = " and the ".join(dict.fromkeys(s.kind for s in tiny.sections))
    result = refine(tiny, f"remove the {kinds}")
    assert result.composition is tiny
    assert "at least one section" in result.not_understood[0]
