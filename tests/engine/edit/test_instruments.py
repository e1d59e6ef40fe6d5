"""Instruments in edits: a lane's program and the drum kit swapped, lanes added for named
instruments, and Refine's instrument phrases; each apply -> revert -> equal."""

import json

import pytest

from studio import engine
from studio.engine.edit import operations as op
from studio.engine.edit.instructions import plan, refine
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.engine.sound.soundfont import drum_kit
from studio.project import Project


@pytest.fixture(scope="module")
def song():
    return engine.compose("pop song about the city", 2, length_s=40)


def dump(song) -> str:
    return json.dumps(composition_to_dict(song), sort_keys=True)


def test_a_lane_played_by_another_program_keeps_its_notes(song):
    before = dump(song)
    after, change = op.set_lane_program(song, "keys", 16)
    assert dump(song) == before  # the song it was given is untouched
    assert after.lanes["keys"].program == 16 and after.context.programs == {"keys": 16}
    assert after.parts == song.parts
    assert change.stale == {(s.id, "keys") for s in song.sections}
    assert {n: lane.program for n, lane in after.lanes.items() if n != "keys"} == \
        {n: lane.program for n, lane in song.lanes.items() if n != "keys"}
    back, _ = op.set_lane_program(after, "keys", song.lanes["keys"].program)
    assert back.context.programs == {}  # the style's own instrument again: no choice kept
    with pytest.raises(ValueError, match="already"):
        op.set_lane_program(after, "keys", 16)
    with pytest.raises(ValueError, match="kit"):
        op.set_lane_program(song, "drums", 3)
    with pytest.raises(ValueError, match="0 to 127"):
        op.set_lane_program(song, "bass", 128)


def test_a_chosen_instrument_survives_a_change_of_style(song):
    organ, _ = op.set_lane_program(song, "keys", 16)
    restyled, _ = op.change_style(organ, genre_blend={"rock": 1.0})
    assert restyled.lanes["keys"].program == 16
    assert restyled.lanes["bass"].program != organ.lanes["bass"].program  # rock's bass


def test_the_drum_kit_is_chosen_for_the_drums_alone(song):
    after, change = op.set_drum_kit(song, 40)
    assert drum_kit(after.context) == 40 and drum_kit(song.context) == 0
    assert after.parts == song.parts and after.lanes == song.lanes
    assert change.stale == {(s.id, "drums") for s in song.sections}
    assert op.set_drum_kit(after, 0)[0].context.drum_kit is None  # pop's own kit
    with pytest.raises(ValueError, match="no drum kit 7"):
        op.set_drum_kit(song, 7)


@pytest.mark.parametrize("text, operation, args", [
    ("add horns", "add_lane", ("horns", 61)),
    ("add a fiddle", "add_lane", ("strings", 110)),
    ("add a trumpet", "add_lane", ("horns", 56)),
    ("swap the keys for an organ", "set_lane_program", ("keys", 16)),
    ("replace the bass with a synth bass", "set_lane_program", ("bass", 38)),
    ("a nylon guitar instead of the piano", "set_lane_program", ("keys", 24)),
    ("switch to an upright bass", "set_lane_program", ("bass", 32)),
    ("use brushes", "set_drum_kit", (40,)),
    ("swap the drums for a drum machine", "set_drum_kit", (25,)),
    ("remove the pad", "set_lane_mix", ("pad",)),
    ("remove the piano", "set_lane_mix", ("keys",)),
])
def test_refine_reads_instruments(song, text, operation, args):
    (step,) = plan(song, text)
    assert (step.operation, step.args) == (operation, args)


@pytest.mark.parametrize("text, reason", [
    ("remove the fiddle", "no lane plays fiddle"),
    ("add a fiddle in the chorus", "whole song"),
    ("swap the strings for a harp", "no lane plays strings"),
])
def test_refine_says_what_it_cannot_do_with_an_instrument(song, text, reason):
    (step,) = plan(song, text)
    assert step.operation is None and reason in step.description


def test_adding_an_instrument_plays_it_in_every_section(song):
    result = refine(song, "add a fiddle")
    after = result.composition
    assert not result.not_understood
    assert after.lanes["strings"].program == 110 and after.context.programs == {"strings": 110}
    assert all(after.parts[(s.id, "strings")].notes for s in after.sections if s.energy > 0.2)
    assert {k: p for k, p in after.parts.items() if k[1] != "strings"} == song.parts


def test_adding_horns_plays_stabs(song):
    after = refine(song, "add horns").composition
    chorus = next(s for s in after.sections if s.kind == "chorus")
    notes = after.parts[(chorus.id, "horns")].notes
    assert notes and max(n.duration_beats for n in notes) < 0.5  # short stabs
    assert after.lanes["horns"].program == 61


@pytest.mark.parametrize("text", ["add horns", "swap the keys for an organ", "use brushes",
                                  "add a fiddle, then replace the bass with a synth bass"])
def test_apply_revert_equal(song, tmp_path, text):
    with Project.create(tmp_path / "song.ensemble") as project:
        first = project.commit(song, "first", "generate")
        result = refine(song, text)
        assert result.change is not None and not result.not_understood
        project.commit(result.composition, result.message, result.change.kind)
        assert project.load() == result.composition  # the choice is kept in the file
        project.revert(first.id)
        assert project.load() == song


def test_a_refined_song_round_trips(song):
    after = refine(song, "swap the keys for an organ, use brushes").composition
    restored = composition_from_dict(json.loads(json.dumps(composition_to_dict(after))))
    assert restored == after
    assert restored.context.programs == {"keys": 16} and restored.context.drum_kit == 40
