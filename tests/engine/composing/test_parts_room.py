"""Parts that leave each other room: keys and pad clear of the voice and of each other,
voicings and bass lines by style, and the marks sparse and lift."""

from dataclasses import replace

import numpy as np
import pytest

from studio import engine
from studio.engine import resources
from studio.engine.composing.arrangement import arrange
from studio.engine.composing.generators import bass, bass_figures, generator_for, voicings
from studio.engine.composing.generators.common import chord_at
from studio.engine.composing.harmony import harmonize
from studio.engine.composing.melody import DEFAULT_VOICE_RANGE
from studio.engine.composing.room import CLEARANCE, make_room, rub_beats
from studio.engine.model import Chord, Composition, Lane, Note, Part
from studio.engine.orchestrator import make_lanes
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

GENRES = sorted(resources.genres())


def song(genre="pop", tonic="C", mode="major", seed=5):
    context = make_context(genre, tonic=tonic, mode=mode, seed=seed)
    sections, _ = arrange(context, rng_for(seed, -1, "arrangement"))
    sections = harmonize(context, sections)
    return Composition("t", context, sections, make_lanes(context))


def played(composition, lane, section, variation=0):
    sections = composition.sections
    index = sections.index(next(s for s in sections if s.id == section.id))
    following = sections[index + 1] if index + 1 < len(sections) else None
    rng = rng_for(composition.context.seed, section.id, lane, variation)
    return generator_for(lane)(composition.context, section, make_lanes(
        composition.context)[lane], rng, following)


def held(pitches, start=0.0, length=4.0):
    return tuple(Note(p, start, length, 80) for p in pitches)


# ---------------------------------------------------------------- make_room

def with_vocal(notes):
    composition = song()
    section = composition.sections[1]
    composition.parts[(section.id, "vocal")] = Part("vocal", section.id, tuple(notes))
    return composition, section


def test_make_room_moves_a_note_rubbing_the_voice_an_octave_away():
    composition, section = with_vocal([Note(64, 0.0, 2.0, 90), Note(67, 2.0, 2.0, 90)])
    keys = held((60, 64, 67), length=4.0)  # 64 and 67 are sung over: both rub
    cleared = make_room(composition, section, "keys", keys)
    sung = list(composition.parts[(section.id, "vocal")].notes)
    assert sorted(n.pitch % 12 for n in cleared) == [0, 4, 7]  # the chord keeps its tones
    assert all(rub_beats(n, n.pitch, sung) == 0.0 for n in cleared)
    assert {n.pitch for n in cleared} - {60, 64, 67}  # some moved
    assert all(abs(a.pitch - b.pitch) % 12 == 0 for a, b in zip(
        sorted(keys, key=lambda n: n.pitch % 12), sorted(cleared, key=lambda n: n.pitch % 12),
        strict=True))


def test_make_room_leaves_notes_away_from_the_voice_and_everything_without_one():
    composition, section = with_vocal([Note(72, 0.0, 4.0, 90)])
    far = held((48, 52, 55))
    assert make_room(composition, section, "pad", far) == far
    quiet = held((71, 74), start=4.0)  # near in pitch, but sounding after the sung note
    assert make_room(composition, section, "pad", quiet) == quiet
    bare = song()
    assert make_room(bare, bare.sections[1], "pad", held((72, 76))) == held((72, 76))
    bare.parts[(bare.sections[1].id, "vocal")] = Part("vocal", bare.sections[1].id, ())
    assert make_room(bare, bare.sections[1], "pad", held((72, 76))) == held((72, 76))


def test_make_room_drops_a_note_no_octave_clears_when_the_chord_keeps_enough():
    # a sung C in every octave: no octave of a C can clear it
    composition, section = with_vocal([Note(p, 0.0, 4.0, 90) for p in range(24, 110, 12)])
    chord = make_room(composition, section, "keys", held((60, 64, 67)))
    assert sorted(n.pitch for n in chord) == [64, 67]
    alone = make_room(composition, section, "keys", held((60,)))
    assert len(alone) == 1  # a lone note is kept where it rubs least


def test_composed_songs_leave_the_voice_room():
    sung = near = 0.0
    for prompt in ("uplifting pop song about summer nights", "sultry r&b slow jam"):
        composition = engine.compose(prompt, 3, length_s=90)
        for section in composition.sections:
            vocal = composition.parts.get((section.id, "vocal"))
            if vocal is None:
                continue
            lanes = [composition.parts[(section.id, lane)].notes for lane in ("keys", "pad")
                     if (section.id, lane) in composition.parts]
            for note in vocal.notes:
                for t in np.arange(note.start_beats, note.end_beats - 1e-9, 0.25):
                    sung += 1
                    near += any(o.start_beats <= t < o.end_beats
                                and abs(o.pitch - note.pitch) <= CLEARANCE
                                for notes in lanes for o in notes)
    assert sung > 0 and near / sung <= 0.4


# ---------------------------------------------------------------- registers and voicings

