"""Iteration operations: each changes what it names, keeps the rest, and honours locks."""

import pytest

from studio import engine
from studio.engine.edit import operations as op
from studio.engine.edit.change import copy_song
from studio.engine.model import Key
from studio.engine.progress import CancelToken
from studio.engine.serialize import composition_to_dict
from studio.engine.worker import tasks


@pytest.fixture(scope="module")
def song():
    return engine.compose("uplifting pop song about summer nights", 4, length_s=90)


def changed_parts(before, after):
    keys = set(before.parts) | set(after.parts)
    return {k for k in keys if before.parts.get(k) != after.parts.get(k)}


def test_regenerate_section_changes_only_that_section(song):
    target = song.sections[2]
    after, change = op.regenerate_section(song, target.id)
    changed = changed_parts(song, after)
    assert changed and {sid for sid, _ in changed} == {target.id}
    # Stale means the audio changes: a part whose notes came out the same is not stale.
    assert change.stale == {k for k in changed if after.parts[k].notes != song.parts[k].notes}
    assert [s.chords for s in after.sections] == [s.chords for s in song.sections]
    assert after.context == song.context
    assert all(after.parts[(target.id, lane)].variation == 1 for lane in after.lanes)


def test_vary_lane_changes_one_part(song):
    target = song.sections[1]
    after, _ = op.vary_lane(song, target.id, "drums")
    assert changed_parts(song, after) == {(target.id, "drums")}
    with pytest.raises(ValueError, match="theremin"):
        op.vary_lane(song, target.id, "theremin")


def test_locked_parts_are_kept(song):
    target = song.sections[2]
    locked, _ = op.set_locked(song, target.id, "lead")
    after, _ = op.regenerate_section(locked, target.id)
    assert after.parts[(target.id, "lead")].notes == song.parts[(target.id, "lead")].notes
    assert after.parts[(target.id, "bass")] != song.parts[(target.id, "bass")]


def test_extend_inserts_a_section_and_keeps_the_others(song):
    after, change = op.extend(song, "chorus")
    assert len(after.sections) == len(song.sections) + 1
    new = next(s for s in after.sections if s.id not in {x.id for x in song.sections})
    assert new.kind == "chorus" and new.chords
    assert {sid for sid, _ in changed_parts(song, after)} == {new.id}
    assert sum(s.bars for s in after.sections) == sum(s.bars for s in song.sections) + new.bars
    old_energy = {s.id: s.energy for s in song.sections}
    assert all(old_energy[s.id] == pytest.approx(s.energy) for s in after.sections
               if s.id in old_energy)
    with pytest.raises(ValueError, match="solo"):
        op.extend(song, "solo")


def test_extend_at_a_place_inserts_a_section_there(song):
    """What the studio's "Insert section before/after" asks for: a kind, a place, a length."""
    after, change = op.extend(song, "bridge", bars=4, at=1)
    new = after.sections[1]
    assert new.kind == "bridge" and new.bars == 4 and new.chords
    assert [s.id for s in after.sections[:1] + after.sections[2:]] == [
        s.id for s in song.sections]
    assert {sid for sid, _ in change.stale} == {new.id}
    assert all((new.id, lane) in after.parts for lane in after.lanes)
    curve = after.context.energy_curve
    assert len(curve) == 2 * len(after.sections)
    assert curve[2][0] == song.sections[0].bars and curve[3][0] == song.sections[0].bars + 4
    first, _ = op.extend(song, "intro", at=0)
    assert first.sections[0].kind == "intro" and first.sections[1].id == song.sections[0].id


def test_delete_and_duplicate(song):
    target = song.sections[1]
    deleted, _ = op.delete_section(song, target.id)
    assert target.id not in {s.id for s in deleted.sections}
    assert not any(sid == target.id for sid, _ in deleted.parts)
    copied, _ = op.duplicate_section(song, target.id)
    twin = copied.sections[2]
    assert twin.kind == target.kind and twin.id != target.id
    assert all(copied.parts[(twin.id, lane)].notes == song.parts[(target.id, lane)].notes
               for lane in song.lanes)


def test_tempo_change_keeps_every_note(song):
    after, change = op.change_tempo(song, 80)
    assert after.parts == song.parts and change.all_audio
    assert after.context.tempo_bpm == 80


