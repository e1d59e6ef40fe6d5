"""Instruments by name: the table, the instruments a prompt asks for, the lanes they play in a
style, and songs whose MIDI file plays them."""

import pretty_midi
import pytest

from studio import engine
from studio.engine import resources
from studio.engine.composing import instruments
from studio.engine.composing.context import build_context
from studio.engine.composing.prompt import read_prompt
from studio.engine.model import LANE_ORDER


def asked(text):
    """(what was said, lane, program, kit, action) of each instrument a prompt asks for."""
    return [(r.said, r.lane, r.program, r.kit, r.action) for r in read_prompt(text).instruments]


def test_the_table_holds_every_general_midi_program_and_kit():
    table = instruments.programs()
    assert [i.program for i in table] == list(range(128))
    assert table[0].name == "Acoustic Grand Piano" and table[127].name == "Gunshot"
    assert len(instruments.families()) == 16
    assert all(len(items) == 8 for items in instruments.families().values())
    assert {i.lane for i in table} <= set(LANE_ORDER) - {"drums", "vocal"}
    assert instruments.kits() == {0: "standard", 8: "room", 16: "power", 24: "electronic",
                                  25: "tr-808", 32: "jazz", 40: "brush", 48: "orchestral"}
    text = (resources.resource_dir() / "instruments.toml").read_text()
    assert "General MIDI" in text.split("\n\n")[0]  # the source is named at the top


@pytest.mark.parametrize("said, program, lane", [
    ("fiddle", 110, "lead"), ("banjo", 105, "keys"), ("organ", 16, "keys"),
    ("hammond", 16, "keys"), ("slap bass", 36, "bass"), ("upright bass", 32, "bass"),
    ("double bass", 32, "bass"), ("nylon guitar", 24, "keys"), ("classical guitar", 24, "keys"),
    ("rhodes", 4, "keys"), ("wurlitzer", 4, "keys"), ("trumpet", 56, "horns"),
    ("trombone", 57, "horns"), ("brass section", 61, "horns"), ("sax", 65, "lead"),
    ("flute", 73, "lead"), ("synth bass", 38, "bass"), ("steel drums", 114, "lead"),
    ("sitar", 104, "lead"), ("koto", 107, "keys"), ("kalimba", 108, "keys"),
    ("accordion", 21, "keys"), ("harmonica", 22, "lead"), ("bagpipes", 109, "lead"),
    ("choir", 52, "pad"), ("string ensemble", 48, "strings"), ("fiddles", 110, "lead"),
])
def test_words_people_type_name_programs(said, program, lane):
    (request,) = [r for r in instruments.named(said) if r.program is not None]
    assert (request.program, request.lane) == (program, lane)


@pytest.mark.parametrize("text, expected", [
    ("bluegrass with a fiddle and banjo",
     [("fiddle", "lead", 110, None, "add"), ("banjo", "keys", 105, None, "add")]),
    ("funk with slap bass and horns",
     [("slap bass", "bass", 36, None, "add"), ("horns", "horns", 61, None, "add")]),
    ("banjo", [("banjo", "keys", 105, None, "add")]),
    ("hip hop with 808s", [("808s", "bass", 38, None, "add"), ("808s", "drums", None, 25, "add")]),
    ("nylon guitar instead of piano", [("nylon guitar", "keys", 24, None, "replace")]),
    ("replace the piano with an organ", [("organ", "keys", 16, None, "replace")]),
    ("jazz ballad with brushes", [("brushes", "drums", None, 40, "add")]),
    ("lo-fi with a drum machine", [("drum machine", "drums", None, 25, "add")]),
    ("country without the banjo", [("banjo", "keys", 105, None, "remove")]),
    ("pop with a jazz guitar", [("jazz guitar", "keys", 26, None, "add")]),
])
def test_a_prompt_asks_for_instruments(text, expected):
    assert asked(text) == expected
    assert read_prompt(text).ignored_words == ()  # every word read


def test_what_a_replacement_takes_the_place_of_is_kept():
    (request,) = read_prompt("nylon guitar instead of piano").instruments
    assert request.instead_of == "piano"
    (request,) = read_prompt("swap the keys for an organ").instruments
    assert (request.program, request.instead_of) == (16, "keys")