def test_pad_sits_under_the_usual_voice_and_keys_above_its_middle_without_doubling():
    composition = song("pop")
    middle = sum(DEFAULT_VOICE_RANGE) / 2
    pad_pitches, keys_pitches, doubled, keys_count = [], [], 0, 0
    for section in composition.sections:
        pad = played(composition, "pad", section)
        keys = played(composition, "keys", section)
        pad_pitches += [n.pitch for n in pad]
        keys_pitches += [n.pitch for n in keys]
        for note in keys:
            keys_count += 1
            doubled += any(p.start_beats <= note.start_beats < p.end_beats
                           and p.pitch == note.pitch for p in pad)
    assert np.median(pad_pitches) < middle < np.median(keys_pitches)
    assert doubled / keys_count < 0.2


@pytest.mark.parametrize(("genre", "shape", "extended"), [
    ("jazz", "shell", True), ("rnb", "rootless", True), ("rock", "close", False),
    ("pop", "close", False), ("cinematic", "spread", False)])
def test_voicing_style_by_family(genre, shape, extended):
    context = make_context(genre)
    keys_shape, pad_shape, has_extensions = voicings.voicing_style(context)
    assert has_extensions == extended
    if genre != "rock":
        assert keys_shape == shape
    assert pad_shape == "spread"  # a rock pad too: it holds the third the guitars leave out


def test_extended_chords_carry_sevenths_and_ninths_from_the_key():
    context = make_context("rnb", tonic="C")
    tones = voicings.chord_tones(Chord(2, "min", 0.0, 4.0), context, extended=True)  # Dm
    assert tones == (2, 5, 9, 0, 4)  # D F A C E: Dm9
    e_minor = voicings.chord_tones(Chord(4, "min", 0.0, 4.0), context, extended=True)
    assert 5 not in e_minor  # no flat ninth over iii
    assert voicings.chord_tones(Chord(2, "min", 0.0, 4.0), context, False) == (2, 5, 9)


@pytest.mark.parametrize("shape", voicings.SHAPES)
def test_every_shape_voices_in_range_with_the_chord_tones(shape):
    pcs = (0, 4, 7, 11)
    chord = voicings.voicing(pcs, None, 43, 72, shape)
    assert 43 <= min(chord) and max(chord) <= 72
    assert {p % 12 for p in chord} <= set(pcs)
    if shape == "fifths":
        assert sorted(p - chord[0] for p in chord) == [0, 7, 12]
    if shape == "shell":
        assert {p % 12 for p in chord} == {0, 4, 11}
    if shape == "spread":
        assert max(chord) - min(chord) > 12
    if shape == "rootless":
        assert 0 not in {p % 12 for p in chord}


def test_rock_pad_spreads_open_with_its_third_and_jazz_keys_play_shells():
    rock = song("rock")
    for section in (replace(s, marks=()) for s in rock.sections):  # a lift adds an octave
        pad = played(rock, "pad", section)
        for start in {n.start_beats for n in pad}:
            chord = sorted(n.pitch for n in pad if n.start_beats == start)
            third = chord_at(section, start).pitch_classes[1]
            assert any(p % 12 == third for p in chord), chord  # heard major or minor
    jazz = song("jazz")
    section = replace(jazz.sections[1], marks=())
    onsets = {}
    for note in played(jazz, "keys", section):
        onsets.setdefault(round(note.start_beats, 2), []).append(note.pitch)
    assert all(len(chord) == 3 for chord in onsets.values())


# ---------------------------------------------------------------- marks

def marked(composition, mark, kind="chorus"):
    section = next((s for s in composition.sections if s.kind == kind),
                   composition.sections[1])
    # the same section without the marks the arrangement gave it, and with the one asked
    return replace(section, marks=()), replace(section, marks=(mark,))


@pytest.mark.parametrize("genre", ["pop", "rnb", "electronic"])
def test_the_lift_doubles_keys_an_octave_up_and_fills_out_the_pad(genre):
    composition = song(genre)
    plain, lifted = marked(composition, "lift")
    keys, lifted_keys = played(composition, "keys", plain), played(composition, "keys", lifted)
    assert len(lifted_keys) > len(keys)
    assert max(n.pitch for n in lifted_keys) == max(n.pitch for n in keys) + 12
    pad, lifted_pad = played(composition, "pad", plain), played(composition, "pad", lifted)
    assert len(lifted_pad) > len(pad) and min(n.pitch for n in lifted_pad) < min(
        n.pitch for n in pad)


@pytest.mark.parametrize("genre", ["pop", "rnb", "rock", "country", "jazz"])
def test_a_sparse_section_plays_thinner(genre):
    composition = song(genre)
    plain, sparse = marked(composition, "sparse", "verse")
    for lane in ("keys", "bass"):
        assert len(played(composition, lane, sparse)) < len(played(composition, lane, plain))
    if "pad" in composition.lanes:
        assert len(played(composition, "pad", sparse)) == 2 * len(sparse.chords)


# ---------------------------------------------------------------- bass by style

def bass_lines(genre, tonic="C", mode="major"):
    composition = song(genre, tonic, mode)
    return composition, [(s, played(composition, "bass", s)) for s in composition.sections]