def test_key_change_transposes_in_the_same_mode(song):
    shift = (Key("A", "major").tonic_pc - song.context.key.tonic_pc + 6) % 12 - 6
    after, _ = op.change_key(song, Key("A", "major"))
    for key, part in song.parts.items():
        if key[1] != "drums":
            moved = [n.pitch for n in after.parts[key].notes]
            assert [n.pitch + shift for n in part.notes] == moved


def test_mode_change_regenerates_but_transposes_locked_parts(song):
    target = song.sections[2]
    locked, _ = op.set_locked(song, target.id, "lead")
    after, _ = op.change_key(locked, Key(song.context.key.tonic, "minor"))
    assert after.parts[(target.id, "lead")].notes == song.parts[(target.id, "lead")].notes
    assert after.parts[(target.id, "keys")] != song.parts[(target.id, "keys")]
    assert all(c.root_pc in after.context.key.scale_pcs or c.numeral.startswith(("V", "b"))
               for s in after.sections for c in s.chords)


def test_style_change_rederives_unlocked_parts(song):
    after, _ = op.change_style(song, genre_blend={"rock": 1.0})
    assert after.context.primary_genre == "rock"
    assert after.lanes["keys"].program != song.lanes["keys"].program
    assert [s.id for s in after.sections] == [s.id for s in song.sections]


def test_add_lane_and_shape_section(song):
    after, _ = op.add_lane(song, "strings")
    assert {lane for _, lane in changed_parts(song, after)} == {"strings"}
    target = song.sections[3]
    shaped, _ = op.shape_section(song, target.id, density={"drums": 0.5}, lanes=["drums"])
    assert changed_parts(song, shaped) == {(target.id, "drums")}
    assert len(shaped.parts[(target.id, "drums")].notes) < \
        len(song.parts[(target.id, "drums")].notes)


def test_mix_changes_touch_no_part(song):
    after, change = op.set_lane_mix(song, "bass", gain_db=-6.0, mute=True)
    assert after.parts == song.parts and not change.stale and change.kind == "mix"
    assert after.lanes["bass"].gain_db == -6.0 and song.lanes["bass"].gain_db != -6.0
    with pytest.raises(ValueError, match="reverb"):
        op.set_lane_mix(song, "bass", reverb=1.0)


def test_adding_back_a_lane_the_prompt_left_out():
    song = engine.compose("pop, no drums, no bass", 3, length_s=30)
    after, _ = op.add_lane(song, "drums")
    assert after.lanes["drums"].is_drums and list(after.lanes)[0] == "drums"
    after, _ = op.add_lane(after, "bass")
    assert after.lanes["bass"].program == 33  # pop's bass
    assert all(after.parts[(s.id, "bass")].notes for s in after.sections)


def test_notes_edited_by_hand_are_kept_and_locked():
    song = engine.compose("pop", 3, length_s=30)
    section = song.sections[1]
    edited, change = op.set_notes(song, section.id, "keys", [[60, 0.0, 1.0, 90],
                                                             [61, 1.0, 0.5, 70]])
    part = edited.parts[(section.id, "keys")]
    assert [(n.pitch, n.start_beats) for n in part.notes] == [(60, 0.0), (61, 1.0)]
    assert part.locked and change.stale == {(section.id, "keys")}
    assert part.notes[1].chromatic == (1 not in song.context.key.scale_pcs)
    again, _ = op.regenerate_section(edited, section.id)
    assert again.parts[(section.id, "keys")] == part
    with pytest.raises(ValueError, match="syllables"):
        op.set_notes(song, section.id, "vocal", [])
    with pytest.raises(ValueError, match="does not fit"):
        op.set_notes(song, section.id, "keys", [[60, 999.0, 1.0, 90]])


def test_move_section_keeps_its_parts_words_and_energy(song):
    target = song.sections[1]
    moved, change = op.move_section(song, target.id, 3)
    assert [s.id for s in moved.sections].index(target.id) == 3
    assert not changed_parts(song, moved) and not change.stale
    assert moved.lyrics.get(target.id) == song.lyrics.get(target.id)
    assert next(s for s in moved.sections if s.id == target.id).energy == pytest.approx(
        target.energy, abs=1e-3)
    assert moved.context.energy_curve[-1][0] == sum(s.bars for s in song.sections)
    back, _ = op.move_section(moved, target.id, 1)
    assert [s.id for s in back.sections] == [s.id for s in song.sections]
    with pytest.raises(ValueError, match="already"):
        op.move_section(song, target.id, 1)


