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
    QHBoxLayout,
    QLabel,
    QSlider,
    QWidget,
)

from studio.engine.edit.operations import LOUDNESS_RANGE
from studio.engine.model import Composition
from studio.engine.singing.presets import default_preset
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


STRIP_W = 92  # a strip's width at most, in pixels


def db_text(gain_db: float) -> str:
    return f"{gain_db:+.1f} dB"


def pan_text(pan: float) -> str:
    """-1..1 as people read a pan knob: "C", "L 30", "R 100"."""
    amount = round(abs(pan) * 100)
    return "C" if amount == 0 else f"{'L' if pan < 0 else 'R'} {amount}"


def voice_text(lane) -> str:
    return f"voice: {lane.voice.preset if lane.voice is not None else default_preset()}"


class MixerPanel(QWidget):
    operationRequested = Signal(str, tuple, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(6)
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
        self.preset.setToolTip("The mastering preset: how the master is shaped")
        self.target.setToolTip("How loud the master is made, for where it will be played")
        self.target_lufs.setToolTip("The master's loudness target in LUFS (type a number)")
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
                self._show_values(name)
                if isinstance(strip.get("instrument"), InstrumentButton):
                    strip["instrument"].show_instrument(lane, composition.context)
                elif "instrument" in strip:
                    strip["instrument"].setText(voice_text(lane))
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
            fader.setToolTip(f"{name}'s level: drag, and let go to keep it")
            fader.sliderReleased.connect(
                lambda n=name, f=fader: self._mix(n, gain_db=f.value() / 10))
            pan = QDial(minimum=-100, maximum=100)
            pan.setValue(round(lane.pan * 100))
            pan.setFixedSize(36, 36)
            pan.setToolTip(f"{name}'s place from left to right")
            pan.sliderReleased.connect(lambda n=name, p=pan: self._mix(n, pan=p.value() / 100))
            db, where = QLabel(), QLabel()
            for value in (db, where):
                value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            fader.valueChanged.connect(lambda _v, n=name: self._show_values(n))
            pan.valueChanged.connect(lambda _v, n=name: self._show_values(n))
            mute, solo = QCheckBox("M"), QCheckBox("S")
            mute.setToolTip(f"Mute {name}")
            solo.setToolTip(f"Hear {name} alone (with the other soloed lanes)")
            mute.setChecked(lane.mute)
            solo.setChecked(lane.solo)
            mute.clicked.connect(lambda checked, n=name: self._mix(n, mute=checked))
            solo.clicked.connect(lambda checked, n=name: self._mix(n, solo=checked))
            meter = Meter()
            self.meters[name] = meter
            self.strips[name] = {"fader": fader, "pan": pan, "mute": mute, "solo": solo,
                                 "db": db, "pan_value": where}
            self._show_values(name)
            instrument = QLabel(voice_text(lane))  # chosen in the Voice panel
            instrument.setToolTip("The singing voice: choose it in the Voice panel")
            self.strips[name]["instrument"] = instrument
            if name != "vocal":
                instrument = InstrumentButton(name)
                instrument.show_instrument(lane, composition.context)
                instrument.operationRequested.connect(self.operationRequested)
                self.strips[name]["instrument"] = instrument
            levels = QWidget()
            row_of_two = QGridLayout(levels)
            row_of_two.setContentsMargins(0, 0, 0, 0)
            row_of_two.addWidget(fader, 0, 0)
            row_of_two.addWidget(meter, 0, 1)
            mute_solo = QWidget()
            pair = QHBoxLayout(mute_solo)
            pair.setContentsMargins(0, 0, 0, 0)
            pair.addWidget(mute)
            pair.addWidget(solo)
            for widget in (instrument, where, db):
                widget.setMaximumWidth(STRIP_W)
            for row, widget in enumerate((QLabel(f"<b>{name}</b>"), instrument, pan, where,
                                          levels, db, mute_solo)):
                self.grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignHCenter)
            yield name
        column = len(composition.lanes)
        self.grid.addWidget(QLabel("master"), 0, column)
        self.grid.addWidget(self.preset, 1, column)
        self.grid.addWidget(self.target, 2, column)
        self.grid.addWidget(self.target_lufs, 3, column)
        self.grid.addWidget(self.master_meter, 0, column + 1, 7, 1)
        for index in range(self.grid.columnCount()):  # strips as narrow as they can be...
            self.grid.setColumnStretch(index, 0)
        self.grid.setColumnStretch(column + 2, 1)  # ...and the room left over after them
        self._show_master(composition)

    def _show_values(self, name: str) -> None:
        """The strip's fader in dB and pan as L/C/R, as they are now (while dragged too)."""
        strip = self.strips[name]
        strip["db"].setText(db_text(strip["fader"].value() / 10))
        strip["pan_value"].setText(pan_text(strip["pan"].value() / 100))

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

