"""Every bad input and every fault a person can meet gets a clear answer from the `studio`
command: exit code 2, one line naming the file or value, no traceback, no partial file under
a final name, and a project's committed versions as they were.

Each row of BAD_INPUTS makes its files in a `work` folder, runs the real command in this
process, and is checked the same way: every file in `work` is byte for byte as it was before
(so nothing was written under a final name and no temporary was left), and a good project's
version list is unchanged.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import mido
import pytest

from studio import engine
from studio.cli import main
from studio.cli_errors import report_failure
from studio.engine.model import Composition, LyricLine, Note, Part, Voice
from studio.project import Project
from tests.small_disk import mount_small_disk

WORDS = ("[Verse]\nI walked along the river in the rain\nThe city lights were calling out my "
         "name\n\n[Chorus]\nHold on to the night\nWe are burning bright\n")
LATIN1 = b"[Verse]\nI walked along the river\nThe lights of the Caf\xe9 were calling\n"


@dataclass
class Row:
    """One bad input: the command's arguments, what its message must name, and the copy of
    the good project whose versions must stay as they were (if the row uses one)."""

    argv: list[str]
    named: list[str]
    project: Path | None = None
    folders: list[Path] = field(default_factory=list)  # folders that must stay empty
    filler: Path | None = None  # removed before the project is read again
    committed: list | None = None  # the project's versions, when not the good project's


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """A project with two committed versions (a song, then a revert to it)."""
    path = tmp_path_factory.mktemp("good") / "song.ensemble"
    song = engine.compose("folk song about rivers", 1, length_s=30)
    with Project.create(path) as project:
        project.commit(song, "Generate from \"folk song about rivers\" (seed 1)", "generate")
        project.revert(1)
    return path


def versions(path: Path) -> list[tuple]:
    with Project.open(path) as project:
        return [(v.id, v.parent_id, v.kind, v.message) for v in project.log()]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder, by its path, as the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(argv: list[str], capsys) -> tuple[int, str]:
    """The command run in this process: its exit code and everything it printed."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse ends a bad command line itself
        code = stop.code
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def copy_of(good: Path, work: Path) -> Path:
    return Path(shutil.copy(good, work / "song.ensemble"))


# ---- the rows: each makes its files in `work` and returns the command to run ----

def latin1_lyrics(work, good, cleanup):
    (work / "words.txt").write_bytes(LATIN1)
    return Row(["render", "folk song", "-o", str(work / "out"), "--lyrics",
                str(work / "words.txt")], ["words.txt", "line 3", "0xe9", "UTF-8"],
               folders=[work / "out"])


def latin1_lyrics_into_a_project(work, good, cleanup):
    project = copy_of(good, work)
    (work / "words.txt").write_bytes(LATIN1)
    return Row(["lyrics", str(project), "2", "--set", str(work / "words.txt")],
               ["words.txt", "line 3"], project)


def latin1_lyrics_rendered_to_a_project(work, good, cleanup):
    project = copy_of(good, work)
    (work / "words.txt").write_bytes(LATIN1)
    return Row(["render", "folk song", "-o", str(work / "out"), "--project", str(project),
                "--lyrics", str(work / "words.txt")], ["words.txt", "line 3"], project,
               folders=[work / "out"])


def utf16_lyrics_without_a_mark(work, good, cleanup):
    (work / "words.txt").write_bytes(WORDS.encode("utf-16-le"))
    return Row(["new", str(work / "new.ensemble"), "folk song", "--lyrics",
                str(work / "words.txt")], ["words.txt", "line 1", "byte-order mark"])


def missing_lyrics_file(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--lyrics",
                str(work / "missing.txt")], ["missing.txt", "No such file"])


def missing_lyrics_file_into_a_project(work, good, cleanup):
    project = copy_of(good, work)
    return Row(["lyrics", str(project), "2", "--set", str(work / "missing.txt")],
               ["missing.txt"], project)


def lyrics_file_that_is_a_folder(work, good, cleanup):
    (work / "words").mkdir()
    return Row(["render", "folk song", "-o", str(work / "out"), "--lyrics",
                str(work / "words")], ["words", "is a folder"], folders=[work / "words"])


