"""Arrangement shaping: breaks, fades, the final hit, the last hook's lift; and what a whole
song sounds like for it (a lifted last chorus, an ending that rings)."""

from dataclasses import replace

import pytest

from studio import engine
from studio.engine.composing.shaping import (
    fade,
    final_hit,
    octave_layer,
    overdub,
    shape_part,
    silence_after,
)
from studio.engine.model import Composition, Note, Section
from tests.engine.contexts import make_context

CHORD = (Note(60, 0.0, 2.0, 80), Note(64, 0.0, 2.0, 80), Note(67, 0.0, 2.0, 80))


def notes_every_beat(beats=16, pitch=60):
    return tuple(Note(pitch, float(b), 1.5, 90) for b in range(beats))


def composition(genre="pop", lanes=("drums", "bass", "keys", "pad", "vocal")):
    return Composition("t", make_context(genre, lanes=lanes))


def test_a_break_silences_the_last_beats():
    kept = silence_after(notes_every_beat(), 14.0)
    assert max(n.start_beats for n in kept) == 13.0
    assert max(n.end_beats for n in kept) == pytest.approx(14.0)


def test_a_fade_ramps_down_to_its_floor():
    faded = fade(notes_every_beat(), 16.0, 0.25)
    velocities = [n.velocity for n in faded]
    assert velocities[0] == 90 and velocities == sorted(velocities, reverse=True)
    assert velocities[-1] <= 0.3 * 90


def test_the_final_hit_rings_and_nothing_follows():
    ended = final_hit(notes_every_beat(), 12.0, 16.0)
    assert max(n.start_beats for n in ended) == 12.0
    assert [n.end_beats for n in ended if n.start_beats == 12.0] == [16.0]
    # a lane with nothing on the hit holds what sounds across it
    held = final_hit((Note(48, 10.0, 4.0, 70), Note(50, 13.0, 1.0, 70)), 12.0, 16.0)
    assert held == (Note(48, 10.0, 6.0, 70),)
    # a drum hit does not ring
    drums = final_hit(notes_every_beat(), 12.0, 16.0, ring=False)
    assert [n.duration_beats for n in drums if n.start_beats == 12.0] == [1.5]


def test_the_octave_layer_adds_one_voice_above_each_onset():
    lifted = octave_layer(CHORD + (Note(90, 2.0, 1.0, 80),))
    added = lifted[4:]
    assert [n.pitch for n in added] == [79]  # 90 + 12 is out of the bright register
    assert added[0].velocity < 80


def test_the_overdub_fills_the_section():
    taps = overdub(54, 0.5, 8.0)
    assert len(taps) == 16 and taps[0].velocity > taps[1].velocity


def test_shape_part_reads_the_marks_by_lane():
    song = composition()
    plain = Section(0, "chorus", 4, 0.8)
    notes = notes_every_beat()
    assert shape_part(song, plain, "keys", notes) == notes
    lifted = replace(plain, marks=("lift",))
    assert shape_part(song, lifted, "keys", notes) == notes  # the keys voice their own lift
    assert len(shape_part(song, lifted, "drums", notes)) == 16 + 32  # a tambourine on 8ths
    assert shape_part(song, lifted, "bass", notes) == notes
    broken = replace(plain, marks=("break",))
    assert max(n.start_beats for n in shape_part(song, broken, "keys", notes)) < 14.0
    assert shape_part(song, broken, "drums", notes) == notes  # the drums make their own
    ending = replace(plain, marks=("ending",))
    for lane in ("keys", "drums"):
        assert max(n.start_beats for n in shape_part(song, ending, lane, notes)) == 12.0


def test_jazz_lifts_without_a_tambourine():
    song = composition("jazz-ballad")
    lifted = Section(0, "verse", 4, 0.8, marks=("lift",))
    assert shape_part(song, lifted, "drums", notes_every_beat()) == notes_every_beat()


def notes_per_bar(song, section):
    return sum(len(song.parts[(section.id, lane)].notes) for lane in song.lanes
               if (section.id, lane) in song.parts) / section.bars


@pytest.mark.parametrize("prompt", ["uplifting pop song about summer nights",
                                    "happy country road trip song",
                                    "dark electronic track"])
def test_a_song_lifts_its_last_hook_and_ends(prompt):
    song = engine.compose(prompt, 1, length_s=150)
    kinds = [s.kind for s in song.sections]
    hook = "chorus" if "chorus" in kinds else "drop"
    hooks = [s for s in song.sections if s.kind == hook]
    assert notes_per_bar(song, hooks[-1]) >= 1.15 * notes_per_bar(song, hooks[0])
    bar = song.context.meter.beats_per_bar
    last_bar = song.total_beats - bar
    notes = [n for lane in song.lanes if lane != "vocal" for n in song.lane_notes(lane)]
    last = song.sections[-1]
    if "ending" in last.marks:
        assert max(n.start_beats for n in notes) < last_bar + 0.5
        assert max(n.end_beats for n in notes) == pytest.approx(song.total_beats)
    else:
        start = song.total_beats - last.bars * bar
        early = [n.velocity for n in notes if start <= n.start_beats < start + bar]
        late = [n.velocity for n in notes if n.start_beats >= last_bar]
        assert sum(late) / len(late) < 0.6 * sum(early) / len(early)


def test_the_overdub_swings_with_the_song():
    straight = overdub(54, 0.5, 4.0)
    swung = overdub(54, 0.5, 4.0, swing=0.9)
    assert [n.start_beats for n in swung][::2] == [n.start_beats for n in straight][::2]
    assert all(s.start_beats > t.start_beats
               for s, t in zip(swung[1::2], straight[1::2], strict=True))


def test_a_cinematic_tutti_doubles_its_low_line_an_octave_up():
    song = composition("cinematic")
    lifted = Section(0, "chorus", 4, 0.8, marks=("lift",))
    low = tuple(Note(40, float(beat), 1.0, 80) for beat in range(16))
    doubled = shape_part(song, lifted, "bass", low)
    assert sorted({n.pitch for n in doubled}) == [40, 52]
    assert shape_part(song, lifted, "strings", low) == low  # the strings voice their own


def test_a_songs_only_verse_is_not_thinned():
    song = engine.compose("ambient soundscape", 2, length_s=60)
    assert [s.kind for s in song.sections] == ["intro", "verse", "outro"]
    verse = song.sections[1]
    assert "sparse" not in verse.marks and not verse.density
    longer = engine.compose("ambient soundscape", 2, length_s=150)
    first = next(s for s in longer.sections if s.kind == "verse")
    assert "sparse" in first.marks  # a verse that another section follows is thinned
