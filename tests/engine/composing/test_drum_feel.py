"""Drums that move: phrases with varied bars, ghost notes, accents, the style's timing, and
the section marks build, break, lift, drop-kick and ending."""

from dataclasses import replace

import numpy as np
import pytest

from studio.engine import resources
from studio.engine.composing import feel, groove_library, grooves
from studio.engine.composing.generators import drum_fills, drums
from studio.engine.model import Meter, Section
from studio.engine.rng import rng_for
from tests.engine.composing.test_drums import LANE, bar_pattern, in_bar, is_ghost
from tests.engine.contexts import make_context

FOUR_FOUR = Meter(4, 4)
SNARES = (38, 40)
TOMS = {41, 43, 45, 47, 48, 50}


def play(genre, section, seed=5, following=None, groove="", tempo_bpm=100):
    context = make_context(genre, seed=seed, tempo_bpm=tempo_bpm)
    section = replace(section, groove=groove or section.groove)
    return drums.generate(context, section, LANE, rng_for(seed, section.id, "drums"), following)


def patterns(notes, bars):
    return [frozenset(bar_pattern(notes, b, 4.0)) for b in range(bars)]


def offset_ms(note, tempo_bpm=100, swing=0.0, swing16=0.0):
    """How far a stroke sits from the nearest sixteenth (swung as the style swings), in
    milliseconds."""
    grid = feel.swing16_beats(feel.swing_beats(round(note.start_beats * 4) / 4, swing), swing16)
    return (note.start_beats - grid) * 60000.0 / tempo_bpm


@pytest.mark.parametrize("groove", ["pop", "rock", "folk", "boom_bap", "four_on_floor",
                                    "stdlib/basicrock", "zoom/hous01"])
def test_sections_play_more_than_one_bar_besides_the_fill(groove):
    for seed in range(4):
        for bars in (4, 8):
            section = Section(0, "verse", bars, 0.55, (), groove)
            notes = play("pop", section, seed, following=Section(1, "chorus", 8, 0.8, ()))
            assert len(set(patterns(notes, bars - 1))) >= 2, (groove, seed, bars)


def test_a_phrase_ends_on_the_style_files_variation_where_it_has_one():
    name = "stdlib/60srock"
    variations = groove_library.variations_of(name)
    assert variations and name not in variations
    assert all(groove_library.file_of(v) == groove_library.file_of(name) for v in variations)
    main = grooves.bar_hits(name, FOUR_FOUR, 0.7)
    rng = np.random.default_rng(1)
    section = Section(0, "verse", 8, 0.7, (), name)
    varied = drums._variation(name, FOUR_FOUR, section, [main], rng)[0]
    # the bar turns into one of the file's variations over its second half
    from_files = [{(h.step, h.note) for h in grooves.bar_hits(v, FOUR_FOUR, 0.7)
                   if not h.kick and h.step >= 8} for v in variations]
    assert {(h.step, h.note) for h in varied if not h.kick and h.step >= 8} in from_files
    assert {(h.step, h.note) for h in varied if h.step < 8} == \
        {(h.step, h.note) for h in main if h.step < 8}
    # its kicks are the main groove's, so the bass still finds them
    assert {h.step for h in main if h.kick} <= {h.step for h in varied if h.kick}


def test_seeds_vary_the_drums_of_a_section():
    section = Section(0, "verse", 8, 0.6, (), "pop")
    following = Section(1, "chorus", 8, 0.85, ())
    played = {tuple(patterns(play("pop", section, seed, following), 8)) for seed in range(6)}
    assert len(played) >= 4


def test_ghost_notes_around_the_backbeat_where_the_style_has_one():
    section = Section(0, "verse", 8, 0.75, (), "")
    for genre, groove in (("funk", "rnb"), ("pop", "pop"), ("rock", "rock")):
        notes = play(genre, replace(section, groove=groove))
        ghosts = [n for n in notes if n.pitch in SNARES and n.velocity < 50]
        assert len(ghosts) >= 4, genre
        # on sixteenths next to a backbeat (beats 2 and 4 are steps 4 and 12)
        assert all(round(n.start_beats * 4) % 16 in (1, 3, 5, 7, 9, 11, 13, 15) for n in ghosts)
    # none in a style without them, nor in a quiet section
    assert not [n for n in play("techno", replace(section, groove="four_on_floor"))
                if n.pitch in SNARES and n.velocity < 50]
    quiet = play("pop", Section(0, "verse", 8, 0.1, (), "pop"))
    assert not [n for n in quiet if n.pitch in SNARES and n.velocity < 50]


