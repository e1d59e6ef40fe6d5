"""The mixer's strips say what plays and how: the lane's instrument (or voice), the fader in
dB and the pan as L/C/R, live while a control moves; and they sit side by side at their own
width, not spread over the panel."""

from __future__ import annotations

import pytest

from studio import engine
from studio.engine.composing import instruments
from studio.engine.edit import operations
from studio.ui.mixer import STRIP_W, MixerPanel, pan_text


@pytest.fixture(scope="module")
def song():
    return engine.compose("pop song about summer nights", 4, length_s=30)


def test_each_strip_names_its_instrument_level_and_pan(qtbot, song):
    song, _ = operations.set_lane_mix(song, "bass", gain_db=-4.5, pan=-0.3)
    panel = MixerPanel()
    qtbot.addWidget(panel)
    panel.show_song(song)
    bass = panel.strips["bass"]
    assert bass["db"].text() == "-4.5 dB" and bass["pan_value"].text() == "L 30"
    keys = song.lanes["keys"]
    assert panel.strips["keys"]["instrument"].text().startswith(
        instruments.program(keys.program).name[:10])
    assert panel.strips["vocal"]["instrument"].text().startswith("voice: ")
    bass["fader"].setValue(-120)  # while it is dragged, the value follows
    bass["pan"].setValue(45)
    assert bass["db"].text() == "-12.0 dB" and bass["pan_value"].text() == "R 45"
    assert pan_text(0.0) == "C" and pan_text(-1.0) == "L 100"
    for name in song.lanes:
        for key in ("fader", "pan", "mute", "solo", "instrument"):
            assert panel.strips[name][key].toolTip(), (name, key)
    song2, _ = operations.set_lane_mix(song, "bass", gain_db=2.0, pan=0.0)
    panel.show_song(song2)  # the same lanes: the strips stay and show the new values
    assert panel.strips["bass"] is bass and bass["db"].text() == "+2.0 dB"
    assert bass["pan_value"].text() == "C"


def test_strips_are_compact_on_a_wide_panel(qtbot, song):
    panel = MixerPanel()
    qtbot.addWidget(panel)
    panel.resize(1600, 300)
    panel.show_song(song)
    panel.show()
    qtbot.waitExposed(panel)
    faders = [panel.strips[name]["fader"] for name in song.lanes]
    lefts = [f.mapTo(panel, f.rect().topLeft()).x() for f in faders]
    steps = [b - a for a, b in zip(lefts, lefts[1:], strict=False)]
    assert all(0 < step <= STRIP_W + 12 for step in steps), steps
    assert lefts[-1] < 1600 / 2  # the room left over is after the strips
