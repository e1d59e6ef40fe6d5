"""The history panel: versions named and starred in the project file, and two versions
compared in a dialog that says what changed."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from tests.ui.window_helpers import wait_idle


def test_name_star_and_compare_versions(qtbot, small_song):
    window, panel = small_song, small_song.history_panel
    chorus = next(s for s in window.composition.sections if s.kind == "chorus")
    window.run_operation("regenerate_section", (chorus.id,))
    wait_idle(qtbot, window)
    assert panel.list.count() == 2
    first, second = (v.id for v in window.workspace.project.log())

    panel.list.setCurrentRow(1)  # the first version
    panel.ask_name = lambda current: ("first take", True)
    panel.name_button.click()
    assert window.workspace.project.log()[0].name == "first take"
    assert "[first take]" in panel.list.item(1).text()
    assert panel.list.currentRow() == 1

    panel.star_button.click()
    assert window.workspace.project.log()[0].starred
    assert "★" in panel.list.item(1).text() and "★" not in panel.list.item(0).text()
    panel.star_button.click()
    assert not window.workspace.project.log()[0].starred

    panel.list.clearSelection()
    for row in (0, 1):
        panel.list.selectionModel().select(panel.list.model().index(row, 0),
                                           QItemSelectionModel.SelectionFlag.Select)
    assert panel.selected_ids() == [first, second]
    panel.compare_button.click()
    dialog = panel.compare_dialog
    assert dialog is not None and dialog.isVisible()
    lines = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    chorus_line = next(line for line in lines if line.startswith("chorus:"))
    assert "drums" in chorus_line and "bass" in chorus_line
    assert not any(line.startswith(("verse", "intro", "outro")) for line in lines)
    dialog.close()

    # a version compared with the current one when only it is selected; after a revert the
    # first version and the current one are the same song
    panel.list.setCurrentRow(1)
    panel.revert_button.click()
    assert panel.list.count() == 3
    panel.list.clearSelection()
    panel.list.setCurrentRow(2)  # the first version again
    panel.compare_button.click()
    lines = [panel.compare_dialog.changes.item(i).text()
             for i in range(panel.compare_dialog.changes.count())]
    assert lines == ["nothing: the two versions are the same song"]
    panel.compare_dialog.close()


def test_a_branch_in_the_history_says_where_it_starts(qtbot, small_song):
    window = small_song
    song = window.composition
    window.run_operation("regenerate_section", (song.sections[1].id,))
    wait_idle(qtbot, window)
    window.undo_stack.undo()  # back on version 1: the next edit branches from it
    window.run_operation("regenerate_section", (song.sections[2].id,))
    wait_idle(qtbot, window)
    texts = [window.history.item(i).text() for i in range(window.history.count())]
    assert texts[0].startswith("● 3") and texts[0].endswith("(from 1)")
    assert "(from" not in texts[1] and "(from" not in texts[2]