def test_hats_are_accented_on_the_beat():
    notes = play("pop", Section(0, "verse", 8, 0.5, (), "pop"))
    by_place = {"beat": [], "eighth": [], "sixteenth": []}
    for n in notes:
        if n.pitch == 42:
            step = round(n.start_beats * 4) % 4
            by_place["beat" if step == 0 else "eighth" if step == 2 else "sixteenth"].append(
                n.velocity)
    beat, eighth, sixteenth = (np.mean(by_place[k]) for k in ("beat", "eighth", "sixteenth"))
    assert beat > eighth + 5 and eighth > sixteenth + 3


def test_style_timing_is_written_into_the_notes_but_not_into_the_kick():
    section = Section(0, "verse", 8, 0.6, (), "boom_bap")
    hip_hop = play("boom-bap", section)
    rock = play("rock", replace(section, groove="rock"))
    swing = feel.swing_amount(make_context("boom-bap"))
    for notes, swung in ((hip_hop, swing), (rock, 0.0)):  # the kick on the bass's grid
        assert all(n.start_beats == feel.swing_beats(round(n.start_beats * 4) / 4, swung)
                   for n in notes if n.pitch == 36)
        assert sum(abs(offset_ms(n)) > 0.5 for n in notes) > len(notes) / 3
    swing16 = feel.drum_feel("boom-bap").swing16
    assert all(abs(offset_ms(n, swing=swing, swing16=swing16)) < 30 for n in hip_hop)
    assert all(abs(offset_ms(n)) < 20 for n in rock)

    def mean_offset(notes, pitches):
        return np.mean([offset_ms(n) for n in notes if n.pitch in pitches and n.velocity >= 50
                        and round(n.start_beats * 4) % 2 == 0])

    # a laid-back snare in hip-hop, hats pushed ahead of the beat in rock
    assert mean_offset(hip_hop, SNARES) > 8.0
    assert mean_offset(hip_hop, SNARES) > mean_offset(rock, SNARES) + 5.0
    assert mean_offset(rock, (42,)) < -2.0


def test_drum_feel_reads_default_family_then_style():
    default, family, style = (feel.drum_feel(g) for g in ("string-quartet", "hip-hop", "trap"))
    assert default.fills == "toms" and family.fills == "snare" and style.fills == "hats"
    assert family.timing_ms["backbeat"] > default.timing_ms["backbeat"]
    assert all(f.timing_ms["kick"] == 0.0 for f in (default, family, style))
    assert feel.drum_feel("folk").fills == "soft" and feel.drum_feel("jazz-ballad").ghosts == 0
    assert feel.swing16_beats(1.25, 0.3) == pytest.approx(1.25 + 0.3 * 0.25 / 3)
    assert feel.swing16_beats(1.5, 0.3) == 1.5 and feel.swing16_beats(1.25, 0.0) == 1.25


def test_transition_size():
    verse = Section(0, "verse", 8, 0.5, ())
    assert drum_fills.transition_size(verse, None) == "none"
    assert drum_fills.transition_size(verse, Section(1, "chorus", 8, 0.5, ())) == "full"
    assert drum_fills.transition_size(verse, Section(1, "bridge", 8, 0.75, ())) == "full"
    assert drum_fills.transition_size(verse, Section(1, "pre-chorus", 4, 0.6, ())) == "medium"
    assert drum_fills.transition_size(verse, Section(1, "verse", 8, 0.4, ())) == "small"
    resting = Section(1, "chorus", 8, 0.9, (), density={"drums": 0.0})
    assert drum_fills.transition_size(verse, resting) == "none"


def last_bar(notes, bars):
    return in_bar(notes, bars - 1, 4.0)


