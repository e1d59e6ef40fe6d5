"""The mixer's instrument chooser: a strip names its lane's instrument, its menu lists the
programs by family (kits for the drums), and choosing one runs the edit as a version."""

from __future__ import annotations

import dataclasses

from studio.engine.composing import instruments
from studio.ui.instrument_menu import InstrumentButton
from studio.ui.mixer import MixerPanel
from tests.engine.songs import make_song
from tests.ui.window_helpers import wait_idle


def opened(button: InstrumentButton):
    button.menu().aboutToShow.emit()  # what opening it does, without a modal menu
    return button.menu()


def test_each_strip_names_its_instrument_and_lists_them_by_family(qtbot):
    panel = MixerPanel()
    qtbot.addWidget(panel)
    song = make_song()
    panel.show_song(song)
    keys = panel.strips["keys"]["instrument"]
    name = instruments.program(song.lanes["keys"].program).name
    assert keys.toolTip().startswith(f"keys: {name}")
    menu = opened(keys)
    families = [action.text() for action in menu.actions()]
    assert families == [family.capitalize() for family in instruments.families()]
    organ = next(a for a in menu.actions() if a.text() == "Organ").menu()
    assert [a.text() for a in organ.actions()][0] == "17  Drawbar Organ"
    with qtbot.waitSignal(panel.operationRequested) as chosen:
        organ.actions()[0].trigger()
    assert chosen.args == ["set_lane_program", ("keys", 16), {}]


def test_the_drums_choose_a_kit(qtbot):
    panel = MixerPanel()
    qtbot.addWidget(panel)
    song = make_song()
    panel.show_song(song)
    drums = panel.strips["drums"]["instrument"]
    assert drums.text() == "standard kit"
    menu = opened(drums)
    assert [a.text() for a in menu.actions()] == [f"{name} kit"
                                                  for name in instruments.kits().values()]
    assert [a.isChecked() for a in menu.actions()][0]  # what plays now is checked
    with qtbot.waitSignal(panel.operationRequested) as chosen:
        next(a for a in menu.actions() if a.text() == "brush kit").trigger()
    assert chosen.args == ["set_drum_kit", (40,), {}]
    # a new choice shows once the song has it, without building the strips again
    song.context = dataclasses.replace(song.context, drum_kit=40)
    panel.show_song(song)
    assert panel.strips["drums"]["instrument"] is drums and drums.text() == "brush kit"


def test_choosing_an_instrument_in_the_window_makes_a_version(qtbot, small_song):
    window = small_song
    before = window.composition.lanes["keys"].program
    menu = opened(window.mixer.strips["keys"]["instrument"])
    organ = next(a for a in menu.actions() if a.text() == "Organ").menu()
    next(a for a in organ.actions() if a.text().endswith("Church Organ")).trigger()
    wait_idle(qtbot, window)
    assert window.composition.lanes["keys"].program == 19
    assert window.composition.context.programs["keys"] == 19
    assert window.mixer.strips["keys"]["instrument"].text() == "Church Organ"
    window.undo_stack.undo()
    assert window.composition.lanes["keys"].program == before
