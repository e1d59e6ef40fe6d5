"""The history panel: versions named and starred in the project file, two versions compared
in a dialog that says what changed, and stars and ratings taught to the preference profile."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import QItemSelectionModel

from studio import engine
from studio.engine.composing.leanings import Leanings
from studio.engine.composing.preferences import PreferenceProfile, default_path, stars_to_rating
from studio.engine.serialize import write_json
from tests.ui.window_helpers import generate_small, wait_idle


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


def test_stars_and_ratings_teach_the_profile_that_generate_uses(qtbot, small_song):
    """A star and a rating in the window reach the preference profile as `studio rate`
    does, and the window's Generate composes with the profile."""
    window, panel = small_song, small_song.history_panel
    song = window.composition
    panel.list.setCurrentRow(0)
    panel.rating.activated.emit(5)  # the menu's five stars
    profile = PreferenceProfile()
    assert profile.leanings.ratings == 1
    assert profile.leanings.genre_weights  # the song's genres were liked
    expected = PreferenceProfile(tmp := default_path().with_name("expected.json"))
    expected.rate(song, stars_to_rating(5))
    assert asdict(profile.leanings) == asdict(expected.leanings)
    assert "new songs lean toward it" in window.statusBar().currentMessage()
    assert panel.rating.currentIndex() == 0

    panel.star_button.click()  # starred: liked once more
    assert PreferenceProfile().leanings.ratings == 2
    panel.star_button.click()  # un-starred: nothing is learned
    assert PreferenceProfile().leanings.ratings == 2
    panel.rating.activated.emit(1)  # one star: disliked
    assert PreferenceProfile().leanings.ratings == 3
    assert "away from it" in window.statusBar().currentMessage()
    tmp.unlink()

    # a profile that wants songs 24 bpm faster: the window's next song is that much faster
    leanings = Leanings(tempo_offset_bpm=24.0)
    write_json(default_path(), {"format": 1, **asdict(leanings)})
    generate_small(qtbot, window, seed=11)
    neutral = engine.compose("lo-fi beat", 11, length_s=30)
    leaning = engine.compose("lo-fi beat", 11, length_s=30, preferences=leanings)
    assert leaning.context.tempo_bpm != neutral.context.tempo_bpm
    assert window.composition.context.tempo_bpm == leaning.context.tempo_bpm
