"""The project file: round trips, versions as a tree, diffs, recovery and refusals."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from studio import engine
from studio.engine.edit import operations as op
from studio.engine.model import LaneFx, Mastering
from studio.project import (
    DiskFull,
    ImpossibleContents,
    NewerProject,
    NotAProject,
    Project,
    ProjectError,
    ProjectLocked,
    ProjectReadOnly,
)


@pytest.fixture(scope="module")
def song():
    composition = engine.compose("dark electronic with dream-pop haze", 9, length_s=60)
    composition, _ = op.set_locked(composition, composition.sections[1].id, "lead")
    return composition


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "song.ensemble") as opened:
        yield opened


def midi_bytes(composition) -> bytes:
    buffer = io.BytesIO()
    engine.to_midi(composition).save(file=buffer)
    return buffer.getvalue()


def test_every_field_survives_a_round_trip(project, song):
    shaped, _ = op.shape_section(song, song.sections[2].id, valence_offset=-0.5,
                                 feel="half-time", density={"drums": 0.6})
    shaped.lanes["bass"].gain_db = -3.5
    shaped.lanes["keys"].mute = True
    shaped.mastering = Mastering(preset="punchy", target_lufs=-11.0)
    shaped.lanes["keys"].fx = LaneFx(reverb_send=0.5)
    info = project.commit(shaped, "shaped", "edit")
    assert project.load(info.id) == shaped


def test_revert_re_exports_identical_midi_and_branches(project, song):
    first = project.commit(song, "first", "generate")
    changed, change = op.regenerate_section(song, song.sections[2].id)
    second = project.commit(changed, change.message, change.kind)
    reverted = project.revert(first.id)
    assert midi_bytes(project.load()) == midi_bytes(song)
    assert reverted.parent_id == second.id and reverted.kind == "revert"
    project.checkout(first.id)
    branch = project.commit(changed, "another take", "regenerate-section")
    assert branch.parent_id == first.id
    assert [v.id for v in project.log()] == [first.id, second.id, reverted.id, branch.id]


def test_diff_names_exactly_the_regenerated_section(project, song):
    first = project.commit(song, "first", "generate")
    target = song.sections[3]
    changed, change = op.regenerate_section(song, target.id)
    second = project.commit(changed, change.message, change.kind)
    diff = project.diff(first.id, second.id)
    assert diff.sections_changed == (target.id,)
    assert {sid for sid, _ in diff.parts_changed} == {target.id}
    assert not diff.sections_added and not diff.sections_removed and not diff.settings_changed
    tempo, _ = op.change_tempo(changed, 99)
    third = project.commit(tempo, "tempo", "context")
    assert project.diff(second.id, third.id).settings_changed == ("tempo_bpm",)


def test_unchanged_parts_are_stored_once(tmp_path, song):
    path = tmp_path / "many.ensemble"
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
        size_one = path.stat().st_size + Path(f"{path}-wal").stat().st_size
        current = song
        for _ in range(20):
            current, change = op.vary_lane(current, current.sections[0].id, "drums")
            project.commit(current, change.message, change.kind)
    assert path.stat().st_size < size_one + 20 * 12_000


def test_names_stars_and_recordings(project, song):
    info = project.commit(song, "first", "generate")
    project.name_version(info.id, "the good one")
    project.star(info.id)
    assert project.log()[0].name == "the good one" and project.log()[0].starred
    voice = np.sin(np.linspace(0, 10_000, 480_000, dtype=np.float32))[None, :]  # 10 s
    recording = project.add_recording("my voice", voice, 48000)
    (rid, name, rate, audio), = project.recordings()
    assert (rid, name, rate) == (recording, "my voice", 48000)
    assert np.array_equal(audio, voice)
    project.delete_recording(rid)
    assert project.recordings() == []
    with pytest.raises(ImpossibleContents, match="'a blip'.*its length is 0.1 s"):
        project.add_recording("a blip", voice[:, :4800], 48000)
    with pytest.raises(ProjectError, match="no version 99"):
        project.star(99)


def test_a_kept_recording_the_studio_cannot_have_kept_is_refused(tmp_path):
    path = tmp_path / "sent.ensemble"
    with Project.create(path) as project:
        project.add_recording("me", np.zeros((1, 480_000), np.float32), 48000)
    with closing(sqlite3.connect(path)) as raw, raw:
        raw.execute("UPDATE recordings SET sample_rate = 8000")  # now 60 s long
        raw.execute("UPDATE recordings SET channels = 1, sample_rate = 400")  # now 20 minutes
    with Project.open(path) as project:
        with pytest.raises(ImpossibleContents, match="Recording 1 \\('me'\\) in "
                           "'sent.ensemble' cannot be used: its sample rate is 400 Hz"):
            project.recordings()


def test_unsaved_edits_are_recovered_after_a_crash(tmp_path, song):
    path = tmp_path / "crash.ensemble"
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
        edited, _ = op.change_tempo(song, 77)
        project.journal_edit(edited)
    with Project.open(path) as project:
        assert project.recovery() == edited
        project.commit(project.recovery(), "recovered", "edit")
        assert project.recovery() is None


def test_a_second_process_is_refused(tmp_path, song):
    path = tmp_path / "busy.ensemble"
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
        code = (f"from studio.project import Project\n"
                f"Project.open({str(path)!r})\n")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode != 0, result.stderr
        assert "open in another Ensemble window" in result.stderr, result.stderr
    with pytest.raises(ProjectLocked):
        with Project.open(path):
            Project.open(path)


def test_read_only_location(tmp_path, song):
    path = tmp_path / "ro" / "song.ensemble"
    path.parent.mkdir()
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
    before = path.read_bytes()
    # root writes through permission bits, so the folder is made immutable instead
    lock = ["chattr", "+i"] if os.geteuid() == 0 else ["chmod", "555"]
    unlock = ["chattr", "-i"] if os.geteuid() == 0 else ["chmod", "755"]
    subprocess.run([*lock, str(path.parent)], check=True)
    try:
        with pytest.raises(ProjectReadOnly, match="cannot be written"):
            Project.open(path)
    finally:
        subprocess.run([*unlock, str(path.parent)], check=True)
    assert path.read_bytes() == before


def test_a_full_disk_leaves_the_project_as_it_was(tmp_path, song):
    path = tmp_path / "full.ensemble"
    with Project.create(path) as project:
        first = project.commit(song, "first", "generate")
        with closing(sqlite3.connect(path)) as raw:
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
        # the same limit a full disk sets: no page can be added
        project._engine.dispose()
        from sqlalchemy import event

        event.listen(project._engine, "connect", lambda c, r: c.execute(
            f"PRAGMA max_page_count = {pages}"))
        bigger, _ = op.add_lane(song, "strings")
        with pytest.raises(DiskFull, match="disk is full"):
            for _ in range(10):
                bigger, _ = op.vary_lane(bigger, bigger.sections[0].id, "strings")
                project.commit(bigger, "more", "edit")
    with Project.open(path) as project:
        assert project.load(first.id) == song


def test_newer_and_foreign_files_are_refused_untouched(tmp_path, song):
    path = tmp_path / "future.ensemble"
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA user_version = 99")
    before = path.read_bytes()
    with pytest.raises(NewerProject, match="newer Ensemble Studio"):
        Project.open(path)
    assert path.read_bytes() == before
    foreign = tmp_path / "other.db"
    with closing(sqlite3.connect(foreign)) as raw:
        raw.execute("CREATE TABLE things (x)")
    with pytest.raises(NotAProject, match="another program"):
        Project.open(foreign)


def test_copying_a_closed_project_keeps_everything(tmp_path, song):
    path = tmp_path / "a.ensemble"
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
    shutil.copy(path, tmp_path / "b.ensemble")
    with Project.open(tmp_path / "b.ensemble") as copy:
        assert copy.load() == song
