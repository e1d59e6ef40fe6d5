"""Render keys: a change to anything the audio depends on gives a new key, and nothing else
does."""

import json
import os
import shutil
from dataclasses import replace

import pytest

from studio import engine
from studio.engine.edit import operations
from studio.engine.model import VoiceProfile
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.engine.sound import render_keys
from studio.engine.sound.render_keys import returns_key, segment_key, wet_key
from studio.engine.sound.soundfont_file import timgm6mb_path


@pytest.fixture(scope="module")
def song():
    return engine.compose("uplifting pop song about summer nights", 4, length_s=20.0)


def keys(song, rate=44100):
    return {(s.id, lane): segment_key(song, s.id, lane, rate)
            for s in song.sections for lane in song.lanes}


def test_the_same_song_gives_the_same_keys(song):
    again = engine.compose("uplifting pop song about summer nights", 4, length_s=20.0)
    assert keys(song) == keys(again)
    assert keys(song) != keys(song, 48000)


def test_a_song_read_back_from_its_file_has_the_keys_it_was_rendered_under(song):
    # composed, a song holds numpy numbers; read back from JSON (as the project file and the
    # worker's payloads carry it), plain floats: the audio is the same, so are its keys
    back = composition_from_dict(json.loads(json.dumps(composition_to_dict(song))))
    assert keys(back) == keys(song)


def test_a_changed_note_changes_only_its_sections_key(song):
    section = song.sections[1]
    part = song.parts[(section.id, "bass")]
    note = part.notes[0]
    notes = (replace(note, pitch=note.pitch + 1),) + part.notes[1:]
    changed = replace(song, parts={**song.parts, (section.id, "bass"): replace(part, notes=notes)})
    before, after = keys(song), keys(changed)
    assert {k for k in before if before[k] != after[k]} == {(section.id, "bass")}


def test_a_changed_voice_changes_the_vocal_keys_only(song):
    profile = VoiceProfile("me", 180.0, 120.0, 300.0, 600.0, 1500.0, 0.2)
    before = keys(song)
    for change in ({"preset": "low bright"}, {"profile": profile}):
        changed, _ = operations.set_voice(song, **change)
        after = keys(changed)
        moved = {k for k in before if before[k] != after[k]}
        assert moved and all(lane == "vocal" for _, lane in moved), change


def test_another_soundfont_or_the_same_file_replaced_changes_the_instruments_keys(
        song, tmp_path, monkeypatch):
    font = tmp_path / "font.sf2"
    shutil.copyfile(timgm6mb_path(), font)
    monkeypatch.setattr(render_keys, "soundfont_path", lambda: font)
    first = keys(song)
    moved = tmp_path / "other.sf2"
    shutil.copyfile(font, moved)
    monkeypatch.setattr(render_keys, "soundfont_path", lambda: moved)
    other = keys(song)
    monkeypatch.setattr(render_keys, "soundfont_path", lambda: font)
    stamp = font.stat().st_mtime + 10
    os.utime(font, (stamp, stamp))  # a new version installed over it
    replaced = keys(song)
    for later in (other, replaced):
        changed = {k for k in first if first[k] != later[k]}
        assert changed == {k for k in first if k[1] != "vocal"}


def test_lane_and_return_keys_follow_effects_faders_and_buses(song):
    lane = song.lanes["keys"]
    sections = [("abc", 0), ("def", 1000)]
    wet = wet_key(sections, lane, 5000, 44100)
    assert wet == wet_key(list(sections), replace(lane, gain_db=-6.0), 5000, 44100)
    assert wet != wet_key(sections, replace(lane, fx=replace(lane.fx, low_shelf_db=3.0)),
                          5000, 44100)
    assert wet != wet_key(sections[:1], lane, 5000, 44100)
    assert wet != wet_key(sections, lane, 6000, 44100)
    wets = {name: wet for name in song.lanes}
    base = returns_key(wets, song.lanes, song.buses, 120.0, 44100)
    quieter = {**song.lanes, "keys": replace(lane, gain_db=lane.gain_db - 3.0)}
    assert base != returns_key(wets, quieter, song.buses, 120.0, 44100)
    assert base != returns_key(wets, song.lanes, replace(song.buses, reverb_room=0.9), 120.0,
                               44100)
    assert base != returns_key(wets, song.lanes, song.buses, 121.0, 44100)
