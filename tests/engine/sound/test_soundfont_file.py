"""The SoundFont file: FluidR3 where installed, TimGM6mb otherwise, every kit in both, the
kit an export reports, and lanes sharing one loaded font without hearing each other."""

import dataclasses
import json

import numpy as np
import pytest
import tinysoundfont

from studio.engine.composing import instruments
from studio.engine.sound.soundfont import SoundFontSynth, drum_kit, soundfont_report
from studio.engine.sound.soundfont_file import (
    FLUID_R3,
    installed_soundfonts,
    kit_played,
    presets,
    soundfont_path,
    timgm6mb_path,
)
from tests.engine.songs import make_song


def test_fluid_r3_plays_where_it_is_installed():
    assert soundfont_path() == (FLUID_R3 if FLUID_R3.is_file() else timgm6mb_path())
    assert installed_soundfonts()[0] == soundfont_path()
    assert timgm6mb_path() in installed_soundfonts()


@pytest.mark.parametrize("path", installed_soundfonts(), ids=lambda p: p.name)
def test_every_program_and_kit_is_a_preset_of_each_font(path):
    held = presets(path)
    assert all((0, program) in held for program in range(128))
    assert all((128, kit) in held for kit in instruments.kits())
    # the headers read from the file are the presets the synth finds
    synth = tinysoundfont.Synth()
    sfid = synth.sfload(str(path))
    assert all(synth.sfpreset_name(sfid, bank, preset) == name
               for (bank, preset), name in held.items())


def test_a_kit_the_font_lacks_falls_back_to_the_standard_kit():
    assert kit_played(25) == 25
    assert kit_played(99) == 0


def test_the_report_names_the_font_and_the_kit_played():
    song = make_song()
    report = soundfont_report(song)
    assert report["soundfont"] == soundfont_path().name
    assert report["drum_kit"]["asked"] == report["drum_kit"]["played"] == drum_kit(song.context)
    song.context = dataclasses.replace(song.context, drum_kit=99)  # no font has kit 99
    missing = soundfont_report(song)["drum_kit"]
    assert (missing["asked"], missing["played"], missing["name"]) == (99, 0, "Standard")
    assert "standard kit" in missing["note"]
    json.dumps(missing)
    del song.lanes["drums"]
    assert "drum_kit" not in soundfont_report(song)


def test_lanes_share_the_font_and_do_not_hear_each_other():
    song = make_song()
    first = SoundFontSynth(song.lanes["keys"], song.context, 44100)
    alone = first.render_part(song, song.sections[0].id)
    drums = SoundFontSynth(song.lanes["drums"], song.context, 44100)
    bass = SoundFontSynth(song.lanes["bass"], song.context, 44100)
    assert first.synth is drums.synth is bass.synth  # loaded once
    drums.render_part(song, song.sections[0].id)
    bass.render_part(song, song.sections[1].id)
    again = first.render_part(song, song.sections[0].id)
    assert np.array_equal(alone, again)

