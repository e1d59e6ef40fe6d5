"""The arrangement edited with the mouse: a section dragged to another place, its edge
dragged to resize it, an energy point dragged, a section inserted from the context menu;
each one version, undone by undo."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from tests.ui.window_helpers import wait_idle

LEFT = Qt.MouseButton.LeftButton


def drag(qtbot, widget, start: QPointF, end: QPointF) -> None:
    qtbot.mousePress(widget, LEFT, pos=start.toPoint())
    middle = (start + end) / 2
    qtbot.mouseMove(widget, middle.toPoint())
    qtbot.mouseMove(widget, end.toPoint())
    qtbot.mouseRelease(widget, LEFT, pos=end.toPoint())


def kinds(window) -> list[str]:
    return [s.kind for s in window.composition.sections]


def test_drag_a_section_to_move_it_then_undo(qtbot, small_song):
    window, view = small_song, small_song.song_view
    before = kinds(window)
    assert before == ["intro", "verse", "chorus", "outro"]
    rects = dict(view.section_rects())
    verse = window.composition.sections[1]
    start = rects[verse.id].center()
    drag(qtbot, view, start, start + QPointF(rects[verse.id].width() + 4, 0))
    wait_idle(qtbot, window)
    assert kinds(window) == ["intro", "chorus", "verse", "outro"]
    assert window.history.count() == 2 and "Move verse" in window.history.item(0).text()
    window.undo_stack.undo()
    assert kinds(window) == before
    window.undo_stack.redo()
    assert kinds(window) == ["intro", "chorus", "verse", "outro"]


def test_drag_a_section_edge_to_resize_it_then_undo(qtbot, small_song):
    window, view = small_song, small_song.song_view
    chorus = next(s for s in window.composition.sections if s.kind == "chorus")
    rect = dict(view.section_rects())[chorus.id]
    edge = QPointF(rect.right() - 2, rect.center().y())
    drag(qtbot, view, edge, edge + QPointF(2 * view.pixels_per_bar, 0))
    wait_idle(qtbot, window)
    resized = next(s for s in window.composition.sections if s.id == chorus.id)
    assert resized.bars == chorus.bars + 2
    assert dict(view.section_rects())[chorus.id].width() == resized.bars * view.pixels_per_bar
    window.undo_stack.undo()
    assert next(s for s in window.composition.sections if s.id == chorus.id).bars == chorus.bars
    # a click on a block, without a drag, changes nothing
    qtbot.mouseClick(view, LEFT, pos=rect.center().toPoint())
    assert window.job is None and view.selected == chorus.id


def test_drag_an_energy_point(qtbot, small_song):
    window, view = small_song, small_song.song_view
    verse = window.composition.sections[1]
    handle = next(p for sid, which, p in view.energy_handles()
                  if sid == verse.id and which == "end")
    before = window.composition.context.energy_curve
    from studio.ui.song_view import CURVE_H, RULER_H, SECTION_H

    top = RULER_H + SECTION_H + CURVE_H * (1 - 0.9)  # energy 0.9
    drag(qtbot, view, handle, QPointF(handle.x(), top))
    wait_idle(qtbot, window)
    curve = window.composition.context.energy_curve
    assert curve[3][1] == 0.9 and curve[3] != before[3]  # the verse's end point
    assert [p for i, p in enumerate(curve) if i != 3] == [p for i, p in enumerate(before)
                                                          if i != 3]
    assert "Energy of verse" in window.history.item(0).text()
    # the chorus's start point, right beside the verse's end: the nearest is taken
    chorus = window.composition.sections[2]
    start = next(p for sid, which, p in view.energy_handles()
                 if sid == chorus.id and which == "start")
    end = next(p for sid, which, p in view.energy_handles()
               if sid == verse.id and which == "end")
    assert abs(end.x() - start.x()) <= 6 and abs(end.y() - start.y()) <= 6  # both in reach
    drag(qtbot, view, start, QPointF(start.x(), RULER_H + SECTION_H + CURVE_H * (1 - 0.3)))
    wait_idle(qtbot, window)
    curve = window.composition.context.energy_curve
    assert curve[4][1] == 0.3 and curve[3][1] == 0.9
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.composition.context.energy_curve == before


def test_insert_a_section_from_the_context_menu(qtbot, small_song):
    window, view = small_song, small_song.song_view
    chorus = next(s for s in window.composition.sections if s.kind == "chorus")
    rect = dict(view.section_rects())[chorus.id]
    menu = view.section_menu(rect.center())
    after = next(a for a in menu.actions() if a.text() == "Insert section after").menu()
    next(a for a in after.actions() if a.text() == "bridge").trigger()
    wait_idle(qtbot, window)
    assert kinds(window) == ["intro", "verse", "chorus", "bridge", "outro"]
    assert window.song_view.composition is window.composition
    window.undo_stack.undo()
    assert kinds(window) == ["intro", "verse", "chorus", "outro"]


def test_waveforms_appear_once_the_song_is_rendered(qtbot, small_song):
    window, view = small_song, small_song.song_view
    qtbot.waitUntil(lambda: view.envelopes is not None, timeout=60_000)
    found = view.envelopes
    assert set(found.lanes) == set(window.composition.lanes)
    song = window.composition
    bars = sum(s.bars for s in song.sections)
    for name, (low, high) in found.lanes.items():
        assert abs(len(high) - bars * found.bins_per_bar) <= found.bins_per_bar, name
        assert (low <= high).all()
    assert float(found.lanes["drums"][1].max()) > 0.01  # real audio, not silence
    # drawn in the lanes: the bass row looks different with the envelopes than without
    from studio.ui.song_view import CURVE_H, LANE_H, NAME_W, RULER_H, SECTION_H

    row = RULER_H + SECTION_H + CURVE_H + LANE_H  # the bass lane, the second row
    x_end = int(NAME_W + bars * view.pixels_per_bar)

    def row_pixels():
        view.grab()  # paints: asks for the picture of what it shows now
        qtbot.waitUntil(lambda: view.picture_current, timeout=5000)  # drawn in its thread
        picture = view.grab().toImage()
        return [picture.pixelColor(x, y).name() for x in range(NAME_W + 1, x_end, 2)
                for y in range(row + 4, row + LANE_H - 4, 4)]

    drawn = row_pixels()
    view.show_envelopes(None)
    plain = row_pixels()
    view.show_envelopes(found)
    assert sum(a != b for a, b in zip(drawn, plain, strict=True)) > len(drawn) // 10
    # a move makes the old audio wrong: the envelopes go until the new render is in
    window.run_operation("move_section", (song.sections[1].id, 2))
    wait_idle(qtbot, window)
    assert view.envelopes is None
    qtbot.waitUntil(lambda: view.envelopes is not None, timeout=60_000)


def test_a_refused_drag_says_why_and_changes_nothing(qtbot, small_song):
    window, view = small_song, small_song.song_view
    chorus = next(s for s in window.composition.sections if s.kind == "chorus")
    window.run_operation("set_locked", (chorus.id, "bass", True))
    wait_idle(qtbot, window)
    song = window.composition
    rect = dict(view.section_rects())[chorus.id]
    edge = QPointF(rect.right() - 2, rect.center().y())
    drag(qtbot, view, edge, edge + QPointF(view.pixels_per_bar, 0))
    wait_idle(qtbot, window)
    message = window.statusBar().currentMessage()
    assert message.startswith("Failed") and "locked" in message, message
    assert window.composition.sections == song.sections and window.history.count() == 2
