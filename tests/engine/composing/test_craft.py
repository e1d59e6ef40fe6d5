"""The craft measures on small songs written by hand, each made to pass and to fail."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.engine.composing import craft, feel
from studio.engine.model import (
    Chord,
    Composition,
    Lane,
    LyricLine,
    Meter,
    Note,
    Part,
    Section,
    SectionLyrics,
)
from tests.engine.contexts import make_context

LANES = ("drums", "bass", "keys", "pad", "lead", "vocal")
KICK, SNARE, HAT, CRASH = 36, 38, 42, 49


def song(kinds=("verse", "chorus"), bars=4, meter=None, genre="pop",
         lanes=LANES) -> Composition:
    """A song of empty sections, one C major chord a bar."""
    meter = meter or Meter(4, 4)
    bar_beats = meter.beats_per_bar
    context = make_context(genre, meter=meter, lanes=lanes, length_bars=bars * len(kinds))
    sections = [Section(i, kind, bars, 0.5,
                        chords=tuple(Chord(0, "maj", b * bar_beats, bar_beats)
                                     for b in range(bars)))
                for i, kind in enumerate(kinds)]
    return Composition("test", context, sections,
                       lanes={lane: Lane(lane, 0, is_drums=lane == "drums") for lane in lanes})


def put(c: Composition, index: int, lane: str, notes) -> None:
    section = c.sections[index]
    c.parts[(section.id, lane)] = Part(lane, section.id, tuple(notes))


def beat_notes(pitch, starts, duration=0.5, velocity=80):
    return [Note(pitch, float(t), duration, velocity) for t in starts]


def rock_bar(bar, extra=()):
    """Kick on 1 and 3, snare on 2 and 4, eighth hats, in bar `bar`."""
    b = bar * 4.0
    return (beat_notes(KICK, (b, b + 2), 0.1) + beat_notes(SNARE, (b + 1, b + 3), 0.1)
            + beat_notes(HAT, [b + i / 2 for i in range(8)], 0.1) + list(extra))


def fill_every_lane(c: Composition, per_bar: int = 4) -> None:
    bar_beats = c.context.meter.beats_per_bar
    for i, section in enumerate(c.sections):
        for lane in ("drums", "bass", "keys", "pad"):
            starts = [b * bar_beats + k * bar_beats / per_bar for b in range(section.bars)
                      for k in range(per_bar)]
            put(c, i, lane, beat_notes(60, starts))


# ------------------------------------------------------------------ the band and its form

def test_silent_section_lanes_counts_lanes_that_rest():
    c = song()
    fill_every_lane(c)
    assert craft.silent_section_lanes(c) == (0, 8)  # drums, bass, keys, pad x 2 sections
    put(c, 0, "drums", ())
    del c.parts[(c.sections[0].id, "bass")]
    assert craft.silent_section_lanes(c) == (2, 8)
    # the lead's rests under the voice are its habit, not the arrangement's
    assert craft.silent_section_lanes(c, craft.BAND_LANES) == (4, 10)


def test_chorus_lift_compares_last_chorus_with_first():
    c = song(("chorus", "verse", "chorus"))
    fill_every_lane(c, per_bar=4)
    assert craft.chorus_lift(c) == pytest.approx(1.0)
    put(c, 2, "lead", beat_notes(72, range(0, 16, 2)))  # another layer: 8 notes in 4 bars
    assert craft.chorus_lift(c) == pytest.approx((16 + 2) / 16)
    assert craft.chorus_lift(song(("verse", "chorus"))) is None


def test_a_song_played_to_the_barline_is_cut():
    c = song()
    fill_every_lane(c, per_bar=4)  # a note on every beat to the end
    assert craft.ending(c) == "cut"


def test_a_final_hit_held_rings_out():
    c = song()
    fill_every_lane(c, per_bar=4)
    for lane in ("bass", "keys", "pad"):
        kept = [n for n in c.parts[(1, lane)].notes if n.start_beats < 12]
        put(c, 1, lane, kept + [Note(48, 12.0, 4.0, 90)])
    put(c, 1, "drums", [n for n in c.parts[(1, "drums")].notes if n.start_beats < 12]
        + [Note(CRASH, 12.0, 0.1, 110), Note(KICK, 12.0, 0.1, 110)])
    assert craft.ending(c) == "ring-out"
    # the same hit struck short, with nothing left to ring, stops dead
    for lane in ("bass", "keys", "pad"):
        put(c, 1, lane, [n for n in c.parts[(1, lane)].notes if n.start_beats < 12]
            + [Note(48, 12.0, 0.25, 90)])
    put(c, 1, "drums", [Note(KICK, 12.0, 0.1, 110)])
    assert craft.ending(c) == "cut"


def test_a_velocity_ramp_down_is_a_fade():
    c = song(bars=4)
    fill_every_lane(c, per_bar=4)
    for lane in ("drums", "bass", "keys", "pad"):
        put(c, 1, lane, [Note(60, n.start_beats, 0.5, 100 - 15 * int(n.start_beats // 4))
                         for n in c.parts[(1, lane)].notes])
    assert craft.ends_in_fade(c)
    assert craft.ending(c) == "fade"
    put(c, 1, "keys", beat_notes(60, range(16), velocity=110))  # one lane keeps playing loud
    assert not craft.ends_in_fade(c)
    for lane in ("drums", "bass", "keys", "pad"):  # soft, then swelling again: no fade
        put(c, 1, lane, [Note(60, float(t), 0.5, (100, 40, 50, 60)[t // 4]) for t in range(16)])
    assert not craft.ends_in_fade(c)


# ------------------------------------------------------------------ drums

def test_one_bar_repeated_is_one_pattern():
    c = song(bars=8)
    put(c, 0, "drums", [n for bar in range(8) for n in rock_bar(bar)])
    assert craft.section_pattern_count(c, c.sections[0]) == 1
    assert craft.varied_drum_sections(c) == (0, 1)  # the silent chorus is not counted


def test_a_variation_at_the_phrase_end_is_a_second_pattern_but_fill_and_crash_are_not():
    c = song(bars=8)
    notes = [n for bar in range(8) for n in rock_bar(bar)]
    notes += [Note(CRASH, 0.0, 0.1, 110), Note(CRASH, 16.0, 0.1, 110)]  # phrase marks
    notes += beat_notes(45, (30.0, 30.5, 31.0, 31.5), 0.1)  # the fill in the last bar
    put(c, 0, "drums", notes)
    assert craft.section_pattern_count(c, c.sections[0]) == 1
    notes += [Note(KICK, 4 * 3 + 3.5, 0.1, 90)]  # bar 4 pushes a kick into the next phrase
    put(c, 0, "drums", notes)
    assert craft.section_pattern_count(c, c.sections[0]) == 2
    assert craft.varied_drum_sections(c) == (1, 1)


def test_microtiming_is_off_the_grid_and_swing_is_not():
    c = song()
    put(c, 0, "drums", rock_bar(0) + rock_bar(1))
    assert craft.off_grid_share(c) == 0.0
    laid_back = [Note(n.pitch, n.start_beats + (0.03 if n.pitch == SNARE else 0.0),
                      n.duration_beats, n.velocity) for n in rock_bar(0) + rock_bar(1)]
    put(c, 0, "drums", laid_back)
    assert craft.off_grid_share(c) == pytest.approx(4 / 24)
    assert craft.off_grid_share(song()) is None
    swung = song(genre="jazz")  # jazz swings its eighths: they land on the swung grid
    amount = feel.swing_amount(swung.context)
    put(swung, 0, "drums", beat_notes(HAT, [0.0, feel.swing_beats(0.5, amount), 1.0], 0.1))
    assert craft.off_grid_share(swung) == 0.0


def test_ghost_notes_are_soft_snares_between_the_beats():
    c = song()
    put(c, 0, "drums", rock_bar(0) + [Note(SNARE, 1.75, 0.1, 35), Note(SNARE, 2.5, 0.1, 40)])
    assert craft.ghost_notes(c) == 2
    put(c, 0, "drums", rock_bar(0) + [Note(SNARE, 2.0, 0.1, 35), Note(HAT, 1.75, 0.1, 30)])
    assert craft.ghost_notes(c) == 0  # a soft snare on the beat, a soft hat: no ghosts


def test_backbeat_is_a_snare_on_two_and_four():
    c = song()
    put(c, 0, "drums", [n for bar in range(4) for n in rock_bar(bar)])
    assert craft.has_backbeat(c)
    four_on_floor = [n for bar in range(4) for n in beat_notes(KICK, range(bar * 4, bar * 4 + 4))]
    put(c, 0, "drums", four_on_floor)
    assert not craft.has_backbeat(c)
    machine = song()  # the same backbeat from a drum machine: no drummer's ghost notes wanted
    machine.context = replace(machine.context, drum_kit=25)
    put(machine, 0, "drums", [n for bar in range(4) for n in rock_bar(bar)])
    assert craft.drum_kit(machine) == 25 and craft.drum_kit(c) == 0
    assert not craft.has_backbeat(machine)


def test_groove_identity_tells_two_beats_apart():
    a, b = song(), song()
    for c in (a, b):
        put(c, 0, "drums", [n for bar in range(4) for n in rock_bar(bar)])
    assert craft.groove_identity(a) == craft.groove_identity(b)
    # hats louder or busier do not make another groove; a kick moved does
    put(b, 0, "drums", [n for bar in range(4) for n in rock_bar(bar)]
        + beat_notes(HAT, [0.25, 4.25, 8.25, 12.25], 0.1))
    assert craft.groove_identity(a) == craft.groove_identity(b)
    put(b, 0, "drums", [n for bar in range(4)
                        for n in rock_bar(bar, [Note(KICK, bar * 4 + 2.5, 0.1, 90)])])
    assert craft.groove_identity(a) != craft.groove_identity(b)
    assert craft.grooves_differ(a, b)
    congas = [Note(63, t, 0.1, 80) for t in (0.0, 1.5, 2.0, 3.5)]
    put(a, 0, "drums", congas)
    put(b, 0, "drums", congas[:3])
    assert craft.grooves_differ(a, b)  # no kick or snare: the hand drums are the groove


def test_grooves_differ_in_the_kinds_two_songs_share():
    a, b = song(("verse", "chorus")), song(("verse", "chorus", "bridge"))
    for c in (a, b):
        put(c, 0, "drums", [n for bar in range(4) for n in rock_bar(bar)])
        put(c, 1, "drums", [n for bar in range(4) for n in rock_bar(bar)])
    put(b, 2, "drums", [n for bar in range(4) for n in rock_bar(bar, [Note(KICK, 4 * bar + 1.5,
                                                                           0.1, 90)])])
    assert not craft.grooves_differ(a, b)  # the bridge only b has is no new groove
    put(b, 0, "drums", [n for bar in range(4) for n in rock_bar(bar, [Note(KICK, 4 * bar + 1.5,
                                                                           0.1, 90)])])
    assert craft.grooves_differ(a, b)  # one of two shared kinds changed


# ------------------------------------------------------------------ room and the hook

def test_vocal_crowding_is_sung_time_with_a_near_note_sounding():
    c = song()
    put(c, 0, "vocal", [Note(67, 0.0, 4.0, 90)])
    put(c, 0, "pad", [Note(65, 0.0, 1.0, 60), Note(60, 0.0, 4.0, 60)])  # F for a beat, C below
    put(c, 0, "keys", [Note(67, 0.5, 1.0, 60), Note(79, 2.0, 2.0, 60)])  # G, then an octave up
    assert craft.vocal_crowding(c) == pytest.approx(1.5 / 4.0)
    assert craft.vocal_crowding(c, ("pad",)) == pytest.approx(1.0 / 4.0)
    assert craft.vocal_crowding(song()) is None


def lyrics(c: Composition, index: int, texts) -> None:
    section = c.sections[index]
    c.lyrics[section.id] = SectionLyrics(
        section.id, tuple(LyricLine(t, (), section.id) for t in texts), "X" * len(texts))


def test_a_chorus_that_repeats_its_line_three_times_has_a_hook():
    c = song(("chorus",))
    lyrics(c, 0, ["Hold on to me", "the night is long", "Hold on to me!", "hold on to ME"])
    put(c, 0, "vocal", beat_notes(60, range(16)))
    assert craft.line_repeats(c, c.sections[0]) == 3
    assert craft.chorus_hooks(c) == [True]
    lyrics(c, 0, ["Hold on to me", "the night is long", "Hold on to me", "and so am I"])
    assert craft.chorus_hooks(c) == [False]
    assert craft.chorus_hooks(c, times=2) == [True]


def test_a_motif_said_three_times_is_a_hook_and_a_monotone_is_not():
    motif = [(0, 64), (1, 62), (2, 60), (2.5, 62)]
    moved = [(0, 65), (1, 63), (2, 61), (2.5, 63)]  # the same steps and rhythm, a semitone up
    notes = [Note(p, bar * 4 + t, 0.5, 90) for bar, shape in enumerate((motif, moved, motif))
             for t, p in shape]
    assert craft.motif_repeats(notes) == 3
    assert craft.motif_repeats(notes[:8]) == 2
    assert craft.motif_repeats(beat_notes(60, range(16))) == 0
    c = song(("chorus",))
    lyrics(c, 0, ["one", "two", "three", "four"])
    put(c, 0, "vocal", notes)
    assert craft.chorus_hooks(c) == [True]


def test_vocal_rests_are_gaps_of_a_sixteenth_or_more():
    c = song()
    put(c, 0, "vocal", [Note(60, 0.0, 1.0, 90), Note(62, 1.1, 0.9, 90),  # a breath, no rest
                        Note(64, 2.0, 0.5, 90), Note(65, 3.0, 1.0, 90),  # half a beat
                        Note(67, 6.0, 1.0, 90)])  # two beats
    assert craft.vocal_rests(c) == pytest.approx([0.5, 2.0])


def test_lowest_bass_note():
    c = song()
    put(c, 0, "bass", [Note(40, 0.0, 1.0, 90), Note(27, 1.0, 1.0, 90)])
    assert craft.lowest_note(c) == 27
    assert craft.lowest_note(song()) is None


def test_opening_spread_finds_a_frame_shared_by_songs():
    a, b, d = song(("verse",)), song(("verse",)), song(("verse",))
    lyrics(a, 0, ["I can still see the road", "And I think of you"])
    lyrics(b, 0, ["I can still see the sea", "The sun goes down"])
    lyrics(d, 0, ["We ran", "Nobody knows the way"])
    assert craft.line_openings(a) == {"i can still", "and i think"}
    assert craft.opening_spread([a, b, d]) == ("i can still", pytest.approx(2 / 3))


# ------------------------------------------------------------------ descriptive figures

def test_bass_root_share_and_bass_on_kicks():
    c = song()
    put(c, 0, "bass", [Note(36, 0.0, 1.0, 90), Note(40, 1.0, 1.0, 90),
                       Note(48, 2.0, 1.0, 90), Note(43, 3.5, 0.5, 90)])
    assert craft.bass_root_share(c) == pytest.approx(0.5)
    put(c, 0, "drums", beat_notes(KICK, (0.0, 2.0, 3.0), 0.1))
    assert craft.bass_on_kicks(c) == pytest.approx(2 / 3)


def test_keys_doubling_pad():
    c = song()
    put(c, 0, "pad", [Note(60, 0.0, 4.0, 60), Note(64, 0.0, 4.0, 60)])
    put(c, 0, "keys", [Note(60, 0.0, 2.0, 70), Note(67, 0.0, 2.0, 70)])
    assert craft.keys_doubling_pad(c) == pytest.approx(0.5)


def test_vocal_on_beat_share_and_verse_melody_kept():
    c = song(("verse", "verse"))
    first = [Note(60, 0.0, 1.0, 90), Note(62, 1.5, 0.5, 90), Note(64, 2.0, 1.0, 90),
             Note(65, 3.0, 1.0, 90)]
    put(c, 0, "vocal", first)
    put(c, 1, "vocal", first[:2] + [Note(67, 2.0, 1.0, 90)])
    assert craft.vocal_on_beat_share(c) == pytest.approx(5 / 7)
    assert craft.verse_melody_kept(c) == pytest.approx(2 / 4)
