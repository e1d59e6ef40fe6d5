"""The mixer: a strip per lane (instrument, meter, fader, pan, mute, solo) and the master's
meter, preset and loudness target. It shows the composition's mix and emits each change as an engine
operation (name, arguments, keyword arguments) when the person lets go of a control. The
meters show the peaks the window hands them while the song plays, falling back slowly."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDial,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSlider,
    QWidget,
)

from studio.engine.edit.operations import LOUDNESS_RANGE
from studio.engine.model import Composition
from studio.engine.sound.mastering import loudness_target, preset_names
from studio.ui.instrument_menu import InstrumentButton

TARGETS = {"streaming (-14 LUFS)": "streaming", "club (-9 LUFS)": "club",
           "broadcast (-23 LUFS)": "broadcast"}


FLOOR_DB, FALL_DB = -60.0, 1.5  # the meter's bottom; how far it falls per update


class Meter(QWidget):
    """A peak meter: the level in dBFS as a bar, green to yellow to red near full scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_db = FLOOR_DB
        self.setFixedSize(8, 90)

    def show_peak(self, peak: float) -> None:
        """A new peak (linear); the bar jumps up to it or falls toward it."""
        peak_db = 20 * math.log10(peak) if peak > 0 else FLOOR_DB
        level = max(FLOOR_DB, peak_db, self.level_db - FALL_DB)
        if level != self.level_db:
            self.level_db = level
            self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#151618"))
        fraction = (self.level_db - FLOOR_DB) / -FLOOR_DB
        height = self.height() * min(1.0, fraction)
        colour = "#d9534f" if self.level_db > -1 else "#e8c547" if self.level_db > -9 \
            else "#5cb85c"
        painter.fillRect(QRectF(0, self.height() - height, self.width(), height),
                         QColor(colour))


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
        self.target_lufs = QDoubleSpinBox(suffix=" LUFS", decimals=1, singleStep=0.5)
        self.target_lufs.setRange(*LOUDNESS_RANGE)
        self.target_lufs.setKeyboardTracking(False)
        self.target_lufs.editingFinished.connect(self._target_typed)
        self.master_meter = Meter()
        self.meters: dict[str, Meter] = {}
        self._shown_lufs: float | None = None

    def show_song(self, composition: Composition | None) -> None:
        """Show a song's mix: the strips are built again only when the lanes differ, so the
        meters and a control the person holds stay as they are."""
        deque(self.showing_song(composition), maxlen=0)

    def showing_song(self, composition: Composition | None) -> Iterator[str]:
        """show_song a step at a time: yields after each strip it builds (the window shows
        one strip per tick; a dozen new widgets take milliseconds to show)."""
        if composition is not None and list(composition.lanes) == list(self.strips):
            for name, lane in composition.lanes.items():
                strip = self.strips[name]
                for key, value in (("fader", round(lane.gain_db * 10)),
                                   ("pan", round(lane.pan * 100)), ("mute", lane.mute),
                                   ("solo", lane.solo)):
                    widget = strip[key]
                    widget.blockSignals(True)
                    if key in ("mute", "solo"):
                        widget.setChecked(value)
                    elif not widget.isSliderDown():
                        widget.setValue(value)
                    widget.blockSignals(False)
                strip["fader"].setToolTip(f"{lane.gain_db:+.1f} dB")
                if "instrument" in strip:
                    strip["instrument"].show_instrument(lane, composition.context)
            self._show_master(composition)
            return
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None and item.widget() not in (
                    self.preset, self.target, self.target_lufs, self.master_meter):
                item.widget().deleteLater()
        self.strips, self.meters = {}, {}
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
            meter = Meter()
            self.meters[name] = meter
            self.strips[name] = {"fader": fader, "pan": pan, "mute": mute, "solo": solo}
            instrument = QWidget()
            if name != "vocal":  # the voice is chosen in the Voice panel
                instrument = InstrumentButton(name)
                instrument.show_instrument(lane, composition.context)
                instrument.operationRequested.connect(self.operationRequested)
                self.strips[name]["instrument"] = instrument
            levels = QWidget()
            row_of_two = QGridLayout(levels)
            row_of_two.setContentsMargins(0, 0, 0, 0)
            row_of_two.addWidget(fader, 0, 0)
            row_of_two.addWidget(meter, 0, 1)
            for row, widget in enumerate((QLabel(name), instrument, pan, levels, mute, solo)):
                self.grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignHCenter)
            yield name
        column = len(composition.lanes)
        self.grid.addWidget(QLabel("master"), 0, column)
        self.grid.addWidget(self.preset, 1, column)
        self.grid.addWidget(self.target, 2, column)
        self.grid.addWidget(self.target_lufs, 3, column)
        self.grid.addWidget(self.master_meter, 0, column + 1, 6, 1)
        self._show_master(composition)

    def _show_master(self, composition: Composition) -> None:
        self.preset.setCurrentText(composition.mastering.preset)
        for label, name in TARGETS.items():
            if abs(loudness_target(name) - composition.mastering.target_lufs) < 1e-6:
                self.target.setCurrentText(label)
        self._shown_lufs = composition.mastering.target_lufs
        self.target_lufs.blockSignals(True)
        self.target_lufs.setValue(composition.mastering.target_lufs)
        self.target_lufs.blockSignals(False)

    def show_levels(self, lane_peaks: dict[str, float], master_peak: float) -> None:
        """Peaks (linear, after the faders) since the last call; lanes not named fall."""
        for name, meter in self.meters.items():
            meter.show_peak(lane_peaks.get(name, 0.0))
        self.master_meter.show_peak(master_peak)

    def _target_typed(self) -> None:
        value = round(self.target_lufs.value(), 1)
        if self._shown_lufs is None or abs(value - self._shown_lufs) < 1e-6:
            return
        self.operationRequested.emit("set_mastering", (), {"target_lufs": value})

    def _mix(self, lane: str, **settings) -> None:
        self.operationRequested.emit("set_lane_mix", (lane,), settings)

