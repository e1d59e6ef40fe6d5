"""Bass, keys, pad and lead: in key, locked to the kick, smooth voices, chord tones."""

from dataclasses import replace

import numpy as np
import pytest

from studio.engine import resources
from studio.engine.composing import feel, groove_library
from studio.engine.composing.arrangement import arrange
from studio.engine.composing.generators import bass, generator_for, keys
from studio.engine.composing.generators.common import chord_at
from studio.engine.composing.harmony import harmonize
from studio.engine.model import Lane, Meter, is_strong
from studio.engine.orchestrator import make_lanes
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

GENRES = sorted(resources.genres())
METERS = [Meter(4, 4), Meter(3, 4), Meter(6, 8), Meter(2, 4), Meter(12, 8)]


def song(genre="pop", mode="minor", meter=None, seed=5):
    context = make_context(genre, tonic="F#", mode=mode, meter=meter, seed=seed)
    sections, _ = arrange(context, rng_for(seed, -1, "arrangement"))
    return context, harmonize(context, sections)


def parts(context, sections, lane_name, variation=0):
    lane = make_lanes(context)[lane_name]
    generate = generator_for(lane_name)
    result = []
    for i, section in enumerate(sections):
        following = sections[i + 1] if i + 1 < len(sections) else None
        rng = rng_for(context.seed, section.id, lane_name, variation)
        result.append((section, generate(context, section, lane, rng, following)))
    return result


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("lane", ["bass", "keys", "pad", "lead"])
def test_notes_are_valid_and_in_key_unless_marked(genre, lane):
    context, sections = song(genre)
    scale = set(context.key.scale_pcs)
    for section, notes in parts(context, sections, lane):
        assert notes, (section.kind, lane)
        end = section.bars * context.meter.beats_per_bar
        for note in notes:
            assert 0 <= note.start_beats < end
            assert note.duration_beats > 0 and 1 <= note.velocity <= 127
            assert 0 <= note.pitch <= 127
            assert note.chromatic == (note.pitch % 12 not in scale)


@pytest.mark.parametrize("genre", GENRES)
def test_lead_strong_beats_are_chord_tones(genre):
    context, sections = song(genre)
    hits = total = 0
    for section, notes in parts(context, sections, "lead"):
        for note in notes:
            if is_strong(note.start_beats, context.meter):
                chord = next(c for c in section.chords
                             if c.start_beats <= note.start_beats < c.start_beats
                             + c.duration_beats)
                total += 1
                hits += note.pitch % 12 in chord.pitch_classes
    assert total > 0 and hits / total >= 0.85


def hand_written(sections, groove):
    """The sections, all playing one groove."""
    return [replace(section, groove=groove) for section in sections]


@pytest.mark.parametrize(("genre", "groove"), [
    ("pop", "pop"), ("rock", "rock"), ("hip-hop", "boom_bap"), ("metal", "metal"),
    ("folk", "folk")])
