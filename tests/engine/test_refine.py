"""Refine in words: each phrase changes what it names and nothing else."""

import pytest

from studio import engine
from studio.engine.refine import refine


@pytest.fixture(scope="module")
def song():
    return engine.compose("uplifting pop song about summer nights", 1, length_s=180)


def ids(song, kind):
    return [s.id for s in song.sections if s.kind == kind]


def changed_parts(before, after):
    return {k for k in set(before.parts) | set(after.parts)
            if before.parts.get(k) != after.parts.get(k)}


def changed_context(before, after):
    a, b = vars(before.context), vars(after.context)
    return {k for k in a if a[k] != b[k]}


def other_chords_kept(before, after, section_ids):
    return all(a.chords == b.chords for a, b in zip(before.sections, after.sections,
                                                    strict=True) if a.id not in section_ids)


def test_more_energy_in_the_chorus(song):
    result = refine(song, "more energy in the chorus")
    choruses = ids(song, "chorus")
    assert {sid for sid, _ in changed_parts(song, result.composition)} == set(choruses)
    for before, after in zip(song.sections, result.composition.sections, strict=True):
        if before.id in choruses:
            assert after.energy > before.energy
        else:
            assert after.energy == pytest.approx(before.energy)
    assert other_chords_kept(song, result.composition, [])
    assert not result.not_understood


def test_darker_bridge(song):
    bridge = ids(song, "bridge")
    result = refine(song, "darker bridge")
    after = {s.id: s for s in result.composition.sections}
    before = {s.id: s for s in song.sections}
    minor = sum(c.quality.startswith("min") for c in after[bridge[0]].chords)
    assert minor > sum(c.quality.startswith("min") for c in before[bridge[0]].chords)
    assert {sid for sid, _ in changed_parts(song, result.composition)} == set(bridge)
    assert other_chords_kept(song, result.composition, bridge)
    assert changed_context(song, result.composition) == set()


def test_sparser_drums_in_verse_2(song):
    verse_2 = ids(song, "verse")[1]
    result = refine(song, "sparser drums in verse 2")
    assert changed_parts(song, result.composition) == {(verse_2, "drums")}
    assert len(result.composition.parts[(verse_2, "drums")].notes) < \
        len(song.parts[(verse_2, "drums")].notes)


def test_half_time_feel(song):
    result = refine(song, "half-time feel")
    lanes = {lane for _, lane in changed_parts(song, result.composition)}
    assert lanes <= {"drums", "bass"} and "drums" in lanes
    assert all(s.feel == "half-time" for s in result.composition.sections)
    chorus = next(s for s in song.sections if s.kind == "chorus")
    before_bars = chorus.bars * 4 - 4  # the last bar is a fill either way

    def backbeats(part):
        return [n for n in part.notes if n.pitch in (38, 40) and n.start_beats % 4 == 1.0
                and n.start_beats < before_bars]

    assert backbeats(song.parts[(chorus.id, "drums")])
    assert not backbeats(result.composition.parts[(chorus.id, "drums")])  # the snare moved


def test_add_strings(song):
    result = refine(song, "add strings")
    assert {lane for _, lane in changed_parts(song, result.composition)} == {"strings"}
    assert "strings" in result.composition.lanes


@pytest.mark.parametrize("phrase, field, expect", [
    ("faster", "tempo_bpm", lambda s, t: t > s), ("slower", "tempo_bpm", lambda s, t: t < s),
    ("92 bpm", "tempo_bpm", lambda s, t: t == 92),
])
def test_tempo_phrases_change_only_the_tempo(song, phrase, field, expect):
    result = refine(song, phrase)
    assert changed_context(song, result.composition) == {field}
    assert expect(song.context.tempo_bpm, result.composition.context.tempo_bpm)
    assert result.composition.parts == song.parts


def test_regenerate_and_vary(song):
    bridge = ids(song, "bridge")
    result = refine(song, "regenerate the bridge")
    assert {sid for sid, _ in changed_parts(song, result.composition)} == set(bridge)
    chorus_1 = ids(song, "chorus")[0]
    result = refine(song, "new drums in chorus 1")
    assert changed_parts(song, result.composition) == {(chorus_1, "drums")}


def test_mute_a_lane_is_a_mix_change(song):
    result = refine(song, "remove the pad")
    assert result.composition.lanes["pad"].mute and not song.lanes["pad"].mute
    assert result.composition.parts == song.parts


def test_several_clauses_apply_in_order(song):
    result = refine(song, "more energy in the chorus and sparser drums in verse 2")
    assert len(result.changes) == 2 and not result.not_understood


def test_what_is_not_understood_is_reported(song):
    result = refine(song, "make it sound like a cat, and sparser drums in verse 9")
    assert result.composition is song
    assert result.not_understood[0] == "make it sound like a cat"
    assert "verse" in result.not_understood[1] and "not 9" in result.not_understood[1]