def damaged_project(work, good, cleanup):
    (work / "noise.ensemble").write_bytes(bytes(range(256)) * 64)
    return Row(["log", str(work / "noise.ensemble")], ["noise.ensemble"])


def project_with_damaged_pages(work, good, cleanup):
    data = bytearray(good.read_bytes())
    data[4096:len(data) - 4096] = random.Random(7).randbytes(len(data) - 8192)
    (work / "damaged.ensemble").write_bytes(bytes(data))
    return Row(["log", str(work / "damaged.ensemble")], ["damaged.ensemble", "damaged"])


def truncated_project(work, good, cleanup):
    data = good.read_bytes()
    (work / "cut.ensemble").write_bytes(data[:len(data) // 2 + 100])
    return Row(["show", str(work / "cut.ensemble")], ["cut.ensemble", "cut short"])


def project_that_is_not_sqlite(work, good, cleanup):
    (work / "notes.ensemble").write_text("shopping list: milk, eggs\n", encoding="utf-8")
    return Row(["log", str(work / "notes.ensemble")], ["notes.ensemble", "not an Ensemble"])


def render_to_a_damaged_project(work, good, cleanup):
    (work / "noise.ensemble").write_bytes(bytes(range(256)) * 64)
    return Row(["render", "folk song", "-o", str(work / "out"), "--project",
                str(work / "noise.ensemble")], ["noise.ensemble"])


def new_over_an_existing_project(work, good, cleanup):
    project = copy_of(good, work)
    return Row(["new", str(project), "rock song"], ["song.ensemble", "already exists"],
               project)


def revert_to_a_version_not_there(work, good, cleanup):
    project = copy_of(good, work)
    return Row(["revert", str(project), "99"], ["song.ensemble", "no version 99"], project)


def rating_out_of_range(work, good, cleanup):
    project = copy_of(good, work)
    return Row(["rate", str(project), "9"], ["9 stars"], project)


def lyrics_for_a_section_not_there(work, good, cleanup):
    project = copy_of(good, work)
    return Row(["lyrics", str(project), "40", "--rewrite"], ["not 40"], project)


def new_project_in_a_folder_not_there(work, good, cleanup):
    return Row(["new", str(work / "nowhere" / "new.ensemble"), "folk song"],
               ["nowhere", "not a folder"])


def render_to_a_project_under_a_file(work, good, cleanup):
    (work / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    return Row(["render", "folk song", "-o", str(work / "out"), "--project",
                str(work / "notes.txt" / "song.ensemble")], ["notes.txt", "not a folder"])


def voice_from_a_missing_recording(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30",
                "--voice-from", str(work / "me.wav")], ["me.wav", "no file"],
               folders=[work / "out"])


def voice_from_a_text_file(work, good, cleanup):
    (work / "me.wav").write_text("not a recording\n", encoding="utf-8")
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30",
                "--voice-from", str(work / "me.wav")], ["me.wav", "cannot be read as audio"],
               folders=[work / "out"])


def range_that_ends_before_it_starts(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30",
                "--from", "0:20", "--to", "0:10"], ["from 20 s to 10 s"],
               folders=[work / "out"])


def length_too_short(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:05"],
               ["5 s", "20 seconds"])


def length_not_a_time(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "soon"],
               ["--length", "soon"])


def seed_not_a_number(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--seed", "abc"],
               ["--seed", "abc"])


def tempo_too_fast(work, good, cleanup):
    return Row(["render", "folk song at 400 bpm", "-o", str(work / "out")], ["400 bpm"])


def key_not_there(work, good, cleanup):
    return Row(["new", str(work / "new.ensemble"), "folk song in H major"],
               ["'H major'", "not a key"])


def section_not_there(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30",
                "--section", "40"], ["no section 40"], folders=[work / "out"])


def loudness_not_a_target(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--loudness", "loud"],
               ["'loud'"])


def unknown_option(work, good, cleanup):
    return Row(["render", "folk song", "-o", str(work / "out"), "--colour", "red"],
               ["--colour"])


def empty_prompt(work, good, cleanup):
    return Row(["render", "", "-o", str(work / "out")], ["prompt is empty"])


