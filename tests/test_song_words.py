"""Words in the song: compose() writes lyrics and a vocal line into the composition, the
operations change one section's words or melody and keep the rest, and the project file,
the MIDI file and the exports carry them."""

from __future__ import annotations

from functools import cache

import mido
import numpy as np
import pretty_midi
import pytest
from music21 import converter

from studio import engine
from studio.engine.composing.room import ROOM_LANES
from studio.engine.edit import operations
from studio.engine.export.files import ExportOptions
from studio.engine.export.midi import to_midi
from studio.engine.lyrics.plan import SUNG_KINDS
from studio.engine.lyrics.providers import make_provider
from studio.engine.lyrics.stage import LyricsFitError
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.project import Project

VOICED = ("vocal", *ROOM_LANES)  # a new vocal remakes these lanes of its section

PROMPT = "uplifting pop song about summer nights"


@cache
def song() -> engine.Composition:
    return engine.compose(PROMPT, 4, length_s=130)


def texts(composition):
    return {sid: words.texts for sid, words in composition.lyrics.items()}


def ids(composition, kind):
    return [s.id for s in composition.sections if s.kind == kind]


def assert_aligned(composition):
    """Every syllable points at notes of its section's vocal part, in order, covering all."""
    for sid, vocal in composition.vocals().items():
        used = []
        for line in vocal.lyrics.lines:
            for syllable in line.syllables:
                used += range(syllable.note_index, syllable.note_index + syllable.note_count)
        assert used == list(range(len(vocal.notes))), sid


def test_compose_sings_every_sung_section_and_the_lead_makes_room():
    composition = song()
    sung = [s for s in composition.sections if s.kind in SUNG_KINDS]
    assert set(composition.lyrics) == {s.id for s in sung}
    assert_aligned(composition)
    for section in composition.sections:
        vocal = composition.parts[(section.id, "vocal")].notes
        lead = composition.parts[(section.id, "lead")].notes
        assert bool(vocal) == (section.kind in SUNG_KINDS), section.kind
        if vocal:
            assert not lead  # the voice has the tune here
    assert any(composition.parts[(s.id, "lead")].notes for s in composition.sections)


def test_an_instrumental_has_no_words_and_the_lead_plays_everywhere():
    composition = engine.compose("instrumental " + PROMPT, 4, length_s=60)
    assert "vocal" not in composition.lanes and not composition.lyrics
    verse = ids(composition, "verse")[0]
    assert composition.parts[(verse, "lead")].notes


def test_compose_progress_names_the_lyrics_and_melody_stages():
    stages = []
    engine.compose(PROMPT, 4, length_s=40, progress=lambda e: stages.append(e.stage))
    assert [s for s in dict.fromkeys(stages)] == list(engine.orchestrator.COMPOSE_STAGES)


def test_a_persons_lyrics_for_the_song_are_sung():
    text = ("[Verse]\nI walked along the river in the rain\nThe city lights were calling out "
            "my name\n\n[Chorus]\nHold on to the night\nWe are burning bright")
    composition = engine.compose(PROMPT, 4, length_s=130, lyrics_text=text)
    verse, chorus = ids(composition, "verse")[0], ids(composition, "chorus")
    assert composition.lyrics[verse].texts[:2] == ("I walked along the river in the rain",
                                                   "The city lights were calling out my name")
    assert all(composition.lyrics[c].texts == ("Hold on to the night", "We are burning bright")
               for c in chorus)
    assert composition.lyrics[verse].source == "user"
    assert_aligned(composition)


def test_lyrics_that_cannot_be_sung_are_refused_with_the_line():
    text = "[Chorus]\n" + "\n".join([" ".join(["unbelievably"] * 10)] * 4)
    with pytest.raises(LyricsFitError, match="line 1 of the chorus"):
        engine.compose(PROMPT, 4, length_s=130, lyrics_text=text)


def test_an_unreachable_provider_falls_back_with_a_message():
    messages = []
    provider = make_provider("chat", url="http://127.0.0.1:9/v1", timeout_s=0.5)
    composition = engine.compose(PROMPT, 4, length_s=130, lyrics_provider=provider,
                                 progress=lambda e: messages.append(e.message))
    assert texts(composition) == texts(song())
    assert any("built-in writer" in m for m in messages)


