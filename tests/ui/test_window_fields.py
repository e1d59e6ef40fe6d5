"""The window for a day's work: an opened project fills the prompt, seed and length it was
made with; Return applies Refine and Generate; Refine that changes nothing makes no version
and names the words it could not use; the progress line clears when a job ends; the first
window fills the screen; the command line exports what the window's Export writes."""

from __future__ import annotations

import numpy as np
import soundfile
from PySide6.QtCore import Qt

from studio.cli import main
from studio.project import Project
from tests.ui.window_helpers import close_window, open_window, wait_idle


def test_an_opened_project_fills_prompt_seed_and_length(qtbot, tmp_path):
    path = tmp_path / "rain.ensemble"
    assert main(["new", str(path), "dreamy lo-fi about rain", "--seed", "77",
                 "--length", "0:40"]) == 0
    with Project.open(path) as project:
        made = project.load()
    window = open_window(qtbot, path)
    assert window.prompt.text() == "dreamy lo-fi about rain"
    assert window.seed.value() == 77
    minutes, seconds = window.length.text().split(":")
    assert abs(int(minutes) * 60 + int(seconds) - made.context.length_s) <= 0.5
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return)  # Return generates from the fields
    assert window.job is not None and window.job.kind == "generate"
    wait_idle(qtbot, window, 120_000)
    again = window.composition
    assert window.workspace.project.head.id == 2
    assert [(s.kind, s.bars) for s in again.sections] == [(s.kind, s.bars)
                                                          for s in made.sections]
    assert again.parts[next(iter(made.parts))].notes == made.parts[next(iter(made.parts))].notes


def test_refine_with_words_it_cannot_use_commits_nothing_and_names_them(qtbot, small_song):
    window = small_song
    project = window.workspace.project
    before = [version.id for version in project.log()]
    window.refine_box.setText("make it sound like a sunset on mars")
    qtbot.keyClick(window.refine_box, Qt.Key.Key_Return)  # Return applies, as Apply does
    assert window.job is not None and window.job.kind == "refine"
    wait_idle(qtbot, window, 120_000)
    said = window.statusBar().currentMessage()
    assert [version.id for version in project.log()] == before, said
    assert "Nothing changed" in said and "Could not use: mars" in said
    assert "Nearest I can do:" in said
    assert window.stage.text() == "" and window.progress.value() < 0  # the line is clear

    window.refine_box.setText("more energy in the chorus and purple elephants")
    window.refine()
    wait_idle(qtbot, window, 120_000)
    said = window.statusBar().currentMessage()
    assert project.head.id == before[-1] + 1 and project.head.kind == "refine"
    assert "Used: More energy in chorus" in said and "Could not use: purple, elephants" in said
    assert window.stage.text() == "" and window.progress.value() < 0


def test_the_first_window_fills_the_screen(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "first.ensemble")
    screen = window.screen().availableGeometry()
    frame_px = 40  # a title bar and borders at most, where the platform draws them
    assert window.geometry().height() >= screen.height() - frame_px
    assert window.geometry().width() >= screen.width() - frame_px
    assert window.stage.text() == ""


def test_the_command_line_exports_what_the_window_exports(qtbot, small_song, tmp_path,
                                                         capsys):
    window = small_song
    options = {"format": "wav", "bit_depth": 24, "sample_rate": 44100, "stems": "wet",
               "midi": True, "lyrics": True}
    window.export(tmp_path / "window", **options)
    wait_idle(qtbot, window, 120_000)
    version, path = window.workspace.project.head.id, window.workspace.project.path
    close_window(qtbot, window)  # a project is open in one program at a time
    assert main(["export", str(path), "-o", str(tmp_path / "cli"),
                 "--version", str(version)]) == 0
    by_window = sorted(p.relative_to(tmp_path / "window")
                       for p in (tmp_path / "window").rglob("*") if p.is_file())
    by_command = sorted(p.relative_to(tmp_path / "cli")
                        for p in (tmp_path / "cli").rglob("*") if p.is_file())
    assert by_window == by_command and len(by_window) > 6
    for name in by_window:
        one, other = tmp_path / "window" / name, tmp_path / "cli" / name
        if name.suffix == ".wav":
            assert np.array_equal(soundfile.read(one)[0], soundfile.read(other)[0]), name
        else:
            assert one.read_bytes() == other.read_bytes(), name
