"""The voice panel: which voice the vocal lane sings in, and a person's voice profile.

A preset, the voice's vibrato, glide and breath, and how far it moves toward a profile are
edits of the composition (the set_voice operation, one version each). A profile comes from a
recording (imported from a WAV or FLAC file, or recorded from the input device), which the
worker analyses; the recording itself is kept in the project file, and deleting the profile
deletes it. A profile can also be taken from another project file. The panel holds no music
logic: reading, recording and storing audio are the only things it does itself.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from studio.engine.edit.operations import VOICE_RANGES
from studio.engine.model import Composition, Voice
from studio.engine.singing.presets import default_preset, preset_names
from studio.engine.singing.profile import MIN_SECONDS, read_recording, record
from studio.project import SUFFIX, ProjectError
from studio.voice_profiles import profile_from_project

RECORD_S = MIN_SECONDS + 0.5  # "Record 10 s" keeps a little more than the least it needs
SLIDERS = {"vibrato": "Vibrato", "portamento": "Glide", "breath": "Breath",
           "profile_amount": "Profile strength"}  # voice setting -> its label (in percent)


class VoicePanel(QWidget):
    """The vocal lane's voice. Changes leave as operations (name, args, kwargs); a profile's
    recording goes through the window's worker and into its project file."""

    operationRequested = Signal(str, tuple, dict)

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.voice: Voice | None = None
        self.preset = QComboBox()
        self.preset.addItems(preset_names())
        self.preset.activated.connect(lambda _i: self._set(preset=self.preset.currentText()))
        self.sliders: dict[str, QSlider] = {}
        self.labels: dict[str, QLabel] = {}  # each slider's name and the voice's value
        form = QFormLayout(self)
        form.addRow("Preset", self.preset)
        for name, label in SLIDERS.items():
            low, high = VOICE_RANGES[name]
            slider = QSlider(Qt.Orientation.Horizontal, minimum=round(low * 100),
                             maximum=round(high * 100))
            slider.sliderReleased.connect(lambda n=name: self._slider_released(n))
            self.sliders[name] = slider
            if name == "profile_amount":
                self.profile_label = QLabel("none", wordWrap=True)
                form.addRow("Profile", self.profile_label)
            slider.valueChanged.connect(lambda value, n=name: self._show_value(n, value / 100))
            self.labels[name] = QLabel(label)
            form.addRow(self.labels[name], slider)
        self.import_button = QPushButton("Import recording…", clicked=self.ask_import)
        self.record_button = QPushButton(f"Record {MIN_SECONDS:.0f} s", clicked=self.record)
        self.other_button = QPushButton("From another project…", clicked=self.ask_other)
        self.delete_button = QPushButton("Delete profile", clicked=self.delete_profile)
        buttons = QGridLayout()
        for index, button in enumerate((self.import_button, self.record_button,
                                        self.other_button, self.delete_button)):
            buttons.addWidget(button, index // 2, index % 2)
        form.addRow(buttons)
        self.message = QLabel("", wordWrap=True)
        form.addRow(self.message)
        self._recorder: ThreadPoolExecutor | None = None
        self.recording: Future | None = None
        self._record_rate = 0
        self._record_timer = QTimer(self, interval=100)
        self._record_timer.timeout.connect(self._collect_recording)
        window.jobFinished.connect(self.on_window_job_finished)
        self.show_song(None)

    # -- showing the voice ---------------------------------------------------------------------

    def show_song(self, composition: Composition | None) -> None:
        lane = composition.lanes.get("vocal") if composition is not None else None
        self.setEnabled(lane is not None)
        self.voice = (lane.voice or Voice(default_preset())) if lane is not None else None
        voice = self.voice or Voice(default_preset())
        self.preset.setCurrentText(voice.preset)
        for name, slider in self.sliders.items():
            if not slider.isSliderDown():
                slider.blockSignals(True)
                slider.setValue(round(getattr(voice, name) * 100))
                slider.blockSignals(False)
            self._show_value(name, getattr(voice, name))
        profile = voice.profile
        self.sliders["profile_amount"].setEnabled(profile is not None)
        self.delete_button.setEnabled(profile is not None)
        if profile is None:
            self.profile_label.setText("none: the preset sings alone")
        else:
            where = ("made from a recording here" if profile.recording_id >= 0
                     else "taken from another project")
            self.profile_label.setText(f"'{profile.name}', {profile.f0_median_hz:.0f} Hz "
                                       f"median ({where})")

    def _show_value(self, name: str, value: float) -> None:
        self.labels[name].setText(f"{SLIDERS[name]} {value:.0%}")

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.window.statusBar().showMessage(text)

    def on_window_job_finished(self, kind: str, ok: bool, message: str) -> None:
        if kind == "voice" and not ok:  # the worker could not make a profile of it
            self.message.setText(message)

    # -- the voice's settings ------------------------------------------------------------------

    def _slider_released(self, name: str) -> None:
        self._set(**{name: self.sliders[name].value() / 100})

    def _set(self, **settings) -> None:
        """Ask for a change of the voice, unless it is so already."""
        if self.voice is None:
            return
        if all(getattr(self.voice, k) == v for k, v in settings.items()):
            return
        self.operationRequested.emit("set_voice", (), settings)

    # -- profiles ------------------------------------------------------------------------------

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a recording of your voice", "",
                                              "Audio (*.wav *.flac)")
        if path:
            self.import_recording(path)

    def import_recording(self, path: str | Path) -> None:
        """A WAV or FLAC file of someone singing or speaking, analysed into a profile."""
        try:
            audio, rate = read_recording(path)
        except ValueError as error:
            self.say(str(error))
            return
        self.analyse(audio, rate, Path(path).stem)

    def analyse(self, audio: np.ndarray, sample_rate: int, name: str) -> None:
        """Have the worker make a profile of a recording; then keep the recording in the
        project file and sing in the profile (one version)."""
        seconds = audio.shape[-1] / float(sample_rate)
        if seconds < MIN_SECONDS:
            self.say(f"A voice profile needs at least {MIN_SECONDS:.0f} s of singing or "
                     f"speaking; '{name}' is {seconds:.1f} s long.")
            return
        if self.voice is None:
            self.say("The song has no vocal lane to sing in a profile.")
            return
        self.say(f"Listening to '{name}'…")
        job = self.window.workspace.start_job(
            "studio.engine.worker.tasks:analyse_voice",
            {"audio": audio, "sample_rate": int(sample_rate), "name": name},
            progress=self.window.events.put, kind="voice", message=f"Listen to '{name}'")
        self.window.run_task(job, lambda profile: self._keep(profile, audio, sample_rate, name))

    def _keep(self, profile: dict, audio: np.ndarray, sample_rate: int, name: str) -> str:
        recording_id = self.window.workspace.project.add_recording(name, audio, sample_rate)
        self.operationRequested.emit("set_voice", (), {
            "profile": {**profile, "recording_id": recording_id}})
        message = f"'{name}' is kept in this project; the voice moves toward it"
        self.message.setText(message)
        return message

    def record(self) -> None:
        """Record RECORD_S seconds from the input device, off this thread, then analyse it."""
        import sounddevice

        if self.recording is not None:
            return
        try:
            # the devices as they are now: a microphone plugged in since PortAudio started
            # counts (this process holds no stream: playback has a process of its own)
            sounddevice._terminate()
            sounddevice._initialize()
            device = sounddevice.query_devices(kind="input")
        except (sounddevice.PortAudioError, ValueError):
            self.say("There is no input device to record from: connect a microphone, or "
                     "import a recording instead.")
            return
        if self._recorder is None:
            self._recorder = ThreadPoolExecutor(1)
        rate = int(device["default_samplerate"])  # a JACK device takes only its server's
        self.recording, self._record_rate = self._recorder.submit(record, RECORD_S, rate), rate
        self.record_button.setEnabled(False)
        self.say(f"Recording {MIN_SECONDS:.0f} s: sing or speak now…")
        self._record_timer.start()

    def _collect_recording(self) -> None:
        if self.recording is None or not self.recording.done():
            return
        future, self.recording = self.recording, None
        self._record_timer.stop()
        self.record_button.setEnabled(True)
        try:
            audio = future.result()
        except Exception as error:  # noqa: BLE001 - the device's failure, said to the person
            self.say(f"Recording failed: {error}")
            return
        self.analyse(audio, self._record_rate, "my voice")

    def ask_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Take the voice profile of a project", "",
                                              f"Ensemble projects (*{SUFFIX})")
        if path:
            self.take_from_project(path)

    def take_from_project(self, path: str | Path) -> None:
        """Sing in the profile another project file sings in (its recording stays there)."""
        try:
            profile = profile_from_project(path)
        except (ValueError, ProjectError, OSError) as error:
            self.say(str(error))
            return
        self.say(f"Singing in '{profile.name}' from {Path(path).name}")
        self.operationRequested.emit("set_voice", (), {"profile": dataclasses.asdict(profile)})

    def delete_profile(self) -> None:
        """Sing in the preset alone (one version), then delete the profile's recording."""
        profile = self.voice.profile if self.voice is not None else None
        if profile is None:
            self.say("There is no profile to delete.")
            return
        project = self.window.workspace.project

        def forget(_info) -> None:
            if profile.recording_id >= 0:
                project.delete_recording(profile.recording_id)

        self.window.run_operation("set_voice", (), {"profile": None}, then=forget)

    def shut_down(self) -> None:
        """Stop waiting for a recording (the window is closing)."""
        self._record_timer.stop()
        if self.recording is not None:
            import sounddevice

            sounddevice.stop()  # the recording's own stream (playback has another)
        if self._recorder is not None:
            self._recorder.shutdown(wait=False, cancel_futures=True)