def test_regenerate_the_lyrics_of_one_verse():
    before = song()
    verse, other = ids(before, "verse")[:2]
    after, change = operations.regenerate_lyrics(before, verse)
    assert after.lyrics[verse].texts != before.lyrics[verse].texts
    assert after.lyrics[verse].variation == 1
    assert {sid for sid in before.lyrics if texts(after)[sid] != texts(before)[sid]} == {verse}
    # a new vocal remakes the section's keys, pad and strings around it, and nothing else
    changed = {k for k in before.parts if before.parts[k] != after.parts[k]}
    assert (verse, "vocal") in changed and changed <= {(verse, lane) for lane in VOICED}
    assert change.stale == changed
    # no line of the new verse repeats one sung elsewhere
    elsewhere = {t for sid, lines in texts(after).items() if sid != verse for t in lines}
    assert not set(after.lyrics[verse].texts) & elsewhere
    assert_aligned(after)


def test_new_chorus_lyrics_change_every_chorus_alike():
    before = song()
    choruses = ids(before, "chorus")
    after, change = operations.regenerate_lyrics(before, choruses[1])
    new = {after.lyrics[c].texts for c in choruses}
    assert len(new) == 1 and new != {before.lyrics[choruses[0]].texts}
    assert {sid for sid in before.lyrics if texts(after)[sid] != texts(before)[sid]} == \
        set(choruses)
    assert {sid for sid, lane in change.stale} == set(choruses)
    assert_aligned(after)


def test_vary_the_melody_keeps_the_words():
    before = song()
    chorus = ids(before, "chorus")[0]
    after, change = operations.vary_lane(before, chorus, "vocal")
    assert texts(after) == texts(before)
    assert after.parts[(chorus, "vocal")].notes != before.parts[(chorus, "vocal")].notes
    assert (chorus, "vocal") in change.stale
    assert change.stale <= {(chorus, lane) for lane in VOICED}
    assert_aligned(after)


def test_edit_one_section_by_hand():
    before = song()
    bridge = ids(before, "bridge")[0]
    after, _ = operations.set_lyrics(before, bridge, "Turn the page and start again\n"
                                                     "Every ending has a friend")
    assert after.lyrics[bridge].texts == ("Turn the page and start again",
                                          "Every ending has a friend")
    assert after.lyrics[bridge].source == "user"
    notes = after.parts[(bridge, "vocal")].notes
    syllables = sum(len(line.syllables) for line in after.lyrics[bridge].lines)
    melismas = sum(s.note_count - 1 for line in after.lyrics[bridge].lines
                   for s in line.syllables)
    assert len(notes) == syllables + melismas == 14 + melismas
    with pytest.raises(LyricsFitError):
        operations.set_lyrics(before, bridge, "\n".join(["la " * 40] * 4))


def test_a_locked_vocal_keeps_its_words():
    before = song()
    verse = ids(before, "verse")[0]
    locked, _ = operations.set_locked(before, verse, "vocal")
    with pytest.raises(ValueError, match="locked"):
        operations.regenerate_lyrics(locked, verse)
    with pytest.raises(ValueError, match="locked"):
        operations.set_lyrics(locked, verse, "A line of mine")
    again, _ = operations.regenerate_section(locked, verse)
    assert again.parts[(verse, "vocal")] == locked.parts[(verse, "vocal")]


def test_sections_added_copied_and_removed_carry_their_words():
    before = song()
    chorus_words = before.lyrics[ids(before, "chorus")[0]].texts
    extended, _ = operations.extend(before, "chorus")
    new_chorus = max(s.id for s in extended.sections)
    assert extended.lyrics[new_chorus].texts[:len(chorus_words)] == \
        chorus_words[:len(extended.lyrics[new_chorus].texts)]
    extended, _ = operations.extend(before, "verse")
    new_verse = max(s.id for s in extended.sections)
    old_lines = {t for lines in texts(before).values() for t in lines}
    assert extended.lyrics[new_verse].texts and not set(
        extended.lyrics[new_verse].texts) & old_lines
    assert_aligned(extended)
    verse = ids(before, "verse")[0]
    copied, _ = operations.duplicate_section(before, verse)
    copy_id = max(s.id for s in copied.sections)
    assert copied.lyrics[copy_id].texts == before.lyrics[verse].texts
    assert_aligned(copied)
    removed, _ = operations.delete_section(before, verse)
    assert verse not in removed.lyrics


