"""The mixer: a strip per lane (fader, pan, mute, solo) and the master's preset and loudness
target. It shows the composition's mix and emits each change as an engine operation (name,
arguments, keyword arguments) when the person lets go of a control."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDial,
    QGridLayout,
    QLabel,
    QSlider,
    QWidget,
)

from studio.engine.master import loudness_target, preset_names
from studio.engine.model import Composition

TARGETS = {"streaming (-14 LUFS)": "streaming", "club (-9 LUFS)": "club",
           "broadcast (-23 LUFS)": "broadcast"}


class MixerPanel(QWidget):
    operationRequested = Signal(str, tuple, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.strips: dict[str, dict[str, QWidget]] = {}
        self.preset = QComboBox()
        self.preset.addItems(list(preset_names()))
        self.preset.activated.connect(lambda _i: self.operationRequested.emit(
            "set_mastering", (), {"preset": self.preset.currentText()}))
        self.target = QComboBox()
        self.target.addItems(list(TARGETS))
        self.target.activated.connect(lambda _i: self.operationRequested.emit(
            "set_mastering", (), {"target_lufs": TARGETS[self.target.currentText()]}))

    def show_song(self, composition: Composition | None) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None and item.widget() not in (self.preset, self.target):
                item.widget().deleteLater()
        self.strips = {}
        if composition is None:
            return
        for column, (name, lane) in enumerate(composition.lanes.items()):
            fader = QSlider(Qt.Orientation.Vertical, minimum=-400, maximum=60)
            fader.setValue(round(lane.gain_db * 10))
            fader.setToolTip(f"{lane.gain_db:+.1f} dB")
            fader.sliderReleased.connect(
                lambda n=name, f=fader: self._mix(n, gain_db=f.value() / 10))
            pan = QDial(minimum=-100, maximum=100)
            pan.setValue(round(lane.pan * 100))
            pan.setFixedSize(40, 40)
            pan.sliderReleased.connect(lambda n=name, p=pan: self._mix(n, pan=p.value() / 100))
            mute, solo = QCheckBox("M"), QCheckBox("S")
            mute.setChecked(lane.mute)
            solo.setChecked(lane.solo)
            mute.clicked.connect(lambda checked, n=name: self._mix(n, mute=checked))
            solo.clicked.connect(lambda checked, n=name: self._mix(n, solo=checked))
            self.strips[name] = {"fader": fader, "pan": pan, "mute": mute, "solo": solo}
            for row, widget in enumerate((QLabel(name), pan, fader, mute, solo)):
                self.grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignHCenter)
        column = len(composition.lanes)
        self.grid.addWidget(QLabel("master"), 0, column)
        self.grid.addWidget(self.preset, 1, column)
        self.grid.addWidget(self.target, 2, column)
        self.preset.setCurrentText(composition.mastering.preset)
        for label, name in TARGETS.items():
            if abs(loudness_target(name) - composition.mastering.target_lufs) < 1e-6:
                self.target.setCurrentText(label)

    def _mix(self, lane: str, **settings) -> None:
        self.operationRequested.emit("set_lane_mix", (lane,), settings)