def test_bass_lands_on_the_kick_and_the_chord_changes(genre, groove):
    """Outside the runs that lead into a phrase (rock and country fill the last bar of a
    phrase: bass_figures.fills) the bass lands on kicks, chord changes and approaches."""
    context, sections = song(genre)
    sections = hand_written(sections, groove)
    fills = bass.bass_role(context) == "fills"
    for section, notes in parts(context, sections, "bass"):
        bar = context.meter.beats_per_bar
        kicks = bass.kick_grid(context, section)
        swing = feel.swing_amount(context)

        def grid(positions, swing=swing):
            return {round(feel.swing_beats(p, swing), 4) for p in positions}

        allowed = grid(b * bar + k for b in range(section.bars) for k in kicks)
        allowed |= grid(c.start_beats for c in section.chords)
        approaches = grid(c.start_beats - 0.5 for c in section.chords)
        for note in notes:
            bar_index = int(note.start_beats // bar)
            if fills and ((bar_index + 1) % 4 == 0 or bar_index == section.bars - 1):
                continue
            at = round(note.start_beats, 4)
            assert at in allowed or (at in approaches), (section.kind, note)
        roots = [n for n in notes if round(n.start_beats, 4) in
                 {round(c.start_beats, 4) for c in section.chords}]
        assert all(any(n.pitch % 12 == c.root_pc for c in section.chords) for n in roots)


def test_keys_voice_leading_is_smooth():
    context, sections = song("pop", "major")
    moves = []
    for section in sections:
        voices = keys.voicings(section, *keys.KEYS_RANGE)
        for a, b in zip(voices, voices[1:], strict=False):
            if len(a) == len(b):
                moves.append(np.mean([abs(x - y) for x, y in zip(a, b, strict=True)]))
    assert moves and np.mean(moves) <= 3.0


@pytest.mark.parametrize("meter", METERS, ids=str)
@pytest.mark.parametrize("lane", ["bass", "keys", "pad", "lead"])
def test_every_meter_works(meter, lane):
    context, sections = song("folk", meter=meter)
    for section, notes in parts(context, sections, lane):
        assert notes and max(n.start_beats for n in notes) < section.bars * meter.beats_per_bar


def test_same_seed_same_notes_other_variation_differs():
    context, sections = song("pop")
    a = parts(context, sections, "lead")
    b = parts(context, sections, "lead")
    c = parts(context, sections, "lead", variation=1)
    assert [n for _, n in a] == [n for _, n in b]
    assert [n for _, n in a] != [n for _, n in c]


@pytest.mark.parametrize(("genre", "groove"), [
    ("bossa-nova", "stdlib/bossanova"), ("ska", "stdlib/ska"), ("polka", "stdlib/polka"),
    ("tango", "stdlib/tango"), ("salsa", "stdlib/salsa"), ("jazz", "stdlib/swing"),
    ("western-swing", "stdlib/countryswing")])
def test_an_imported_bass_line_keeps_its_rhythm_and_finds_the_chords(genre, groove):
    context, sections = song(genre)
    sections = hand_written(sections, groove)  # a groove of the style's own files
    swing = feel.swing_amount(context)
    for section, notes in parts(context, sections, "bass"):
        line = groove_library.pattern(section.groove)
        assert line.bass, section.groove
        end = section.bars * context.meter.beats_per_bar
        onsets = {round(feel.swing_beats(start + beat, swing), 4)
                  for start in np.arange(0.0, end, line.beats) for beat, *_ in line.bass
                  if start + beat < end}
        played = {round(n.start_beats, 4) for n in notes}
        if "sparse" in section.marks:  # a thinned section keeps the line's strong beats
            assert played < onsets, section.groove
        else:
            assert played == onsets, section.groove
        # what the line plays as the root of its C chord is the root of the chord sounding
        for note in notes:
            chord = chord_at(section, note.start_beats)
            home = [b for b, semitones, *_ in line.bass if semitones % 12 == 0]
            if any(abs((note.start_beats % line.beats) - b) < 1e-3 for b in home) \
                    and not swing:
                assert note.pitch % 12 == chord.root_pc, (section.groove, note, chord)


def test_walking_bass_moves_in_quarters_with_skips_and_walks_in_two_when_quiet():
    context, sections = song("jazz", "major")
    sections = hand_written(sections, "jazz_swing")
    skips = 0
    for section, notes in parts(context, sections, "bass"):
        beats = int(section.bars * context.meter.beats_per_bar)
        swing = feel.swing_amount(context)
        on_beat = {round(n.start_beats, 4) for n in notes if float(n.start_beats).is_integer()}
        off_beat = [n for n in notes if not float(n.start_beats).is_integer()]
        assert all(abs(n.start_beats % 1.0 - feel.swing_beats(0.5, swing)) < 1e-6
                   for n in off_beat)
        skips += len(off_beat)
        if section.energy < 0.35 or "sparse" in section.marks:  # a two-feel: half notes
            assert len(on_beat) <= beats // 2 + len(section.chords)
        else:
            assert len(on_beat) == beats
    assert skips > 0


def test_generator_for_unknown_lane():
    with pytest.raises(ValueError, match="theremin"):
        generator_for("theremin")
    assert Lane("bass", 33).gain_db == 0.0