def test_adding_a_voice_to_an_instrumental_writes_its_words():
    instrumental = engine.compose("instrumental " + PROMPT, 4, length_s=60)
    sung, change = operations.add_lane(instrumental, "vocal")
    assert sung.lyrics and set(sung.lyrics) == {
        s.id for s in sung.sections if s.kind in SUNG_KINDS}
    assert_aligned(sung)
    assert "vocal" in {lane for _, lane in change.stale}
    assert {lane for _, lane in change.stale} <= set(VOICED)  # the band makes room, no more


def test_the_words_survive_json_and_the_project_file(tmp_path):
    before = song()
    assert composition_from_dict(composition_to_dict(before)) == before
    project = Project.create(tmp_path / "song.ensemble")
    try:
        first = project.commit(before, "Generate", "generate")
        verse = ids(before, "verse")[0]
        after, change = operations.regenerate_lyrics(before, verse)
        second = project.commit(after, change.message, change.kind)
        assert project.load(first.id) == before
        assert project.load(second.id) == after
        diff = project.diff(first.id, second.id)
        assert diff.lyrics_changed == (verse,)
        assert set(diff.parts_changed) == change.stale and (verse, "vocal") in change.stale
    finally:
        project.close()


def test_the_midi_vocal_track_carries_a_syllable_per_note():
    composition = song()
    midi = to_midi(composition)
    track = next(t for t in midi.tracks if any(m.type == "track_name" and m.name == "vocal"
                                               for m in t))
    tick, lyric_ticks, note_ticks = 0, [], []
    for message in track:
        tick += message.time
        if message.type == "lyrics":
            lyric_ticks.append(tick)
        elif message.type == "note_on" and message.velocity > 0:
            note_ticks.append(tick)
    syllables = sum(len(line.syllables) for words in composition.lyrics.values()
                    for line in words.lines)
    assert len(lyric_ticks) == syllables
    assert set(lyric_ticks) <= set(note_ticks)
    assert isinstance(midi, mido.MidiFile)


def test_export_writes_the_lyrics_files(tmp_path):
    composition = engine.compose(PROMPT, 4, length_s=40)
    rendered = engine.render_song(composition)
    paths = engine.export_song(composition, rendered, tmp_path, ExportOptions(bit_depth=16))
    lrc = paths["lrc"].read_text(encoding="utf-8").splitlines()
    sung_lines = sum(len(words.lines) for words in composition.lyrics.values())
    assert len([row for row in lrc if row[1:3].isdigit()]) == sung_lines
    score = converter.parse(str(paths["musicxml"]))
    lyrics = [n.lyric for n in score.recurse().notes if n.lyric]
    assert len(lyrics) == sum(len(line.syllables) for words in composition.lyrics.values()
                              for line in words.lines)
    assert (tmp_path / "stems" / "06-vocal.wav").exists()
    # the LRC times against the vocal notes as pretty_midi reads them from the MIDI file
    vocal = next(i for i in pretty_midi.PrettyMIDI(str(paths["midi"])).instruments
                 if i.name == "vocal")
    onsets = np.array(sorted(n.start for n in vocal.notes))
    stamps = [int(row[1:3]) * 60 + float(row[4:9]) for row in lrc if row[1:3].isdigit()]
    assert max(np.abs(onsets - t).min() for t in stamps) <= 0.05


def test_refine_in_words_rewrites_lyrics():
    from studio.engine.edit.instructions import plan, refine

    before = song()
    verse_2 = ids(before, "verse")[1]
    after = refine(before, "new lyrics for the second verse").composition
    assert {sid for sid in before.lyrics if texts(after)[sid] != texts(before)[sid]} == {verse_2}
    steps = plan(before, "rewrite the chorus lyrics")
    assert [s.operation for s in steps] == ["regenerate_lyrics"]
    after = refine(before, "rewrite the chorus lyrics").composition
    assert {sid for sid in before.lyrics if texts(after)[sid] != texts(before)[sid]} == set(
        ids(before, "chorus"))
    result = refine(before, "different words in the intro")
    assert result.composition is before or texts(result.composition) == texts(before)
    assert result.not_understood and "no section named here has lyrics" in \
        result.not_understood[0]
