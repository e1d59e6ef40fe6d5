"""The band's shape: lanes that rest by a section's role and style, and the section marks."""

import pytest

from studio.engine import resources
from studio.engine.composing.arrangement import arrange
from studio.engine.composing.shaping import leanings
from studio.engine.model import SECTION_MARKS, Meter
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

BAND = ("drums", "bass", "keys", "pad", "strings", "horns")
# a style of each family the suite plays, with its own lanes
SUITE = ("pop", "indie-rock", "folk", "electronic", "deep-house", "hip-hop", "jazz-ballad",
         "country", "rnb", "reggae", "salsa", "cinematic", "ambient", "afrobeat")


def song_sections(genre, seed=1, length_bars=80, lanes=None):
    lanes = lanes or tuple(resources.genre(genre)["lanes"]) + ("vocal",)
    context = make_context(genre, length_bars=length_bars, lanes=lanes, seed=seed)
    sections, _ = arrange(context, rng_for(seed, -1, "arrangement"))
    return context, sections


def rests(section):
    return {lane for lane, density in section.density.items() if density == 0.0}


def test_marks_are_the_models():
    for genre in SUITE:
        _, sections = song_sections(genre)
        assert {m for s in sections for m in s.marks} <= set(SECTION_MARKS), genre


def test_a_tenth_of_the_band_rests_by_design_and_no_hook_rests():
    resting = total = 0
    for genre in SUITE:
        for seed in (1, 2):
            context, sections = song_sections(genre, seed)
            band = [lane for lane in context.lanes if lane in BAND]
            total += len(band) * len(sections)
            resting += sum(len(rests(s) & set(band)) for s in sections)
            assert not any(rests(s) for s in sections if s.kind in ("chorus", "drop")), genre
    assert resting / total >= 0.10, (resting, total)


def test_every_section_keeps_part_of_the_band():
    for genre in SUITE:
        context, sections = song_sections(genre)
        band = [lane for lane in context.lanes if lane != "vocal"]
        for s in sections:
            assert len(band) - len(rests(s)) >= min(2, len(band)), (genre, s.kind)


def test_the_first_verse_is_sparse_and_thinner_than_the_chorus():
    _, sections = song_sections("pop")
    verse = next(s for s in sections if s.kind == "verse")
    chorus = next(s for s in sections if s.kind == "chorus")
    assert "sparse" in verse.marks and rests(verse) and not rests(chorus)
    later = [s for s in sections if s.kind == "verse"][1:]
    assert later and all("sparse" not in s.marks for s in later)


def test_folk_drums_come_in_late_and_jazz_bass_and_drums_never_stop():
    _, folk = song_sections("folk")
    assert "drums" in rests(folk[0]) and "drums" in rests(folk[1])
    assert not any("drums" in rests(s) for s in folk if s.kind == "chorus")
    _, jazz = song_sections("jazz-ballad")
    assert not any({"drums", "bass"} & rests(s) for s in jazz)
    assert any(rests(s) for s in jazz)


def test_electronic_breakdown_drops_the_kick_and_the_bass():
    _, sections = song_sections("electronic")
    breakdowns = [s for s in sections if s.kind == "breakdown"]
    assert breakdowns
    for s in breakdowns:
        assert "drop-kick" in s.marks and "bass" in rests(s) and "drums" not in rests(s)


def test_builds_lead_into_hooks_and_a_break_comes_before_the_last():
    _, sections = song_sections("pop")
    kinds = [s.kind for s in sections]
    hooks = [i for i, k in enumerate(kinds) if k == "chorus"]
    for i in hooks:
        assert "build" in sections[i - 1].marks
    assert "break" in sections[hooks[-1] - 1].marks
    assert not any("break" in sections[i - 1].marks for i in hooks[:-1])
    assert not any("build" in s.marks for i, s in enumerate(sections) if i + 1 not in hooks)


def test_the_last_hook_lifts_and_the_song_ends():
    for genre in SUITE:
        _, sections = song_sections(genre)
        hook = "chorus" if any(s.kind == "chorus" for s in sections) else "drop"
        hooks = [s for s in sections if s.kind == hook]
        lifted = [s for s in sections if "lift" in s.marks]
        assert lifted == (hooks[-1:] if len(hooks) > 1 else []), genre
        assert {"ending", "fade"} & set(sections[-1].marks), genre
        assert not any({"ending", "fade"} & set(s.marks) for s in sections[:-1]), genre


def test_the_ending_follows_the_style():
    for seed in range(1, 6):
        assert "fade" in song_sections("electronic", seed)[1][-1].marks
        assert "ending" in song_sections("indie-rock", seed)[1][-1].marks
    pop = {song_sections("pop", seed)[1][-1].marks for seed in range(1, 13)}
    assert pop == {("ending",), ("fade",)}


def test_short_sections_play_through():
    _, sections = song_sections("pop", length_bars=12)
    for s in sections:
        if s.bars < leanings("pop")["phrase_bars"]:
            assert not rests(s) and "break" not in s.marks


def test_a_lane_the_song_lacks_does_not_rest():
    _, sections = song_sections("pop", lanes=("drums", "bass", "keys", "vocal"))
    assert all(rests(s) <= {"drums", "bass", "keys"} for s in sections)


@pytest.mark.parametrize("genre", ["pop", "jazz", "salsa", "folk"])
def test_other_meters_arrange_too(genre):
    context = make_context(genre, meter=Meter(3, 4), length_bars=64)
    sections, _ = arrange(context, rng_for(1, -1, "arrangement"))
    assert sum(s.bars for s in sections) == 64


def test_two_seeds_of_a_prompt_mostly_play_other_grooves():
    differ = 0
    for genre in SUITE:
        first = [s.groove for s in song_sections(genre, 1)[1]]
        second = [s.groove for s in song_sections(genre, 2)[1]]
        differ += first != second
    assert differ >= 2 * len(SUITE) / 3, differ


def test_the_seeds_take_a_styles_grooves_in_turn():
    def verses(style, seeds):
        return [next(s.groove for s in song_sections(style, seed)[1] if s.kind == "verse")
                for seed in seeds]

    verse = verses("indie-rock", range(1, 13))
    period = len(set(verse))
    assert 2 <= period <= 6, verse  # its style files' main grooves, each in turn
    assert verse[period:2 * period] == verse[:period]  # none back before each has played
    assert all(a != b for a, b in zip(verse, verse[1:], strict=False))
    # a style that plays its own grooves first keeps to them: pop has one
    assert set(verses("pop", range(1, 5))) == {"pop"}