def test_reading_instruments_leaves_the_rest_of_the_prompt_as_it_was():
    reading = read_prompt("sad jazz with brushes at 80 bpm in D minor, no vocals")
    assert reading.genre_blend == {"jazz": 1.0} and reading.tempo_bpm == 80
    assert (reading.tonic, reading.mode) == ("D", "minor")
    assert reading.excluded_lanes == {"vocal"} and reading.mood_tags
    assert read_prompt("rock, no drums").excluded_lanes == {"drums"}
    assert read_prompt("rock, no drums").instruments == ()
    # a word that names nothing stays unread
    assert "theremin" in read_prompt("pop with a theremin").ignored_words


def test_a_style_named_with_an_instrument_word_stays_a_style():
    protected = read_prompt("dream pop with a fiddle")
    assert protected.genre_blend == {"dream-pop": 1.0}
    assert [r.program for r in protected.instruments] == [110]


def context(text, seed=5):
    return build_context(read_prompt(text), seed)


def test_an_instrument_replaces_the_program_of_a_lane_the_style_has():
    made = context("pop with an organ")
    assert made.programs == {"keys": 16} and made.lanes == context("pop").lanes


def test_an_instrument_adds_the_lane_a_style_lacks():
    made = context("pop with horns")
    assert made.programs == {"horns": 61}
    assert made.lanes == ("drums", "bass", "keys", "pad", "horns", "lead", "vocal")


def test_instead_of_finds_the_lane_that_plays_it():
    # rock's keys lane plays an overdriven guitar: "instead of the guitar" is that lane
    rock = resources.genre("rock")["lanes"]
    assert instruments.program(rock["keys"]).family == "guitar"
    assert context("rock, piano instead of the guitar").programs == {"keys": 0}
    assert context("pop, replace the bass with a tuba").programs == {"bass": 58}


def test_two_instruments_for_one_lane_share_the_band():
    made = context("pop with a fiddle and a flute")
    assert made.programs == {"lead": 110, "strings": 73} and "strings" in made.lanes
    made = context("pop with a fiddle and a sax")  # a wind instrument joins the horns
    assert made.programs == {"lead": 110, "horns": 65} and "horns" in made.lanes


def test_a_generic_word_keeps_the_instrument_of_its_kind():
    assert context("rock with guitars").programs == {}  # rock's guitar plays on
    assert context("pop with guitars").programs == {"keys": 25}


def test_a_kit_is_chosen_and_no_drums_still_means_none():
    assert context("jazz with brushes").drum_kit == 40
    made = context("ambient with brushes")
    assert "drums" in made.lanes and made.drum_kit == 40
    left_out = context("rock with brushes, no drums")
    assert "drums" not in left_out.lanes and left_out.drum_kit is None


def test_without_an_instrument_leaves_out_the_lane_that_plays_it():
    assert resources.genre("country")["lanes"]["lead"] == 110  # country's fiddle
    assert "lead" not in context("country without the fiddle").lanes
    assert context("pop without the banjo").lanes == context("pop").lanes


def test_a_prompt_without_instruments_chooses_none():
    made = context("uplifting pop song about summer nights")
    assert made.programs == {} and made.drum_kit is None


def midi_programs(song, folder):
    """The programs (and kits) that play notes in the song's song.mid, as export writes it."""
    path = engine.write_midi(song, folder / "song.mid")
    played = pretty_midi.PrettyMIDI(str(path)).instruments
    return ({i.program for i in played if not i.is_drum and i.notes},
            {i.program for i in played if i.is_drum and i.notes})


def test_a_song_plays_the_instruments_its_prompt_names(tmp_path):
    song = engine.compose("bluegrass with a fiddle and banjo", 3, length_s=40)
    pitched, _ = midi_programs(song, tmp_path)
    assert {110, 105} <= pitched
    song = engine.compose("funk with slap bass and horns", 3, length_s=40)
    pitched, _ = midi_programs(song, tmp_path)
    # the horns may rest in a section by design (a sparse first verse), not in the song
    assert {36, 61} <= pitched and any(song.parts[(s.id, "horns")].notes for s in song.sections)
    song = engine.compose("lo-fi hip hop with 808s", 3, length_s=40)
    pitched, kits = midi_programs(song, tmp_path)
    assert 38 in pitched and kits == {25}
