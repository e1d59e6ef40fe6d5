"""The studio window: prompt, arrangement and lanes, inspector, history, undo.

Every action goes to the engine through the workspace: generation, operations, refine and
export run in the worker process, and a QTimer in this thread drains their progress and
collects their results, so the window never waits. Each finished job is one version in the
project file; undo and redo move between those versions (QUndoStack), without making new ones.
"""

from __future__ import annotations

import os
import queue
import random
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.engine.background import JobFailed, JobHandle, Worker
from studio.engine.playback import (
    PlaybackUnavailable,
    SharedAudio,
    Transport,
    discard_owned,
    discard_shared,
    position_label,
)
from studio.engine.progress import Cancelled
from studio.engine.prompt import parse_seconds
from studio.engine.tasks import unpack
from studio.engine.workspace import Job, Workspace
from studio.ui.mixer import MixerPanel
from studio.ui.piano_roll import PianoRollDialog
from studio.ui.song_view import SongView

POLL_MS = 30
PLAYBACK_RATE, PLAYBACK_BLOCK = 48000, 512
ROLES = {"intro": "sets the scene before the voice comes in",
         "verse": "tells the story over the song's home chords",
         "pre-chorus": "lifts toward the chorus and leans on the dominant",
         "chorus": "carries the hook; the song's loudest, most repeated part",
         "bridge": "turns away from the home chords before the last chorus",
         "drop": "the peak of the energy curve",
         "breakdown": "strips the song back before it builds again",
         "outro": "lets the song come to rest on the tonic"}


class VersionStep(QUndoCommand):
    """One finished job: undo makes the version before it current, redo the one it made."""

    def __init__(self, window: StudioWindow, before: int | None, after: int, text: str) -> None:
        super().__init__(text)
        self.window, self.before, self.after = window, before, after
        self.first = True

    def redo(self) -> None:
        if self.first:  # the job already made this version current
            self.first = False
            return
        self.window.checkout(self.after)

    def undo(self) -> None:
        if self.before is not None:
            self.window.checkout(self.before)