def test_set_section_bars_rewrites_only_that_section(song):
    verse = next(s for s in song.sections if s.kind == "verse")
    longer, change = op.set_section_bars(song, verse.id, verse.bars + 4)
    resized = next(s for s in longer.sections if s.id == verse.id)
    assert resized.bars == verse.bars + 4 and len(resized.chords) >= len(verse.chords)
    assert {sid for sid, _ in changed_parts(song, longer)} == {verse.id}
    beats = resized.bars * song.context.meter.beats_per_bar
    assert max(n.start_beats for n in longer.parts[(verse.id, "drums")].notes) >= beats - 8
    assert longer.lyrics[verse.id].texts == song.lyrics[verse.id].texts
    assert sum(s.bars for s in longer.sections) == sum(s.bars for s in song.sections) + 4
    locked, _ = op.set_locked(song, verse.id, "bass")
    with pytest.raises(ValueError, match="locked"):
        op.set_section_bars(locked, verse.id, verse.bars + 4)


def test_set_section_energy_moves_the_curve_and_the_parts(song):
    target = song.sections[2]
    after, change = op.set_section_energy(song, target.id, start=0.95, end=0.95)
    assert next(s for s in after.sections if s.id == target.id).energy == pytest.approx(0.95)
    assert after.context.energy_curve[4][1] == pytest.approx(0.95)
    assert {sid for sid, _ in changed_parts(song, after)} == {target.id}
    others = [s for s in song.sections if s.id != target.id]
    assert all(next(a for a in after.sections if a.id == s.id).energy == pytest.approx(
        s.energy) for s in others)
    quiet, _ = op.set_section_energy(song, target.id, end=-3)
    assert quiet.context.energy_curve[5][1] == pytest.approx(0.05)


def vocal_and_other_keys(song):
    """Every section's render key, the vocal lane's apart from the rest."""
    from studio.engine.sound.renderer import segment_key

    keys = {(s.id, lane): segment_key(song, s.id, lane, 44100)
            for s in song.sections for lane in song.lanes}
    vocal = {k: v for k, v in keys.items() if k[1] == "vocal"}
    return vocal, {k: v for k, v in keys.items() if k[1] != "vocal"}


def test_a_new_voice_sings_the_vocal_again_and_nothing_else(song):
    from studio.engine.model import VoiceProfile

    after, change = op.set_voice(song, preset="low bright", vibrato=0.5)
    assert after.lanes["vocal"].voice.preset == "low bright"
    assert after.lanes["vocal"].voice.vibrato == 0.5
    assert after.parts == song.parts and after.lyrics == song.lyrics
    assert song.lanes["vocal"].voice is None  # the old version is untouched
    sung = {k for k in song.parts if k[1] == "vocal"}
    assert change.stale == sung and change.kind == "voice" and "low bright" in change.message
    vocal_before, others_before = vocal_and_other_keys(song)
    vocal_after, others_after = vocal_and_other_keys(after)
    assert others_after == others_before
    assert all(vocal_after[k] != vocal_before[k] for k in sung)

    profile = VoiceProfile("mine", 180.0, 140.0, 260.0, 520.0, 1500.0, 0.2, recording_id=3)
    profiled, change = op.set_voice(after, profile=vars(profile), profile_amount=0.5)
    assert profiled.lanes["vocal"].voice.profile == profile
    assert "sung as 'mine'" in change.message and "profile strength 50%" in change.message
    assert vocal_and_other_keys(profiled)[0] != vocal_after
    plain, change = op.set_voice(profiled, profile=None)
    assert plain.lanes["vocal"].voice.profile is None and "no profile" in change.message
    assert plain.lanes["vocal"].voice.preset == "low bright"  # the rest stays


