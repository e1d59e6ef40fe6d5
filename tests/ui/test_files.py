"""The File menu: a new project, recent projects and reopening one, Save as a named
version, and edits a crash left in the journal offered back when the project opens."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from studio.project import Project
from studio.settings import load_settings
from studio.ui.app import start_window
from studio.ui.project_files import ProjectFiles
from tests.ui.window_helpers import close_window, generate_small, open_window, wait_idle


def test_new_project_recent_projects_and_reopen(qtbot, small_song, tmp_path):
    window = small_song
    first = window.workspace.project.path
    song = window.composition
    second = tmp_path / "second"
    window.files.ask_path = lambda saving: str(second)
    window.files.new_action.trigger()
    assert window.workspace.project.path == second.with_suffix(".ensemble")
    assert window.composition is None and window.history.count() == 0
    assert window.undo_stack.count() == 0 and "second.ensemble" in window.windowTitle()
    qtbot.waitUntil(lambda: window.audio_job is None, timeout=60_000)
    qtbot.wait(100)  # the first song's audio and waveforms, if still on their way, are dropped
    assert window.audio is None and window.song_view.envelopes is None
    recent = load_settings().recent_projects
    assert recent[:2] == [str(second.with_suffix(".ensemble").resolve()), str(first.resolve())]

    window.files.show_recent()  # what opening the submenu does
    entries = window.files.recent_menu.actions()
    assert [a.text() for a in entries] == ["small.ensemble"]
    entries[0].trigger()
    assert window.workspace.project.path == first
    assert window.history.count() == 1
    assert window.composition.parts == song.parts
    assert load_settings().recent_projects[0] == str(first.resolve())
    # the window works on the reopened project: an edit lands there
    window.run_operation("regenerate_section", (song.sections[1].id,))
    wait_idle(qtbot, window)
    assert window.history.count() == 2

    window.files.ask_path = lambda saving: str(tmp_path / "missing.ensemble")
    window.files.open_action.trigger()  # a path that is not a project: said, nothing changes
    assert window.workspace.project.path == first
    assert "no project" in window.statusBar().currentMessage().lower()


def test_save_names_the_current_version(qtbot, small_song):
    window = small_song
    window.files.ask_name = lambda suggestion: ("demo for the band", True)
    window.files.save_action.trigger()
    assert window.workspace.project.head.name == "demo for the band"
    assert "[demo for the band]" in window.history.item(0).text()
    assert window.files.save_action.shortcut().toString() == "Ctrl+S"


def test_a_crash_during_an_edit_is_offered_back(qtbot, small_song, tmp_path, monkeypatch):
    window = small_song
    song = window.composition
    verse = next(s for s in song.sections if s.kind == "verse")
    before = song.parts[(verse.id, "keys")].notes
    crashed = tmp_path / "crashed.ensemble"

    def edit_then_crash(dialog):
        roll = dialog.roll
        qtbot.mouseClick(roll, Qt.MouseButton.RightButton,
                         pos=roll.point_of(before[0].start_beats + 0.01,
                                           before[0].pitch).toPoint())
        assert len(roll.notes()) == len(before) - 1
        qtbot.waitUntil(lambda: window.workspace.project.recovery() is not None, timeout=5000)
        crash_image(window.workspace.project.path, crashed)
        return False  # here the person cancels; the copy is the session that crashed

    window.dialog_result = edit_then_crash
    window.open_editor("notes", (verse.id, "keys"))
    assert window.workspace.project.recovery() is None  # cancelling forgets the journal

    answers = []
    monkeypatch.setattr(ProjectFiles, "ask_recover",
                        lambda self, text: answers.append(text) or True)
    restored = open_window(qtbot, crashed)
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=5000)
    assert restored.history.count() == 2 and "Recovered" in restored.history.item(0).text()
    assert len(restored.composition.parts[(verse.id, "keys")].notes) == len(before) - 1
    assert restored.workspace.project.recovery() is None
    close_window(qtbot, restored)
    # opened again, nothing more is offered
    again = open_window(qtbot, crashed)
    qtbot.wait(50)
    assert len(answers) == 1 and again.history.count() == 2
    close_window(qtbot, again)


def test_a_crash_image_can_be_discarded(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path / "a.ensemble")
    generate_small(qtbot, window)
    edited = window.composition
    verse = edited.sections[1]
    window._journal_notes(edited, verse.id, "bass", ())  # every bass note deleted
    close_window(qtbot, window)  # closed with the journal still there, as a crash leaves it
    monkeypatch.setattr(ProjectFiles, "ask_recover", lambda self, text: False)
    reopened = open_window(qtbot, tmp_path / "a.ensemble")
    qtbot.waitUntil(lambda: reopened.workspace.project.recovery() is None, timeout=5000)
    assert reopened.history.count() == 1
    assert reopened.composition.parts[(verse.id, "bass")].notes
    close_window(qtbot, reopened)


def crash_image(project_path: Path, to: Path) -> None:
    """The project file as a crash at this moment leaves it: the database and its log."""
    for suffix in ("", "-wal"):
        source = Path(f"{project_path}{suffix}")
        if source.exists():
            shutil.copy(source, f"{to}{suffix}")


def test_a_crash_while_typing_lyrics_is_offered_back(qtbot, small_song, tmp_path,
                                                      monkeypatch):
    """The lyrics dialog itself (a modal QInputDialog) typed into while it waits."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    window = small_song
    verse = next(s for s in window.composition.sections if s.kind == "verse")
    words = "Hold the light and let it go\nEvery river finds the sea"
    crashed = tmp_path / "typing.ensemble"
    seen = []

    def person():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, person)
            return
        if not seen:
            seen.append(dialog)
            dialog.setTextValue(words)
        if window.workspace.project.recovery() is None:
            QTimer.singleShot(20, person)  # the journal is written a moment after typing
            return
        crash_image(window.workspace.project.path, crashed)
        dialog.reject()

    QTimer.singleShot(0, person)
    window.open_editor("lyrics", (verse.id,))
    assert seen and crashed.exists()
    assert window.workspace.project.recovery() is None  # cancelled: the journal is gone
    assert window.history.count() == 1

    monkeypatch.setattr(ProjectFiles, "ask_recover", lambda self, text: True)
    restored = open_window(qtbot, crashed)
    qtbot.waitUntil(lambda: restored.history.count() == 2, timeout=5000)
    assert restored.composition.lyrics[verse.id].texts[:2] == tuple(words.split("\n"))
    close_window(qtbot, restored)


def test_the_window_starts_on_the_project_it_had_open_last(qtbot, tmp_path):
    """No project named: the last one opens again, not another Untitled; a new one only when
    the last is gone, or when it cannot be opened (said in the status bar)."""
    song = tmp_path / "song.ensemble"
    Project.create(song).close()
    window = open_window(qtbot, song)  # remembered as the last project
    close_window(qtbot, window)
    documents = tmp_path / "documents" / "Ensemble"
    for _ in range(2):
        window = start_window()
        qtbot.addWidget(window)
        assert window.workspace.project.path == song
        close_window(qtbot, window)
    assert not documents.exists() or not any(documents.iterdir())  # no Untitled made

    with Project.open(song):  # another window has it: a new project, and why
        window = start_window()
        qtbot.addWidget(window)
        assert window.workspace.project.path == documents / "Untitled.ensemble"
        assert "song.ensemble" in window.statusBar().currentMessage()
        close_window(qtbot, window)
    assert load_settings().recent_projects[0] == str(documents / "Untitled.ensemble")

    (documents / "Untitled.ensemble").unlink()  # the last is gone: a new one
    window = start_window()
    qtbot.addWidget(window)
    assert window.workspace.project.path == documents / "Untitled.ensemble"
    close_window(qtbot, window)
