"""MIDI export: conductor track, one named track per lane, exact timing, same bytes every time."""

import io

import mido
import pytest

from studio.engine.export.midi import key_signature, time_signature, to_midi, write_midi
from studio.engine.model import Key, Lane, Meter, Note, Part
from tests.engine.songs import LANES, make_song, single_note_song


def _bytes(song) -> bytes:
    buffer = io.BytesIO()
    to_midi(song).save(file=buffer)
    return buffer.getvalue()


def _reread(song) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(_bytes(song)))


def test_conductor_track_holds_title_tempo_metre_and_key():
    song = make_song(tempo_bpm=96.0, title="Grey Morning")
    midi = _reread(song)
    assert midi.type == 1 and midi.ticks_per_beat == 480
    meta = {m.type: m for m in midi.tracks[0] if m.is_meta}
    assert meta["track_name"].name == "Grey Morning"
    assert meta["set_tempo"].tempo == mido.bpm2tempo(96.0)
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (4, 4)
    assert meta["key_signature"].key == "Am"
    # the file ends where the song ends
    assert midi.length == pytest.approx(song.total_beats * 60.0 / 96.0, abs=1e-3)


def test_one_named_track_per_lane_with_its_channel_and_program():
    song = make_song()
    midi = _reread(song)
    names = [next(m.name for m in t if m.type == "track_name") for t in midi.tracks[1:]]
    assert names == list(LANES)
    channels = {}
    for name, track in zip(names, midi.tracks[1:], strict=True):
        program = next(m for m in track if m.type == "program_change")
        channels[name] = program.channel
        if name != "drums":
            assert program.program == song.lanes[name].program
        note_ons = [m for m in track if m.type == "note_on"]
        assert len(note_ons) == len(song.lane_notes(name))
        assert {m.channel for m in note_ons} == {program.channel}
    assert channels == {"drums": 9, "bass": 0, "keys": 1, "pad": 2, "lead": 3}


def test_lanes_follow_lane_order_and_skip_channel_nine():
    song = make_song(lanes=("lead", "keys", "bass"))
    for index in range(10):
        song.lanes[f"extra{index}"] = Lane(f"extra{index}", program=index)
    midi = _reread(song)
    names = [next(m.name for m in t if m.type == "track_name") for t in midi.tracks[1:]]
    assert names[:3] == ["bass", "keys", "lead"]
    channels = [next(m.channel for m in t if m.type == "program_change") for t in midi.tracks[1:]]
    assert channels == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13]


def test_note_timing_in_ticks():
    song = single_note_song(lane="lead", pitch=72, start_beats=2.5, duration_beats=0.75)
    track = _reread(song).tracks[1]
    now, times = 0, {}
    for message in track:
        now += message.time
        if message.type in ("note_on", "note_off"):
            times[message.type] = (now, message.note)
    assert times == {"note_on": (1200, 72), "note_off": (1560, 72)}


def test_repeated_pitch_releases_before_it_strikes_again():
    song = single_note_song(lane="keys", start_beats=0.0, duration_beats=1.0)
    song.parts[(0, "keys")] = Part("keys", 0, (Note(60, 0.0, 1.0, 90), Note(60, 1.0, 1.0, 90)))
    track = _reread(song).tracks[1]
    kinds = [m.type for m in track if m.type in ("note_on", "note_off")]
    assert kinds == ["note_on", "note_off", "note_on", "note_off"]


def test_titles_outside_latin1_still_save():
    song = make_song(title="Café 雨 song")
    names = [m.name for m in _reread(song).tracks[0] if m.type == "track_name"]
    assert names == ["Café ? song"]


def test_same_bytes_every_time(tmp_path):
    song = make_song()
    assert _bytes(song) == _bytes(song)
    path = write_midi(song, tmp_path / "sub" / "song.mid")
    assert path.read_bytes() == _bytes(song)


@pytest.mark.parametrize(
    "key, name",
    [
        (Key("A", "minor"), "Am"),
        (Key("C", "major"), "C"),
        (Key("F#", "minor"), "F#m"),
        (Key("Bb", "major"), "Bb"),
        (Key("Eb", "minor"), "Ebm"),
        (Key("Gb", "major"), "Gb"),
        (Key("F#", "major"), "F#"),
        (Key("D", "minor"), "Dm"),
        (Key("D", "dorian"), "C"),
        (Key("E", "phrygian"), "C"),
        (Key("F", "lydian"), "C"),
        (Key("A", "dorian"), "G"),
        (Key("G", "mixolydian"), "C"),
        (Key("C", "dorian"), "Bb"),
    ],
)
def test_key_signature_names(key, name):
    assert key_signature(key) == name
    mido.MetaMessage("key_signature", key=name)  # mido accepts the name


def test_compound_metre_clicks_on_the_dotted_quarter():
    message = time_signature(Meter(6, 8))
    assert (message.numerator, message.denominator, message.clocks_per_click) == (6, 8, 36)
    assert time_signature(Meter(3, 4)).clocks_per_click == 24