@pytest.mark.parametrize("seed", range(4))
def test_a_build_rolls_the_snare_up_into_the_hook(seed):
    section = Section(0, "pre-chorus", 4, 0.6, (), "pop", marks=("build",))
    notes = play("pop", section, seed, following=Section(1, "chorus", 8, 0.9, ()))
    roll = [n for n in last_bar(notes, 4) if n.pitch in SNARES or n.pitch in TOMS]
    assert len(roll) >= 12  # down the toms, if at all, only over the last beat
    assert all(n.start_beats >= 15.0 - 0.05 for n in roll if n.pitch in TOMS)
    first, second = roll[: len(roll) // 2], roll[len(roll) // 2:]
    assert np.mean([n.velocity for n in second]) > np.mean([n.velocity for n in first]) + 15
    assert not any(n.pitch == 42 for n in last_bar(notes, 4))


def test_a_break_leaves_the_end_of_the_section_silent_but_for_a_pickup():
    section = Section(0, "verse", 4, 0.6, (), "rock", marks=("break",))
    for seed in range(4):
        notes = play("rock", section, seed, following=Section(1, "chorus", 8, 0.9, ()))
        tail = [n for n in notes if n.start_beats >= 14.0 - 0.05]
        assert len(tail) <= 2 and all(n.pitch in SNARES for n in tail)
        assert [n for n in notes if 12.0 <= n.start_beats < 13.5]  # the bar's first half plays


def test_lift_doubles_the_hats():
    section = Section(0, "chorus", 8, 0.3, (), "pop")
    plain = play("pop", section)
    lifted = play("pop", replace(section, marks=("lift",)))
    for bar in range(1, 7):  # hats on every sixteenth, where the plain chorus leaves gaps
        assert sum(n.pitch == 42 for n in in_bar(lifted, bar, 4.0)) == 16
        assert sum(n.pitch == 42 for n in in_bar(plain, bar, 4.0)) < 14


def test_drop_kick_rests_the_kick():
    section = Section(0, "bridge", 8, 0.6, (), "pop", marks=("drop-kick",))
    notes = play("pop", section, following=Section(1, "chorus", 8, 0.9, ()))
    assert notes and not any(n.pitch in (35, 36) for n in notes)
    assert any(n.pitch in SNARES for n in notes)


def test_an_ending_is_a_final_hit_with_nothing_after():
    section = Section(0, "outro", 4, 0.7, (), "rock", marks=("ending",))
    notes = play("rock", section)
    tail = [n for n in notes if n.start_beats >= 12.0 - 0.05]
    assert {n.pitch for n in tail} == {36, 49}
    assert all(n.start_beats == 12.0 for n in tail)
    faded = play("rock", replace(section, marks=("fade",)))
    assert len([n for n in faded if n.start_beats >= 12.5]) > 4  # a fade plays on


def test_gentle_styles_swell_or_pick_up_softly_but_never_roll_the_toms():
    for seed in range(6):
        for following in (Section(1, "chorus", 8, 0.8, ()), Section(1, "verse", 8, 0.4, ())):
            notes = play("folk", Section(0, "verse", 4, 0.45, (), "folk"), seed, following)
            assert not any(n.pitch in TOMS for n in notes)
            assert not any(is_ghost(n, round(n.start_beats * 4)) and n.velocity > 50
                           for n in notes)


def test_phrases_fit_twice_in_the_section():
    for bars, allowed in ((1, {2}), (2, {3}), (4, {2}), (6, {2}), (8, {2, 4}),
                          (16, {2, 4, 8})):
        section = Section(0, "verse", bars, 0.5, ())
        seen = {drums._phrase_bars(section, np.random.default_rng(seed)) for seed in range(40)}
        assert seen == allowed, bars


def test_the_drum_feel_table_names_real_styles_and_families():
    table = resources.table("grooves")["drum_feel"]
    assert set(table["family"]) <= set(resources.families())
    assert set(table["style"]) <= set(resources.genres())
    for genre in resources.genres():
        style = feel.drum_feel(genre)
        assert style.fills in ("toms", "snare", "hats", "soft"), genre
        assert set(style.timing_ms) == set(feel.DRUM_KINDS), genre
        assert all(abs(ms) <= 20 for ms in style.timing_ms.values()), genre


def test_a_song_plays_its_own_kick_push_in_every_section_of_its_groove():
    def kicks(seed, energy, section_id=0):
        section = Section(section_id, "verse", 4, energy, (), "rock")
        notes = play("rock", section, seed)
        return {round(n.start_beats % 4, 6) for n in notes if n.pitch == 36
                and n.start_beats < 4.0}  # the first bar: no phrase end, no fill

    plain = set(grooves.kick_onsets_beats("rock", FOUR_FOUR, 0.6))
    pushes = []
    for seed in range(12):
        push = kicks(seed, 0.6) - plain
        assert len(push) <= 1 and push == kicks(seed, 0.6, section_id=3) - plain
        # the bass finds it where it finds the groove's kicks
        assert kicks(seed, 0.6) == set(grooves.kick_onsets_beats("rock", FOUR_FOUR, 0.6,
                                                                 seed=seed))
        assert kicks(seed, 0.1) == set(grooves.kick_onsets_beats("rock", FOUR_FOUR, 0.1))
        pushes.append(frozenset(push))
    assert len(set(pushes)) >= 3  # seeds push different kicks, or none