def blank_prompt_for_a_new_project(work, good, cleanup):
    return Row(["new", str(work / "new.ensemble"), "   "], ["prompt is empty"])


def export_under_a_file(work, good, cleanup):
    # running as root, chmod cannot make a folder read-only; a path under a file cannot be
    # written by anyone
    (work / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    return Row(["render", "folk song", "-o", str(work / "notes.txt" / "out"), "--length",
                "0:30"], ["notes.txt", "not a folder", "nothing was written"])


def export_to_a_file(work, good, cleanup):
    (work / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    return Row(["render", "folk song", "-o", str(work / "notes.txt"), "--length", "0:30"],
               ["notes.txt", "not a folder"])


def export_over_a_folder_named_master(work, good, cleanup):
    (work / "out" / "master.wav").mkdir(parents=True)
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30"],
               ["master.wav", "is a folder", "nothing was written"],
               folders=[work / "out" / "master.wav"])


def export_with_a_file_named_stems(work, good, cleanup):
    # found while the song renders, after the MIDI file and the lyrics were written: those
    # are removed again
    (work / "out").mkdir()
    (work / "out" / "stems").write_text("not a folder\n", encoding="utf-8")
    (work / "out" / "master.wav").write_bytes(b"an earlier export's master")
    return Row(["render", "folk song", "-o", str(work / "out"), "--length", "0:30"],
               ["stems", "not a folder", "not written", "song.mid"])


def export_to_a_full_disk(work, good, cleanup):
    mount_small_disk(work / "disk", cleanup)
    (work / "disk" / "master.wav").write_bytes(b"an earlier export's master")
    project = copy_of(good, work)
    return Row(["render", "folk song", "-o", str(work / "disk"), "--length", "0:30",
                "--project", str(project)],
               ["disk is full", str(work / "disk"), "not written", "master.wav"], project)


def fill(disk: Path) -> None:
    """Fill a disk to its last byte."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        with contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 4096)


def new_project_on_a_full_disk(work, good, cleanup):
    mount_small_disk(work / "disk", cleanup)
    fill(work / "disk")
    return Row(["new", str(work / "disk" / "new.ensemble"), "folk song"],
               ["disk is full", "new.ensemble", "could not be created"])


def revert_on_a_full_disk(work, good, cleanup):
    mount_small_disk(work / "disk", cleanup)
    project = Path(shutil.copy(good, work / "disk" / "song.ensemble"))
    fill(work / "disk")
    return Row(["revert", str(project), "1"], ["disk is full", "song.ensemble"], project,
               filler=work / "disk" / "filler")


# ---- well-formed contents the studio cannot make, committed through the project API ----

def impossible(good: Path, work: Path, change: Callable[[Composition], None]) -> Path:
    """A copy of the good project with a third version that `change` made impossible."""
    path = copy_of(good, work)
    with Project.open(path) as project:
        song = project.load()
        change(song)
        project.commit(song, "Made by hand", "edit")
    return path


def refused(argv: list[str], named: list[str], project: Path, **more) -> Row:
    """A row whose project must keep its three versions."""
    return Row(argv, named, project, committed=versions(project), **more)


def set_part(song: Composition, lane: str, **note) -> None:
    """The first note of the first section's part of `lane` changed."""
    key = (song.sections[0].id, lane)
    part = song.parts[key]
    song.parts[key] = replace(part, notes=(replace(part.notes[0], **note),) + part.notes[1:])


def verse_of_two_million_bars(work, good, cleanup):
    def change(song):
        verse = next(i for i, s in enumerate(song.sections) if s.kind == "verse")
        song.sections[verse] = replace(song.sections[verse], bars=2_000_000)
    project = impossible(good, work, change)
    return refused(["show", str(project)], ["Version 3", "song.ensemble", "2000000 bars",
                                        "1 to 64"], project)


def tempo_of_zero(work, good, cleanup):
    project = impossible(good, work, lambda song: setattr(
        song, "context", replace(song.context, tempo_bpm=0.0)))
    return refused(["show", str(project), "--lyrics"], ["Version 3", "tempo is 0 bpm"], project)


def tempo_of_5000_as_a_voice(work, good, cleanup):
    project = impossible(good, work, lambda song: setattr(
        song, "context", replace(song.context, tempo_bpm=5000.0)))
    return refused(["render", "folk song", "-o", str(work / "out"), "--length", "0:30",
                "--voice-from", str(project)], ["Version 3", "5000 bpm", "40 to 240"],
               project, folders=[work / "out"])


def pitch_of_200(work, good, cleanup):
    project = impossible(good, work, lambda song: set_part(song, "bass", pitch=200))
    return refused(["show", str(project)], ["Version 3", "pitch", "is 200", "0 to 127"], project)


def velocity_of_minus_one(work, good, cleanup):
    project = impossible(good, work, lambda song: set_part(song, "drums", velocity=-1))
    return refused(["rate", str(project), "4"], ["Version 3", "velocity", "is -1"], project)


def a_part_of_100000_notes(work, good, cleanup):
    def change(song):
        key = (song.sections[0].id, "keys")
        song.parts[key] = Part("keys", key[0], (Note(60, 0.0, 0.5, 90),) * 100_000)
    project = impossible(good, work, change)
    return refused(["show", str(project)], ["Version 3", "number of notes", "100000"], project)


def a_part_larger_than_any_the_studio_writes(work, good, cleanup):
    def change(song):
        key = (song.sections[0].id, "keys")
        song.parts[key] = Part("keys", key[0], (Note(60, 0.0, 0.5, 90),) * 1_000_000)
    project = impossible(good, work, change)
    return refused(["show", str(project)], ["Version 3", "more than 16 MB"], project)


def a_lyric_line_of_a_million_characters(work, good, cleanup):
    def change(song):
        section_id = next(iter(song.lyrics))
        words = song.lyrics[section_id]
        line = words.lines[0]
        long = LyricLine("la" * 500_000, line.syllables, line.section_id, line.role)
        song.lyrics[section_id] = replace(words, lines=(long,) + words.lines[1:])
    project = impossible(good, work, change)
    return refused(["lyrics", str(project), "1", "--rewrite"],
               ["Version 3", "1000000 characters"], project)


def a_meter_of_7_8(work, good, cleanup):
    project = impossible(good, work, lambda song: setattr(
        song, "context", replace(song.context, meter=replace(song.context.meter,
                                                             numerator=7, denominator=8))))
    return refused(["show", str(project)], ["Version 3", "7/8"], project)


def a_voice_breath_of_50(work, good, cleanup):
    def change(song):
        song.lanes["vocal"].voice = Voice(breath=50.0)
    project = impossible(good, work, change)
    return refused(["show", str(project)], ["Version 3", "breath is 50", "0 to 2"], project)


def nine_lanes(work, good, cleanup):
    def change(song):
        song.lanes["theremin"] = replace(song.lanes["bass"], name="theremin")
    project = impossible(good, work, change)
    return refused(["show", str(project)], ["Version 3", "'theremin'"], project)


BAD_INPUTS: list[Callable] = [
    latin1_lyrics, latin1_lyrics_into_a_project, latin1_lyrics_rendered_to_a_project,
    utf16_lyrics_without_a_mark, missing_lyrics_file, missing_lyrics_file_into_a_project,
    lyrics_file_that_is_a_folder, damaged_project, project_with_damaged_pages,
    truncated_project,
    project_that_is_not_sqlite, render_to_a_damaged_project, new_over_an_existing_project,
    revert_to_a_version_not_there, rating_out_of_range, lyrics_for_a_section_not_there,
    new_project_in_a_folder_not_there, render_to_a_project_under_a_file,
    voice_from_a_missing_recording, voice_from_a_text_file, range_that_ends_before_it_starts,
    length_too_short, length_not_a_time, seed_not_a_number, tempo_too_fast, key_not_there,
    section_not_there, loudness_not_a_target, unknown_option, empty_prompt,
    blank_prompt_for_a_new_project, export_under_a_file, export_to_a_file,
    export_over_a_folder_named_master, export_with_a_file_named_stems, export_to_a_full_disk,
    new_project_on_a_full_disk, revert_on_a_full_disk, verse_of_two_million_bars,
    tempo_of_zero, tempo_of_5000_as_a_voice, pitch_of_200, velocity_of_minus_one,
    a_part_of_100000_notes, a_part_larger_than_any_the_studio_writes,
    a_lyric_line_of_a_million_characters, a_meter_of_7_8, a_voice_breath_of_50, nine_lanes,
]


@pytest.mark.parametrize("make", BAD_INPUTS, ids=[make.__name__ for make in BAD_INPUTS])
def test_a_bad_input_gets_one_clear_line_and_changes_nothing(make, tmp_path, good_project,
                                                             capsys):
    work = tmp_path / "work"
    work.mkdir()
    with contextlib.ExitStack() as cleanup:
        row = make(work, good_project, cleanup)
        files = snapshot(work)
        code, printed = run(row.argv, capsys)
        assert code == 2, printed
        for name in row.named:
            assert name in printed, printed
        assert "Traceback" not in printed
        assert snapshot(work) == files  # nothing new, nothing changed, no temporary left
        for folder in row.folders:
            assert not folder.exists() or not any(folder.iterdir())
        if row.filler:
            row.filler.unlink()
        if row.project:
            assert versions(row.project) == (row.committed or versions(good_project))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_lyrics_in_utf16_or_with_a_byte_order_mark_are_sung(encoding, tmp_path, capsys):
    words = tmp_path / "words.txt"
    data = WORDS.replace("The city lights", "The café lights")
    raw = data.encode(encoding)
    if encoding == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    words.write_bytes(raw)
    project = tmp_path / "song.ensemble"
    code, printed = run(["new", str(project), "pop song about rivers", "--seed", "3",
                         "--length", "1:30", "--lyrics", str(words)], capsys)
    assert code == 0, printed
    code, printed = run(["show", str(project), "--lyrics"], capsys)
    assert "I walked along the river in the rain" in printed
    assert "The café lights were calling out my name" in printed
    assert printed.count("Hold on to the night") == 2  # both choruses


def test_a_utf16_lyrics_file_renders(tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text(WORDS, encoding="utf-16")  # Python writes the byte-order mark
    out = tmp_path / "out"
    code, printed = run(["render", "pop song about rivers", "-o", str(out), "--seed", "3",
                         "--length", "0:40", "--stems", "none", "--lyrics", str(words)],
                        capsys)
    assert code == 0, printed
    assert "I walked along the river" in (out / "lyrics.lrc").read_text(encoding="utf-8")
    assert not [p for p in out.rglob("*") if ".partial" in p.name]


def test_an_unexpected_fault_is_logged_with_its_traceback(tmp_path, capsys, monkeypatch):
    """A fault of the studio itself (here the MIDI library failing, a boundary we do not
    own) leaves no partial file, prints one line naming the log, and the log holds the
    traceback."""

    def broken_save(self, filename=None, file=None):
        raise RuntimeError("the MIDI writer broke")

    monkeypatch.setattr(mido.MidiFile, "save", broken_save)
    out = tmp_path / "out"
    out.mkdir()
    (out / "song.mid").write_bytes(b"an earlier export's MIDI file")
    code, printed = run(["render", "folk song", "-o", str(out), "--length", "0:30",
                         "--stems", "none"], capsys)
    assert code == 2 and "Traceback" not in printed
    line = printed.strip().splitlines()[-1]
    assert "failed unexpectedly" in line and "the MIDI writer broke" in line
    logs = list((tmp_path / "state").rglob("studio-*.log"))
    assert len(logs) == 1 and str(logs[0]) in line
    report = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in report and "broken_save" in report
    assert snapshot(out) == {"song.mid": hashlib.sha256(
        b"an earlier export's MIDI file").hexdigest()}


def test_an_operating_system_error_on_a_file_is_one_line_naming_it(tmp_path, capsys):
    """The error policy's last net for a file error no command turned into its own message."""
    try:
        (tmp_path / "missing.wav").read_bytes()
    except OSError as error:
        code = report_failure(error, ["render", "pop"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"{tmp_path / 'missing.wav'}: there is no such file or folder; check the name" in err
    assert not (tmp_path / "state").exists()  # no log: it is not a fault of the studio
