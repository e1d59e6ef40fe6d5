"""The limits hold for what the studio makes, and nothing beyond them gets through: every song
the generators write passes the check, each kind of impossible value is refused by name, and
an edit that would go beyond a limit is refused before it becomes a version."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio import engine
from studio.engine import limits
from studio.engine.edit.operations import OPERATIONS
from studio.engine.model import LaneFx, Note, Voice, VoiceProfile
from studio.engine.song_check import ImpossibleSong, check_recording, check_song


@pytest.fixture(scope="module")
def song():
    return engine.compose("folk song about rivers", 1, length_s=60)


@pytest.mark.parametrize("prompt", [
    "folk song about rivers", "drum and bass at 174 bpm", "waltz in 3/4 at 40 bpm",
    "12/8 blues", "bossa nova in 5/4",
])
def test_every_song_the_generators_write_is_within_the_limits(prompt):
    song = engine.compose(prompt, 4)
    check_song(song)
    assert sum(s.bars for s in song.sections) <= limits.SONG_BARS_MAX


@pytest.fixture(scope="module")
def longest_song():
    return engine.compose("metal at 240 bpm in 2/4, 15 minutes", 1)


def test_the_longest_song_a_prompt_can_ask_for_is_the_most_bars_a_song_may_have(longest_song):
    check_song(longest_song)
    assert sum(s.bars for s in longest_song.sections) == limits.SONG_BARS_MAX == 1800


def changed(song, **context):
    copy = replace(song)
    copy.context = replace(song.context, **context)
    return copy


@pytest.mark.parametrize(("change", "said"), [
    (lambda s: changed(s, tempo_bpm=0.0), "tempo is 0 bpm, where the studio makes 40 to 240"),
    (lambda s: changed(s, tempo_bpm=float("nan")), "tempo is nan bpm"),
    (lambda s: changed(s, meter=replace(s.context.meter, numerator=7, denominator=8)), "7/8"),
    (lambda s: changed(s, genre_blend={"polka-core": 1.0}), "'polka-core'"),
    (lambda s: changed(s, key=replace(s.context.key, tonic="H")), "'H'"),
])
def test_an_impossible_context_is_refused_by_name(song, change, said):
    with pytest.raises(ImpossibleSong, match=said):
        check_song(change(song))


def with_note(song, lane="bass", **note):
    copy = replace(song, parts=dict(song.parts))
    key = (song.sections[1].id, lane)
    part = copy.parts[key]
    copy.parts[key] = replace(part, notes=(replace(part.notes[0], **note),) + part.notes[1:])
    return copy


@pytest.mark.parametrize(("note", "said"), [
    ({"pitch": 128}, "pitch .* is 128"), ({"pitch": -1}, "is -1"),
    ({"velocity": 0}, "velocity .* is 0"), ({"duration_beats": 0.0}, "lasts 0.0 beats"),
    ({"start_beats": -1.0}, "start .* is -1 beats"),
    ({"duration_beats": 1e9}, "end .* is 1e\\+09 beats"),
])
def test_an_impossible_note_is_refused_by_name(song, note, said):
    with pytest.raises(ImpossibleSong, match=said):
        check_song(with_note(song, **note))


def test_impossible_mix_voice_and_words_are_refused(song):
    loud = replace(song, lanes={**song.lanes, "bass": replace(song.lanes["bass"],
                                                              gain_db=400.0)})
    with pytest.raises(ImpossibleSong, match="gain of bass is 400 dB"):
        check_song(loud)
    fx = replace(song, lanes={**song.lanes, "keys": replace(
        song.lanes["keys"], fx=LaneFx(comp_ratio=0.0))})
    with pytest.raises(ImpossibleSong, match="comp ratio of keys is 0"):
        check_song(fx)
    profile = VoiceProfile("me", 120.0, 90.0, 9e9, 500.0, 1500.0, 0.2)
    vocal = replace(song.lanes["vocal"], voice=replace(song.lanes["vocal"].voice or Voice(),
                                                         profile=profile))
    sung = replace(song, lanes={**song.lanes, "vocal": vocal})
    with pytest.raises(ImpossibleSong, match="f0_high_hz is 9e\\+09"):
        check_song(sung)
    section_id = next(iter(song.lyrics))
    words = song.lyrics[section_id]
    lines = tuple(words.lines) * 200
    wordy = replace(song, lyrics={**song.lyrics, section_id: replace(words, lines=lines)})
    with pytest.raises(ImpossibleSong, match="number of lines"):
        check_song(wordy)
    line = words.lines[0]
    far = replace(line.syllables[0], note_index=10_000)
    astray = replace(words, lines=(replace(line, syllables=(far,) + line.syllables[1:]),)
                     + words.lines[1:])
    with pytest.raises(ImpossibleSong, match="sung on notes 10000"):
        check_song(replace(song, lyrics={**song.lyrics, section_id: astray}))


def test_a_recording_the_studio_cannot_have_kept_is_refused():
    check_recording(12.0, 44100, 1)
    with pytest.raises(ImpossibleSong, match="its length is 3600 s, where the studio makes 10 "
                                             "to 600 s"):
        check_recording(3600.0, 8000, 1)
    with pytest.raises(ImpossibleSong, match="channels is 0"):
        check_recording(12.0, 44100, 0)


def test_edits_are_refused_beyond_the_limits(song, longest_song):
    with pytest.raises(ValueError, match="out of range: choose 40 to 240 bpm"):
        OPERATIONS["change_tempo"](song, 5000)
    with pytest.raises(ValueError, match="1 to 64 bars"):
        OPERATIONS["set_section_bars"](song, song.sections[1].id, 65)
    with pytest.raises(ValueError, match="is refused: the gain of bass is 40 dB"):
        OPERATIONS["set_lane_mix"](song, "bass", gain_db=40.0)
    section = song.sections[1]
    beats = section.bars * song.context.meter.beats_per_bar
    crowd = [Note(60, 0.0, 0.25, 90)] * int(limits.NOTES_PER_BEAT_MAX * beats + 1)
    with pytest.raises(ValueError, match="number of notes of keys"):
        OPERATIONS["set_notes"](song, section.id, "keys", crowd)
    with pytest.raises(ValueError, match="is refused: the song's length is 1808 bars"):
        OPERATIONS["extend"](longest_song, "chorus")
