"""The settings dialog: the audio output device, the playback sample rate and latency, and
the loudness target new songs are mastered to. Accepting saves them
(settings.save_settings) and the window applies them to its audio process at once."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from studio.engine.playback import Device, output_devices
from studio.ui.mixer import TARGETS
from studio.ui.settings import PLAYBACK_LATENCIES, PLAYBACK_RATES_HZ, StudioSettings

DEFAULT_DEVICE = "System default"
LATENCY_LABELS = {"low": "Low (256 frames): for a quiet machine",
                  "normal": "Normal (512 frames)",
                  "safe": "Safe (1024 frames): no gaps while songs generate"}


def available_devices() -> list[Device]:
    """The output devices, or none when PortAudio itself cannot be used here."""
    try:
        return output_devices()
    except OSError:
        return []


class SettingsDialog(QDialog):
    def __init__(self, settings: StudioSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.device = QComboBox()
        self.device.addItem(DEFAULT_DEVICE, None)
        for device in available_devices():
            self.device.addItem(f"{device.name} ({device.host_api})", device.name)
        if settings.output_device is not None:
            index = self.device.findData(settings.output_device)
            if index < 0:  # a device that is not here now stays chosen for when it is back
                self.device.addItem(f"{settings.output_device} (not connected)",
                                    settings.output_device)
                index = self.device.count() - 1
            self.device.setCurrentIndex(index)
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
        form.addRow(buttons)
        self._recent = list(settings.recent_projects)

    def show_device_latency(self, seconds: float | None) -> None:
        """What the open device reports as its output latency (None: no device open)."""
        self.device_latency.setText("no device open" if seconds is None
                                    else f"{seconds * 1000:.1f} ms")

    def settings(self) -> StudioSettings:
        return StudioSettings(output_device=self.device.currentData(),
                              sample_rate_hz=int(self.sample_rate.currentText()),
                              loudness_target=self.loudness.currentData(),
                              latency=self.latency.currentData(),
                              recent_projects=self._recent)
