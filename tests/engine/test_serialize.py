"""Serialization: every field survives a trip through plain dicts and JSON."""

import dataclasses
import json

import pytest

from studio.engine import serialize
from studio.engine.model import (
    Buses,
    Key,
    Lane,
    LaneFx,
    Mastering,
    Meter,
    Note,
    NoteExpression,
    Part,
    Voice,
    VoiceProfile,
)
from tests.engine.songs import make_song


def _unusual_song():
    """A song whose fields are not all defaults, so a dropped field would show."""
    song = make_song(sections=2, bars_per_section=2)
    song.context = dataclasses.replace(
        song.context, key=Key("F#", "dorian"), meter=Meter(6, 8), tempo_bpm=87.5,
        programs={"keys": 105, "horns": 61}, drum_kit=40,
        understood=(("jazz", 0.62), ("lo-fi", 0.6)),
    )
    song.lanes["lead"].gain_db, song.lanes["lead"].pan = -2.5, -0.4
    song.lanes["pad"].mute, song.lanes["keys"].solo = True, True
    song.parts[(1, "lead")] = Part(
        "lead", 1, (Note(66, 0.5, 0.25, 77, chromatic=True),), variation=3, locked=True
    )
    song.sections[0] = dataclasses.replace(song.sections[0], groove="half-time")
    song.mastering = Mastering(preset="warm", target_lufs=-11.5)
    song.buses = Buses(reverb_room=0.9, delay_beats=1.5)
    song.lanes["bass"].fx = LaneFx(low_cut_hz=40.0, comp_threshold_db=-18.0, comp_ratio=3.0)
    profile = VoiceProfile("mine", 140.0, 98.0, 260.0, 610.0, 1500.0, 0.2, recording_id=3)
    song.lanes["vocal"] = Lane("vocal", 53, voice=Voice(
        "low bright", vibrato=0.5, portamento=1.5, breath=0.0, profile=profile,
        profile_amount=0.7, notes=(NoteExpression(1, 4, vibrato=0.0),
                                   NoteExpression(0, 2, portamento=2.0))))
    return song


def test_composition_round_trip_through_json():
    song = _unusual_song()
    data = serialize.composition_to_dict(song)
    assert data["schema_version"] == serialize.SCHEMA_VERSION
    text = json.dumps(data)
    assert serialize.composition_from_dict(json.loads(text)) == song
    assert serialize.composition_from_dict(data) == song


def test_parts_are_keyed_by_section_and_lane_lists():
    song = _unusual_song()
    data = json.loads(json.dumps(serialize.composition_to_dict(song)))
    keys = [tuple(entry["key"]) for entry in data["parts"]]
    assert keys == list(song.parts)
    restored = serialize.composition_from_dict(data)
    assert restored.parts[(1, "lead")].locked and restored.parts[(1, "lead")].variation == 3
    assert restored.parts[(1, "lead")].notes[0].chromatic


def test_context_round_trip_keeps_tuples():
    context = _unusual_song().context
    data = json.loads(json.dumps(serialize.context_to_dict(context)))
    restored = serialize.context_from_dict(data)
    assert restored == context
    assert isinstance(restored.mood.tags, tuple) and isinstance(restored.energy_curve[0], tuple)
    assert hash(restored.key) == hash(context.key)


def test_newer_schema_is_refused():
    data = serialize.composition_to_dict(make_song(sections=1))
    data["schema_version"] = serialize.SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="newer"):
        serialize.composition_from_dict(data)


def test_every_model_field_is_written():
    song = _unusual_song()
    data = serialize.composition_to_dict(song)
    assert set(data) - {"schema_version"} == {f.name for f in dataclasses.fields(song)}
    context_fields = {f.name for f in dataclasses.fields(song.context)}
    assert set(data["context"]) == context_fields
    assert set(data["parts"][0]["part"]) == {f.name for f in dataclasses.fields(Part)}


def test_a_context_with_nothing_guessed_is_written_as_before_the_field_existed():
    context = make_song(sections=1).context
    data = serialize.context_to_dict(context)
    assert "understood" not in data
    assert serialize.context_from_dict(data) == context


def test_a_context_without_chosen_instruments_is_written_as_before_they_existed():
    song = make_song(sections=1)
    data = serialize.context_to_dict(song.context)
    assert "programs" not in data and "drum_kit" not in data
    restored = serialize.context_from_dict(json.loads(json.dumps(data)))
    assert restored == song.context and restored.programs == {} and restored.drum_kit is None
    kit_zero = dataclasses.replace(song.context, drum_kit=0)  # the standard kit, chosen
    assert serialize.context_to_dict(kit_zero)["drum_kit"] == 0


def test_a_lane_written_before_voices_loads_with_the_default_voice():
    data = serialize.composition_to_dict(make_song(sections=1))
    for lane in data["lanes"]:
        lane.pop("voice")
    song = serialize.composition_from_dict(json.loads(json.dumps(data)))
    assert all(lane.voice is None for lane in song.lanes.values())
