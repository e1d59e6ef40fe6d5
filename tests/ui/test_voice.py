"""The voice panel and the vocal piano roll, offscreen with the real worker and project file:
a preset chosen, a recording imported into a profile kept in the project, that profile taken
by another project, deleted with its recording; a short file and a missing microphone
refused with a message; one note's vibrato shaped in the piano roll; all undoable."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import soundfile
from PySide6.QtCore import Qt

from studio.engine.model import VoiceProfile
from studio.engine.singing.presets import default_preset, preset_names
from tests.ui.window_helpers import generate_small, wait_idle

RATE = 44100


def sung_tone(seconds: float, f0_hz: float = 190.0) -> np.ndarray:
    """A voice-like tone: harmonics under a formant near 600 Hz, a slow melody with vibrato,
    and pauses, as (1, samples) float32."""
    t = np.arange(round(seconds * RATE)) / RATE
    f0 = f0_hz * (1 + 0.3 * np.sin(2 * np.pi * 0.2 * t)) * 2 ** (
        0.4 / 12 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    x = sum(np.exp(-(((k * f0_hz) - 600.0) / 500.0) ** 2) * np.sin(k * phase)
            for k in range(1, 30))
    x *= np.sin(2 * np.pi * 0.5 * t) > -0.7
    return (0.3 * x / np.abs(x).max()).astype(np.float32)[None, :]


def recording_ids(window) -> list[int]:
    return [row[0] for row in window.workspace.project.recordings()]


def voice(window):
    return window.composition.lanes["vocal"].voice


def test_a_preset_chosen_and_undone(qtbot, small_song):
    window, panel = small_song, small_song.voice_panel
    assert panel.isEnabled() and voice(window) is None  # the default voice
    versions = window.history.count()
    other = next(name for name in preset_names() if name != default_preset())
    panel.preset.setCurrentText(other)
    panel.preset.activated.emit(panel.preset.currentIndex())
    wait_idle(qtbot, window)
    assert voice(window).preset == other and window.history.count() == versions + 1
    assert other in window.history.item(0).text()
    panel.sliders["vibrato"].setValue(40)
    panel.sliders["vibrato"].sliderReleased.emit()
    wait_idle(qtbot, window)
    assert voice(window).vibrato == 0.4 and window.history.count() == versions + 2
    window.undo_stack.undo()
    assert voice(window).vibrato == 1.0 and panel.sliders["vibrato"].value() == 100
    window.undo_stack.undo()
    assert voice(window) is None and panel.preset.currentText() == default_preset()
    window.undo_stack.redo()
    assert voice(window).preset == other and panel.preset.currentText() == other


def test_a_profile_imported_taken_by_another_project_and_deleted(qtbot, small_song, tmp_path,
                                                                 monkeypatch):
    window, panel = small_song, small_song.voice_panel
    first = window.workspace.project.path
    short = tmp_path / "short.wav"
    soundfile.write(short, sung_tone(4.0).T, RATE)
    versions = window.history.count()
    panel.import_recording(short)
    assert "at least 10 s" in panel.message.text() and "4.0 s" in panel.message.text()
    assert window.job is None and window.history.count() == versions and not recording_ids(
        window)

    long = tmp_path / "me singing.flac"
    soundfile.write(long, sung_tone(12.0).T, RATE)
    panel.import_recording(long)
    wait_idle(qtbot, window)
    profile = voice(window).profile
    assert isinstance(profile, VoiceProfile) and profile.name == "me singing"
    assert 150 < profile.f0_median_hz < 260  # the tone's pitch, heard by the worker
    assert recording_ids(window) == [profile.recording_id]
    (_id, name, rate, audio), = window.workspace.project.recordings()
    assert name == "me singing" and rate == RATE and audio.shape == (1, 12 * RATE)
    assert window.history.count() == versions + 1 and "me singing" in panel.profile_label.text()
    assert panel.delete_button.isEnabled() and panel.sliders["profile_amount"].isEnabled()
    panel.sliders["profile_amount"].setValue(40)
    panel.sliders["profile_amount"].sliderReleased.emit()
    wait_idle(qtbot, window)
    assert voice(window).profile_amount == 0.4 and voice(window).profile == profile

    # with no input device, recording says so and the panel stays usable (PortAudio's answer
    # stands in for a machine without a microphone)
    import sounddevice

    def no_input(*_args, **_kwargs):
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", no_input)
    panel.record()
    assert "no input device" in panel.message.text() and panel.record_button.isEnabled()
    assert window.job is None and panel.recording is None

    # another project sings in the same profile; its recording stays in the first
    second = tmp_path / "second.ensemble"
    window.switch_project(second, create=True)
    generate_small(qtbot, window, seed=5)
    assert voice(window) is None or voice(window).profile is None
    panel.take_from_project(first)
    wait_idle(qtbot, window)
    taken = voice(window).profile
    assert taken is not None and taken.recording_id == -1
    assert VoiceProfile(**{**vars(taken), "recording_id": profile.recording_id}) == profile
    assert not recording_ids(window)
    panel.take_from_project(tmp_path / "short.wav")
    assert "short.wav" in panel.message.text()  # not a project: said, nothing changed

    # back in the first project, deleting the profile deletes its recording
    window.switch_project(first)
    assert voice(window).profile == profile and recording_ids(window) == [profile.recording_id]
    panel.delete_profile()
    wait_idle(qtbot, window)
    assert voice(window).profile is None and not recording_ids(window)
    assert voice(window).profile_amount == 0.4  # the rest of the voice stays
    assert not panel.delete_button.isEnabled()


def test_one_notes_vibrato_shaped_in_the_piano_roll(qtbot, small_song):
    window = small_song
    song = window.composition
    sid = next(s.id for s in song.sections if len(song.parts[(s.id, "vocal")].notes) > 3)
    notes = song.parts[(sid, "vocal")].notes
    seen = {}

    def shape(dialog):
        roll = dialog.roll
        dialog.show()
        assert not roll.editable and roll.labels  # the words are shown, the notes stay
        note = notes[2]
        qtbot.mouseClick(roll, Qt.MouseButton.LeftButton,
                         pos=roll.point_of(note.start_beats + 0.05, note.pitch).toPoint())
        assert roll.selected == 2 and dialog.expression.vibrato.isEnabled()
        seen["shown"] = dialog.expression.vibrato.value()
        dialog.expression.vibrato.setValue(250)
        assert roll.notes() == tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))
        return True

    window.dialog_result = shape
    versions = window.history.count()
    window.open_editor("notes", (sid, "vocal"))
    wait_idle(qtbot, window)
    assert seen["shown"] == 100  # the voice's own vibrato, before the edit
    expression, = voice(window).notes
    assert (expression.section_id, expression.note_index, expression.vibrato,
            expression.portamento) == (sid, 2, 2.5, None)
    assert window.history.count() == versions + 1 and window.composition.parts == song.parts
    window.undo_stack.undo()
    assert voice(window) is None or voice(window).notes == ()
    window.undo_stack.redo()
    assert voice(window).notes == (expression,)

    # opened again, the note shows its own vibrato; the voice's given back is one more version
    def give_back(dialog):
        dialog.roll.select(2)
        assert dialog.expression.vibrato.value() == 250 and 2 in dialog.roll.marked
        dialog.expression.reset.click()
        return True

    window.dialog_result = give_back
    window.open_editor("notes", (sid, "vocal"))
    wait_idle(qtbot, window)
    assert voice(window).notes == () and window.history.count() == versions + 2


def test_the_window_never_loads_the_singer(tmp_path):
    """A window showing a song sung in a profile, its voice panel and vocal piano roll, in a
    process of its own: the singer's native parts (WORLD, espeak-ng) stay in the worker."""
    code = f"""
import sys
from studio import engine
from studio.engine.edit import operations
from studio.project import Project
from PySide6.QtWidgets import QApplication
app = QApplication([])
from studio.ui.main_window import StudioWindow
song = engine.compose("pop song about rain", 3, length_s=20)
song, _ = operations.set_voice(song, profile=dict(name="me", f0_median_hz=180.0,
    f0_low_hz=140.0, f0_high_hz=260.0, formant_hz=520.0, centroid_hz=1500.0,
    breathiness=0.2))
path = {str(tmp_path / "sung.ensemble")!r}
with Project.create(path) as project:
    project.commit(song, "Generate", "generate")
window = StudioWindow(path)
window.show()
app.processEvents()
sid = next(k[0] for k, p in song.parts.items() if k[1] == "vocal" and p.notes)
window.dialog_result = lambda dialog: (dialog.roll.select(0), False)[1]
window.open_editor("notes", (sid, "vocal"))
window.voice_panel.show_song(window.composition)
app.processEvents()
loaded = [m for m in sys.modules if m.split(".")[-1] in ("singer", "world", "espeak",
          "voice", "pyworld")]
window.close()
print(loaded)
sys.exit(1 if loaded or "'me'" not in window.voice_panel.profile_label.text() else 0)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def test_record_from_the_input_device(qtbot, small_song, jack):
    """The JACK dummy server's capture ports give ten seconds of silence: recorded off the
    window's thread, sent to the worker, and refused there with a message."""
    window, panel = small_song, small_song.voice_panel
    versions = window.history.count()
    panel.record()
    assert panel.recording is not None and not panel.record_button.isEnabled()
    assert "Recording" in panel.message.text()
    qtbot.waitUntil(lambda: panel.recording is None, timeout=20_000)
    assert panel.record_button.isEnabled()
    wait_idle(qtbot, window)
    assert "the recording is silent" in panel.message.text()
    assert "silent" in window.statusBar().currentMessage()
    assert window.history.count() == versions and not recording_ids(window)