@pytest.mark.parametrize("genre", ["house", "techno", "trance"])
def test_house_bass_plays_the_off_beats_not_the_kick(genre):
    composition, lines = bass_lines(genre)
    assert bass.bass_role(composition.context) == "offbeat"
    onsets = [n.start_beats for _, notes in lines for n in notes]
    assert onsets and not any(float(at).is_integer() for at in onsets)
    assert np.mean([at % 1.0 == 0.5 for at in onsets]) > 0.8


def test_trap_bass_holds_low_sub_notes():
    composition, lines = bass_lines("trap")
    assert bass.bass_role(composition.context) == "sub"
    notes = [n for _, line in lines for n in line]
    assert max(n.pitch for n in notes) <= bass_figures.SUB_RANGE[1]
    assert np.median([n.duration_beats for n in notes]) >= 0.95


@pytest.mark.parametrize(("genre", "count", "step"), [("rock", 4, 0.5), ("country", 3, 1.0)])
def test_rock_and_country_bass_run_into_the_next_section(genre, count, step):
    composition, lines = bass_lines(genre)
    assert bass.bass_role(composition.context) == "fills"
    bar = composition.context.meter.beats_per_bar
    for (section, notes), following in zip(lines, composition.sections[1:], strict=False):
        if "sparse" in section.marks:  # a thinned section plays the changes alone
            continue
        end = section.bars * bar
        run = [n for n in notes if n.start_beats >= end - count * step - 1e-6]
        assert [round(n.start_beats, 3) for n in run] == [
            round(end - (count - i) * step, 3) for i in range(count)], section.kind
        moves = [b.pitch - a.pitch for a, b in zip(run, run[1:], strict=False)]
        assert all(0 < m <= 2 for m in moves) or all(-2 <= m < 0 for m in moves), moves
        into = (following.chords[0].root_pc - run[-1].pitch) % 12
        assert into in (1, 2, 10, 11), (run[-1], following.chords[0])


@pytest.mark.parametrize("genre", GENRES)
def test_no_bass_note_below_a_bass_guitars_low_e(genre):
    for tonic, mode in (("D#", "minor"), ("E", "major")):
        _, lines = bass_lines(genre, tonic, mode)
        assert min(n.pitch for _, notes in lines for n in notes) >= 28


def test_in_range_lifts_notes_below_low_e_an_octave():
    notes = [Note(26, 0.0, 1.0, 80), Note(40, 1.0, 1.0, 80)]
    assert [n.pitch for n in bass_figures.in_range(notes)] == [38, 40]


def test_bass_role_by_style():
    roles = {g: bass.bass_role(make_context(g)) for g in
             ("house", "trap", "jazz", "rock", "country", "pop", "ambient")}
    assert roles == {"house": "offbeat", "trap": "sub", "jazz": "walking", "rock": "fills",
                     "country": "fills", "pop": "locked", "ambient": "drone"}


def test_sections_alone_are_deterministic():
    composition = song("rock")
    section = composition.sections[2]
    assert played(composition, "bass", section) == played(composition, "bass", section)


def test_horns_swell_in_a_sparse_section_and_double_up_in_the_lift():
    composition = song("salsa")
    plain, _ = marked(composition, "lift")
    plain = replace(plain, energy=0.8)

    def horns(section):
        rng = rng_for(5, section.id, "horns", 0)
        return generator_for("horns")(composition.context, section, Lane("horns", 61), rng,
                                      None)

    stabs = horns(plain)
    lifted = horns(replace(plain, marks=("lift",)))
    assert max(n.pitch for n in lifted) == max(n.pitch for n in stabs) + 12
    swells = horns(replace(plain, marks=("sparse",)))
    assert len(swells) <= 3 * len(plain.chords) < len(stabs)


def test_lead_thins_when_sparse_and_climbs_in_the_lift():
    composition = song("pop")
    plain = replace(marked(composition, "lift")[0], energy=0.7)
    line = played(composition, "lead", plain)
    sparse = played(composition, "lead", replace(plain, marks=("sparse",)))
    lifted = played(composition, "lead", replace(plain, marks=("lift",)))
    assert len(sparse) < len(line)
    assert np.mean([n.pitch for n in lifted]) > np.mean([n.pitch for n in line]) + 2


def test_voicings_keep_seconds_out_of_the_low_voices():
    # Gm9 and Cm9 spread in the pad's register: no two neighbouring voices below middle C
    # a second apart (the chord leaves out a colour tone rather than blur)
    for pcs in ((7, 10, 2, 5, 9), (0, 3, 7, 10, 2), (3, 7, 10, 2, 5)):
        chord = voicings.voicing(pcs, None, 43, 69, "spread")
        assert not any(b - a <= 2 and a < 60 for a, b in zip(chord, chord[1:], strict=False))
        assert len(chord) >= 3


def test_a_note_moved_out_of_the_voice_avoids_a_low_second():
    # 62 rubs the sung 63: an octave down (50) would sit a second from the chord's 51
    composition, section = with_vocal([Note(63, 0.0, 4.0, 90)])
    cleared = make_room(composition, section, "keys", held((51, 55, 62)))
    assert sorted(n.pitch for n in cleared) == [51, 55, 74]