class StudioWindow(QMainWindow):
    def __init__(self, project_path: str | Path, workspace: Workspace | None = None) -> None:
        super().__init__()
        self.workspace = workspace or Workspace.open(project_path)
        self.setWindowTitle(f"Ensemble Studio — {Path(project_path).name}")
        self.undo_stack = QUndoStack(self)
        self.job: Job | None = None
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.audio_worker = Worker()  # renders what plays, beside the worker that composes
        self.audio_job: JobHandle | None = None
        self.audio_dirty = False
        self.shared: SharedAudio | None = None
        self.transport = Transport(PLAYBACK_RATE, PLAYBACK_BLOCK)
        self.song_view = SongView()
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        self.refresh()
        self._restore_layout()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.prompt = QLineEdit(placeholderText="uplifting pop song about summer nights")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1)
        self.seed.setValue(random.randrange(10_000))
        self.length = QLineEdit("2:00", maximumWidth=60)
        self.generate_button = QPushButton("Generate", clicked=self.generate)
        self.cancel_button = QPushButton("Cancel", clicked=self.cancel, enabled=False)
        self.progress = QProgressBar(maximum=1000, maximumWidth=220)
        self.stage = QLabel("")
        top = QHBoxLayout()
        for widget in (QLabel("Prompt"), self.prompt, QLabel("Seed"), self.seed,
                       QLabel("Length"), self.length, self.generate_button, self.cancel_button,
                       self.progress, self.stage):
            top.addWidget(widget)
        self.refine_box = QLineEdit(placeholderText="more energy in the chorus, darker bridge")
        refine_row = QHBoxLayout()
        refine_row.addWidget(QLabel("Refine"))
        refine_row.addWidget(self.refine_box)
        refine_row.addWidget(QPushButton("Apply", clicked=self.refine))
        self.play_button = QPushButton("Play", clicked=self.play_pause)
        self.stop_button = QPushButton("Stop", clicked=self.stop)
        self.loop_box = QCheckBox("Loop section")
        self.loop_box.toggled.connect(lambda _on: self._set_loop())
        self.position_label = QLabel("1:1  0:00.000")
        self.song_facts = QLabel("")
        transport_row = QHBoxLayout()
        for widget in (self.play_button, self.stop_button, self.loop_box, self.position_label):
            transport_row.addWidget(widget)
        transport_row.addStretch()
        transport_row.addWidget(self.song_facts)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.song_view)
        central = QWidget()
        column = QVBoxLayout(central)
        column.addLayout(top)
        column.addLayout(refine_row)
        column.addLayout(transport_row)
        column.addWidget(scroll)
        self.setCentralWidget(central)
        self.song_view.sectionSelected.connect(self._section_selected)
        self.song_view.actionRequested.connect(self.run_operation)
        self.song_view.editRequested.connect(self.open_editor)
        self.song_view.seekRequested.connect(self.seek)

        self.inspector = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop)
        self.inspector.setTextFormat(Qt.TextFormat.RichText)
        self._dock("Inspector", self.inspector)
        history = QWidget()
        history_column = QVBoxLayout(history)
        self.history = QListWidget()
        history_column.addWidget(self.history)
        history_column.addWidget(QPushButton("Revert to selected", clicked=self.revert_selected))
        self._dock("History", history)
        self.mixer = MixerPanel()
        self.mixer.operationRequested.connect(self.run_operation)
        self._dock("Mixer", self.mixer, Qt.DockWidgetArea.BottomDockWidgetArea)

        edit = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit.addActions([undo, redo])
        delete = QAction("Delete section", self, shortcut=QKeySequence.StandardKey.Delete,
                         triggered=self.delete_selected)
        edit.addAction(delete)
        play = QAction("Play / pause", self, shortcut=QKeySequence(Qt.Key.Key_Space),
                       triggered=self.play_pause)
        self.addAction(play)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(QAction("Export stems…", self, triggered=self.ask_export))
        self.statusBar().showMessage("Ready")

    def _dock(self, title: str, widget: QWidget,
              area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        if area == Qt.DockWidgetArea.RightDockWidgetArea:
            widget.setMinimumWidth(300)
        self.addDockWidget(area, dock)

    def _restore_layout(self) -> None:
        settings = QSettings("Ensemble", "Studio")
        geometry, state = settings.value("geometry"), settings.value("window_state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        settings = QSettings("Ensemble", "Studio")
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("window_state", self.saveState())
        self.timer.stop()
        if self.job is not None:
            self.job.cancel()
        self.transport.close()
        if self.audio_job is not None:
            self.audio_job.cancel()
            try:
                self.audio_job.result(2)  # a cancelled render stops within a fraction of that
                self._release_result(self.audio_job)
            except (Cancelled, JobFailed, TimeoutError):
                pass  # no block was made, or the worker is stopped with it below
        self.audio_worker.close()
        discard_owned(os.getpid())  # renders that finished after they were given up
        self.shared = None
        self.workspace.close()
        super().closeEvent(event)

    # -- showing the song ----------------------------------------------------------------------

    def refresh(self) -> None:
        head = self.workspace.project.head
        self.composition = self.workspace.composition if head is not None else None
        self.song_view.show_song(self.composition)
        self.mixer.show_song(self.composition)
        if self.composition is not None:
            context = self.composition.context
            self.song_facts.setText(f"{context.key.name}   {context.tempo_bpm:g} bpm   "
                                    f"{context.meter}")
            if self.shared is not None and set(self.shared.lanes) == set(
                    self.composition.lanes):
                self.transport.mixer.set_mix(self.composition.lanes)  # heard at once
            self.render_audio()
        self.history.clear()
        for version in reversed(self.workspace.project.log()):
            mark = "● " if head is not None and version.id == head.id else "  "
            item = QListWidgetItem(f"{mark}{version.id}  {version.message}")
            item.setData(Qt.ItemDataRole.UserRole, version.id)
            self.history.addItem(item)
        self._show_inspector()

    def _section_selected(self, _section_id: int) -> None:
        self._show_inspector()
        self._set_loop()

    def _show_inspector(self) -> None:
        song = self.composition
        if song is None:
            self.inspector.setText("No song yet.")
            return
        context = song.context
        blend = ", ".join(f"{g} {w:.0%}" for g, w in sorted(context.genre_blend.items(),
                                                              key=lambda i: -i[1]))
        text = (f"<b>{song.title}</b><br>{context.key.name}, {context.tempo_bpm:g} bpm, "
                f"{context.meter}<br>{blend}<br>mood: {', '.join(context.mood.tags) or '—'} "
                f"(valence {context.mood.valence:+.2f}, arousal {context.mood.arousal:+.2f})")
        section = next((s for s in song.sections if s.id == self.song_view.selected), None)
        if section is not None:
            chords = " ".join(f"{context.key.chord_name(c)} ({c.numeral})" for c in section.chords)
            text += (f"<hr><b>{section.kind}</b>, {section.bars} bars, energy "
                     f"{section.energy:.2f}<br>{chords}<br><i>{ROLES.get(section.kind, '')}</i>")
            if section.id in song.lyrics:
                text += "<br><br>" + "<br>".join(song.lyrics[section.id].texts)
        self.inspector.setText(text)

    # -- actions -------------------------------------------------------------------------------

    def generate(self) -> None:
        prompt = self.prompt.text().strip() or self.prompt.placeholderText()
        try:
            length = parse_seconds(text) if (text := self.length.text().strip()) else None
        except ValueError as error:
            self.statusBar().showMessage(str(error))
            return
        self._start(self.workspace.start_generate(prompt, self.seed.value(), length,
                                                  progress=self.events.put))

    def run_operation(self, operation: str, args: tuple, kwargs: dict | None = None) -> None:
        if self.composition is None:
            return
        self._start(self.workspace.start(operation, *args, progress=self.events.put,
                                         **(kwargs or {})))

    def refine(self) -> None:
        text = self.refine_box.text().strip()
        if not text or self.composition is None:
            return
        from studio.engine.serialize import composition_to_dict

        self._start(self.workspace.start_job(
            "studio.engine.tasks:refine",
            {"composition": composition_to_dict(self.composition), "text": text},
            progress=self.events.put))

    def open_editor(self, what: str, args: tuple) -> None:
        """The piano roll for a part, or the lyrics of a section, as a dialog; accepting it
        runs the edit as one operation."""
        song = self.composition
        if song is None:
            return
        if what == "notes":
            section_id, lane = args
            section = next(s for s in song.sections if s.id == section_id)
            part = song.parts.get((section_id, lane))
            dialog = PianoRollDialog(f"{lane} — {section.kind}", part.notes if part else (),
                                     section.bars * song.context.meter.beats_per_bar, self)
            if self.dialog_result(dialog):
                rows = [[n.pitch, n.start_beats, n.duration_beats, n.velocity]
                        for n in dialog.roll.notes()]
                self.run_operation("set_notes", (section_id, lane, rows))
        else:
            (section_id,) = args
            text, accepted = self.ask_text("Lyrics", "One line per sung line:",
                                           "\n".join(song.lyrics[section_id].texts))
            if accepted and text.strip():
                self.run_operation("set_lyrics", (section_id, text))

    def dialog_result(self, dialog: QDialog) -> bool:
        """Show a dialog and wait for the person (tests answer it themselves)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_text(self, title: str, label: str, text: str) -> tuple[str, bool]:
        return QInputDialog.getMultiLineText(self, title, label, text)

    # -- playback ------------------------------------------------------------------------------

    def render_audio(self) -> None:
        """Render what plays in the audio worker; a render already running is replaced."""
        if self.composition is None:
            return
        from studio.engine.serialize import composition_to_dict

        previous = self.audio_job
        if previous is not None and previous.done:
            self._release_result(previous)  # rendered, but the song changed since
        self.audio_job = self.audio_worker.submit(
            "studio.engine.tasks:render_audio",
            {"composition": composition_to_dict(self.composition),
             "sample_rate": PLAYBACK_RATE, "owner": os.getpid()}, replace=True)

    def _collect_audio(self) -> None:
        job = self.audio_job
        if job is None or not job.done:
            return
        self.audio_job = None
        try:
            description = unpack(job.result(0))
        except (Cancelled, JobFailed):
            return
        # the old audio's memory goes when the mixer (crossfading out of it) lets go of it
        self.shared = SharedAudio(description)
        self.transport.mixer.load(self.composition.lanes, self.shared.wet, self.shared.returns)
        self._set_loop()

    @staticmethod
    def _release_result(job: JobHandle) -> None:
        try:
            discard_shared(unpack(job.result(0)))
        except (Cancelled, JobFailed):
            pass

    def play_pause(self) -> None:
        if self.transport.mixer.playing:
            self.transport.pause()
            self.play_button.setText("Play")
            return
        if self.shared is None:
            self.statusBar().showMessage("The song's audio is still rendering")
            return
        try:
            self.transport.play()
        except PlaybackUnavailable as error:
            self.statusBar().showMessage(str(error))
            return
        self.play_button.setText("Pause")

    def stop(self) -> None:
        self.transport.stop()
        self.play_button.setText("Play")

    def seek(self, sample: int) -> None:
        self.transport.mixer.seek(sample)

    def _set_loop(self) -> None:
        mixer, song = self.transport.mixer, self.composition
        section_id = self.song_view.selected
        if not self.loop_box.isChecked() or song is None or section_id is None:
            mixer.set_loop(None)
            return
        per_beat = 60.0 / song.context.tempo_bpm * PLAYBACK_RATE
        section = next(s for s in song.sections if s.id == section_id)
        start = round(song.section_start_beats(section_id) * per_beat)
        end = start + round(section.bars * song.context.meter.beats_per_bar * per_beat)
        mixer.set_loop(start, end)
        mixer.seek(start)

    def _show_position(self) -> None:
        if self.composition is None:
            return
        sample = self.transport.position
        self.position_label.setText(position_label(self.composition, sample, PLAYBACK_RATE))
        self.song_view.set_playhead(sample / PLAYBACK_RATE)
        if self.transport.check() is not None:
            self.statusBar().showMessage(self.transport.error)
            self.play_button.setText("Play")

    def delete_selected(self) -> None:
        if self.song_view.selected is not None:
            self.run_operation("delete_section", (self.song_view.selected,))

    def revert_selected(self) -> None:
        item = self.history.currentItem()
        if item is None:
            return
        before = self._head_id()
        info = self.workspace.project.revert(item.data(Qt.ItemDataRole.UserRole))
        self.undo_stack.push(VersionStep(self, before, info.id, info.message))
        self.refresh()

    def ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export stems to")
        if folder:
            self.export(folder)

    def export(self, folder: str | Path, **options) -> None:
        if self.composition is None:
            return
        from studio.engine.serialize import composition_to_dict

        job = self.workspace.worker.submit(
            "studio.engine.tasks:export",
            {"composition": composition_to_dict(self.composition), "out_dir": str(folder),
             "options": options}, progress=self.events.put, replace=True)
        self._start(Job(job, "export", f"Export to {folder}"), commits=False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def checkout(self, version_id: int) -> None:
        self.workspace.project.checkout(version_id)
        self.refresh()

    # -- jobs ----------------------------------------------------------------------------------

    def _start(self, job: Job, commits: bool = True) -> None:
        if self.job is not None:
            self.job.cancel()
        self.job, self._commits = job, commits
        self.generate_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.stage.setText(job.message or job.kind)

    def _poll(self) -> None:
        self._collect_audio()
        self._show_position()
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            self.progress.setValue(int(1000 * event.fraction))
            self.stage.setText(f"{event.stage}: {event.message}"[:60])
        job = self.job
        if job is None or not job.done:
            return
        self.job = None
        self.generate_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        before = self._head_id()
        try:
            if self._commits:
                info = self.workspace.finish(job)
                self.undo_stack.push(VersionStep(self, before, info.id, info.message))
                self.statusBar().showMessage(info.message)
            else:
                job.handle.result(0)
                self.statusBar().showMessage(f"{job.message}: done")
        except Cancelled:
            self.statusBar().showMessage("Cancelled; nothing changed")
        except (JobFailed, ValueError) as error:
            self.statusBar().showMessage(f"Failed: {error}")
        self.progress.setValue(1000)
        self.refresh()

    def _head_id(self) -> int | None:
        head = self.workspace.project.head
        return head.id if head is not None else None