def test_a_voice_refuses_what_it_cannot_sing(song):
    with pytest.raises(ValueError, match="no voice preset 'choir'"):
        op.set_voice(song, preset="choir")
    with pytest.raises(ValueError, match="vibrato 5 is out of range"):
        op.set_voice(song, vibrato=5)
    with pytest.raises(ValueError, match="profile strength|profile amount"):
        op.set_voice(song, profile_amount=-0.1)
    with pytest.raises(ValueError, match="name something"):
        op.set_voice(song)
    same, _ = op.set_voice(song, preset="high bright")
    with pytest.raises(ValueError, match="already"):
        op.set_voice(same, preset="high bright")
    no_vocal = copy_song(song)
    del no_vocal.lanes["vocal"]
    with pytest.raises(ValueError, match="no vocal lane"):
        op.set_voice(no_vocal, preset="low soft")


def test_one_note_sung_its_own_way(song):
    sid = next(k[0] for k, p in song.parts.items() if k[1] == "vocal" and len(p.notes) > 3)
    notes = song.parts[(sid, "vocal")].notes
    after, change = op.set_note_expression(song, sid, 2, vibrato=2.0, portamento=0.0)
    voice = after.lanes["vocal"].voice
    assert [(n.section_id, n.note_index, n.vibrato, n.portamento) for n in voice.notes] == [
        (sid, 2, 2.0, 0.0)]
    assert change.stale == {(sid, "vocal")} and "note 3" in change.message
    vocal_before, others_before = vocal_and_other_keys(song)
    vocal_after, others_after = vocal_and_other_keys(after)
    assert others_after == others_before and vocal_after[(sid, "vocal")] != vocal_before[
        (sid, "vocal")]
    # only that section sings again: the other sections' vocal keys stay
    assert {k: v for k, v in vocal_after.items() if k[0] != sid} == {
        k: v for k, v in vocal_before.items() if k[0] != sid}
    # the rest of the note's expression stays; None gives the voice's own back
    kept, _ = op.set_note_expression(after, sid, 2, vibrato=None)
    assert [(n.vibrato, n.portamento) for n in kept.lanes["vocal"].voice.notes] == [(None, 0.0)]
    back, _ = op.set_note_expression(kept, sid, 2, portamento=None)
    assert back.lanes["vocal"].voice.notes == ()
    with pytest.raises(ValueError, match=f"has {len(notes)} notes: there is no note"):
        op.set_note_expression(song, sid, len(notes), vibrato=1.5)
    with pytest.raises(ValueError, match="portamento 9 is out of range"):
        op.set_note_expression(song, sid, 0, portamento=9)
    with pytest.raises(ValueError, match="already sung so"):
        op.set_note_expression(song, sid, 0, vibrato=None)
    with pytest.raises(ValueError, match="no section"):
        op.set_note_expression(song, 999, 0, vibrato=1.0)
    many, change = op.set_note_expressions(song, sid, [{"note_index": 0, "vibrato": 0.0},
                                                       {"note_index": 1, "portamento": 2.0}])
    assert len(many.lanes["vocal"].voice.notes) == 2 and "2 notes" in change.message


def test_new_vocal_notes_forget_the_old_notes_expression(song):
    sung = [k[0] for k, p in song.parts.items() if k[1] == "vocal" and p.notes]
    sid, other = sung[0], sung[-1]
    expressed, _ = op.set_note_expression(song, sid, 0, vibrato=0.0)
    expressed, _ = op.set_note_expression(expressed, other, 0, vibrato=0.0)
    varied, change = op.vary_lane(expressed, sid, "vocal")
    assert (sid, "vocal") in change.stale
    assert [n.section_id for n in varied.lanes["vocal"].voice.notes] == [other]


@pytest.mark.parametrize("name", ["copy_song", "_regenerate", "OPERATIONS", "no_such_thing"])
def test_only_operations_are_run_by_name(song, name):
    payload = {"composition": composition_to_dict(song), "operation": name, "args": [],
               "kwargs": {}}
    with pytest.raises(ValueError, match="is not an operation"):
        tasks.operate(payload, lambda event: None, CancelToken())
    changed = tasks.unpack(tasks.operate({**payload, "operation": "set_mastering",
                                          "kwargs": {"target_lufs": "club"}},
                                         lambda event: None, CancelToken()))
    assert changed["composition"]["mastering"]["target_lufs"] == -9.0
