"""The settings dialog: the audio output device, the playback sample rate and latency, and
the loudness target new songs are mastered to. Accepting saves them
(settings.save_settings) and the window applies them to its audio process at once.

The devices are listed by a process of their own (probe_output_devices): the dialog opens at
once with the chosen device and adds the others when the list comes."""

from __future__ import annotations

import time
from concurrent.futures.process import BrokenProcessPool

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from studio.engine.playback import probe_output_devices
from studio.settings import (
    PLAYBACK_LATENCIES,
    PLAYBACK_RATES_HZ,
    RENDER_CACHE_RANGE_GB,
    StudioSettings,
)
from studio.ui.mixer import TARGETS

DEFAULT_DEVICE = "System default"
LATENCY_LABELS = {"low": "Low (256 frames): for a quiet machine",
                  "normal": "Normal (512 frames)",
                  "safe": "Safe (1024 frames): no gaps while songs generate"}


class SettingsDialog(QDialog):
    devices_listed = Signal()

    def __init__(self, settings: StudioSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.device = QComboBox()
        self.device.addItem(DEFAULT_DEVICE, None)
        if settings.output_device is not None:
            self.device.addItem(f"{settings.output_device} (looking…)", settings.output_device)
            self.device.setCurrentIndex(1)
        self.listed = False
        self._probe = probe_output_devices()
        self._poll = QTimer(self, interval=50)
        self._poll.timeout.connect(self._take_devices)
        self._poll.start()
        self.sample_rate = QComboBox()
        self.sample_rate.addItems([str(rate) for rate in PLAYBACK_RATES_HZ])
        self.sample_rate.setCurrentText(str(settings.sample_rate_hz))
        self.latency = QComboBox()
        for name in PLAYBACK_LATENCIES:
            self.latency.addItem(LATENCY_LABELS[name], name)
        self.latency.setCurrentIndex(max(0, self.latency.findData(settings.latency)))
        self.latency.setToolTip("How much audio is prepared ahead: larger blocks hold up on a "
                                "busy machine; smaller ones answer sooner")
        self.loudness = QComboBox()
        for label, name in TARGETS.items():
            self.loudness.addItem(label, name)
        self.loudness.setCurrentIndex(max(0, self.loudness.findData(settings.loudness_target)))
        self.render_cache = QDoubleSpinBox(decimals=1, singleStep=0.5, suffix=" GB")
        self.render_cache.setRange(*RENDER_CACHE_RANGE_GB)
        self.render_cache.setValue(settings.render_cache_gb)
        self.render_cache.setToolTip("Rendered audio kept in your cache folder, so that songs "
                                     "rendered before play at once; the oldest goes first")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout(self)
        form.addRow("Output device", self.device)
        form.addRow("Sample rate (Hz)", self.sample_rate)
        form.addRow("Playback latency", self.latency)
        self.device_latency = QLabel("")
        form.addRow("Device's output latency", self.device_latency)
        form.addRow("Loudness of new songs", self.loudness)
        form.addRow("Render cache", self.render_cache)
        form.addRow(buttons)
        self._recent = list(settings.recent_projects)

    def wait_for_devices(self, timeout_s: float = 30.0) -> bool:
        """Wait (events running) until the device list is in; whether it came."""
        deadline = time.monotonic() + timeout_s
        while not self.listed and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self._take_devices()
        return self.listed

    def _take_devices(self) -> None:
        """Put the listed devices in the menu once the probe has answered; the chosen one
        stays chosen, marked when it is not connected now."""
        if self.listed or not self._probe.done():
            return
        self._poll.stop()
        self.listed = True
        try:
            devices = self._probe.result()
        except (OSError, BrokenProcessPool) as error:  # PortAudio cannot be used here
            devices = []
            self.device.setToolTip(f"The sound devices could not be listed: {error}")
        chosen = self.device.currentData()
        while self.device.count() > 1:
            self.device.removeItem(1)
        for device in devices:
            self.device.addItem(f"{device.name} ({device.host_api})", device.name)
        if chosen is not None:
            index = self.device.findData(chosen)
            if index < 0:  # a device that is not here now stays chosen for when it is back
                self.device.addItem(f"{chosen} (not connected)", chosen)
                index = self.device.count() - 1
            self.device.setCurrentIndex(index)
        self.devices_listed.emit()

    def show_device_latency(self, seconds: float | None) -> None:
        """What the open device reports as its output latency (None: no device open)."""
        self.device_latency.setText("no device open" if seconds is None
                                    else f"{seconds * 1000:.1f} ms")

    def settings(self) -> StudioSettings:
        return StudioSettings(output_device=self.device.currentData(),
                              sample_rate_hz=int(self.sample_rate.currentText()),
                              loudness_target=self.loudness.currentData(),
                              latency=self.latency.currentData(),
                              render_cache_gb=self.render_cache.value(),
                              recent_projects=self._recent)
