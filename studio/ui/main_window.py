"""The studio window: prompt, arrangement and lanes, inspector, history, undo.

Every action goes to the engine through the workspace: generation, operations, refine and
export run in the worker process, and a QTimer in this thread drains their progress and
collects their results, so the window never waits. Each finished job is one version in the
project file; undo and redo move between those versions (QUndoStack), without making new ones.

This module lays out the panels and wires the actions; the window's jobs (window_jobs),
playback (window_playback), editors (window_editors) and File menu (project_files) live in
their own modules.
"""

from __future__ import annotations

import gc
import os
import queue
import random
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.engine import resources
from studio.engine.composing import instruments
from studio.engine.memory import settle_heap
from studio.engine.model import Composition
from studio.engine.playback import discard_owned
from studio.engine.progress import Cancelled
from studio.engine.worker import COMPOSE_WARM_UP, WARM_UP
from studio.engine.worker.process import JobFailed, JobHandle, Worker
from studio.project import Project, ProjectError
from studio.settings import load_settings
from studio.ui.ab_compare import ABCompare
from studio.ui.about_dialog import AboutDialog
from studio.ui.export_dialog import ExportDialog
from studio.ui.help_pages import ShortcutsPage, add_tooltips
from studio.ui.history import HistoryPanel
from studio.ui.inspector import inspector_text
from studio.ui.mixer import MixerPanel
from studio.ui.project_files import ProjectFiles
from studio.ui.song_view import SongView
from studio.ui.style_browser import StyleBrowser
from studio.ui.timeline import Timeline
from studio.ui.voice_panel import VoicePanel
from studio.ui.window_editors import EditorActions
from studio.ui.window_jobs import JobActions, VersionStep
from studio.ui.window_playback import PlaybackActions, audio_process
from studio.workspace import Job, Workspace

POLL_MS = 30


class StudioWindow(JobActions, PlaybackActions, EditorActions, QMainWindow):
    progressed = Signal(float, str)  # the running job's progress: fraction, what it does
    jobFinished = Signal(str, bool, str)  # its kind, whether it succeeded, what it said

    def __init__(self, project_path: str | Path, workspace: Workspace | None = None) -> None:
        super().__init__()
        # the worker that composes loads what composing needs as it starts, not on Generate
        self.workspace = workspace or Workspace.open(
            project_path, worker=Worker(warm_up=(COMPOSE_WARM_UP, {})))
        self.setWindowTitle(f"Ensemble Studio — {Path(project_path).name}")
        self.undo_stack = QUndoStack(self)
        self._closed = False
        self.export_dialog: ExportDialog | None = None
        self.style_browser: StyleBrowser | None = None
        self.job: Job | None = None
        self.landing: Future | None = None  # a finished job's result on its way in
        self._shown: tuple | None = None  # the landed result's song shown, its panels not yet
        self._mixer_steps: Iterator | None = None  # the landed result's mixer being shown
        self._versions: list | None = None  # the project's log, read as the result landed
        self.background = ThreadPoolExecutor(1, thread_name_prefix="landing")
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.settings = load_settings()
        self.playback_rate = self.settings.sample_rate_hz
        # renders what plays, beside the worker that composes; its SoundFont loads at once
        self.audio_worker = Worker(warm_up=(WARM_UP, {"sample_rate": self.playback_rate}))
        for worker in (self.workspace.worker, self.audio_worker):
            worker.start()  # now, not in the middle of the first song
        self.audio_job: JobHandle | None = None
        self.audio_dirty = False
        self.audio: dict | None = None  # the shared block playing (the audio worker's)
        self.early_audio = None  # a new song to render whole once its first section is in
        self.waveform_pool = ThreadPoolExecutor(1)  # envelopes of a render, off this thread
        self.waveforms: Future | None = None
        self.transport = audio_process(self.settings)  # plays in a process of its own
        self.song_view = SongView()
        self.song_view.sample_rate = self.playback_rate
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        # the tables the panels read (styles, instruments), parsed before the song is shown
        # and left out of collections, so showing 1000 versions triggers no slow ones
        resources.genres()
        instruments.families()
        gc.freeze()
        self.refresh()
        self.show_song_fields()
        self._restore_layout()
        self.files.remember(self.workspace.project.path)
        QTimer.singleShot(0, self.files.offer_recovery)
        settle_heap()  # what the window is made of lives as long as it: no collection walks it

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
        self.refine_box.returnPressed.connect(self.refine)
        for field in (self.prompt, self.length):
            field.returnPressed.connect(self.generate)
        refine_row = QHBoxLayout()
        refine_row.addWidget(QLabel("Refine"))
        refine_row.addWidget(self.refine_box)
        self.refine_button = QPushButton("Apply", clicked=self.refine)
        refine_row.addWidget(self.refine_button)
        self.play_button = QPushButton("Play", clicked=self.play_pause)
        self.stop_button = QPushButton("Stop", clicked=self.stop)
        self.loop_box = QCheckBox("Loop section")
        self.loop_box.toggled.connect(lambda _on: self._set_loop())
        self.position_label = QLabel("1:1  0:00.000")
        self.song_facts = QLabel("")
        transport_row = QHBoxLayout()
        for widget in (self.play_button, self.stop_button, self.loop_box, self.position_label):
            transport_row.addWidget(widget)
        self.ab = ABCompare(self)
        transport_row.addWidget(self.ab)
        transport_row.addStretch()
        transport_row.addWidget(self.song_facts)
        self.timeline = Timeline(self.song_view)
        central = QWidget()
        column = QVBoxLayout(central)
        column.addLayout(top)
        column.addLayout(refine_row)
        column.addLayout(transport_row)
        column.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.song_view.sectionSelected.connect(self._section_selected)
        self.song_view.actionRequested.connect(self.run_operation)
        self.song_view.operationRequested.connect(self.run_operation)
        self.song_view.editRequested.connect(self.open_editor)
        self.song_view.seekRequested.connect(self.seek)

        self.inspector = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop)
        self.inspector.setTextFormat(Qt.TextFormat.RichText)
        self._dock("Inspector", self.inspector)
        self.history_panel = HistoryPanel()
        self.history = self.history_panel.list
        self.history_panel.revertRequested.connect(lambda _id: self.revert_selected())
        self.history_panel.listenRequested.connect(self.ab.prepare)
        self.ab.stateChanged.connect(lambda text: self.statusBar().showMessage(text))
        self.history_panel.rated.connect(self.statusBar().showMessage)
        self._dock("History", self.history_panel)
        self.mixer = MixerPanel()
        self.mixer.operationRequested.connect(self.run_operation)
        self._dock("Mixer", self.mixer, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.voice_panel = VoicePanel(self)
        self.voice_panel.operationRequested.connect(self.run_operation)
        self._dock("Voice", self.voice_panel)

        file_menu = self.menuBar().addMenu("&File")
        self.files = ProjectFiles(self, file_menu)
        file_menu.addAction(QAction("&Export…", self, shortcut=QKeySequence("Ctrl+E"),
                                    triggered=self.ask_export))
        file_menu.addAction(QAction("Se&ttings…", self, triggered=self.open_settings))
        edit = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit.addActions([undo, redo])
        delete = QAction("Delete section", self, shortcut=QKeySequence.StandardKey.Delete,
                         triggered=self.delete_selected)
        edit.addAction(delete)
        edit.addAction(QAction("St&yles…", self, shortcut=QKeySequence("Ctrl+L"),
                               triggered=self.open_styles))
        self.timeline.add_actions(self.menuBar().addMenu("&View"))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(QAction(
            "&Keyboard shortcuts", self, shortcut=QKeySequence("F1"),
            triggered=lambda: ShortcutsPage(self).show()))
        help_menu.addAction(QAction("&About Ensemble Studio", self, triggered=self.show_about))
        add_tooltips(self)
        play = QAction("Play / pause", self, shortcut=QKeySequence(Qt.Key.Key_Space),
                       triggered=self.play_pause)
        self.addAction(play)
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
        else:  # the first start: all the screen there is
            self.setGeometry(self.screen().availableGeometry())
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if self._closed:  # closed once already: the project and the workers are gone
            super().closeEvent(event)
            return
        self._closed = True
        if self.export_dialog is not None:
            self.export_dialog.close()
        if self.style_browser is not None:
            self.style_browser.done(0)  # its preview worker ends with it
        settings = QSettings("Ensemble", "Studio")
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("window_state", self.saveState())
        self.timer.stop()
        self.voice_panel.shut_down()
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
        self.waveform_pool.shutdown(wait=True)
        self.background.shutdown(wait=True)
        discard_owned(os.getpid())  # renders that finished after they were given up
        self.audio = None
        self.workspace.close()
        super().closeEvent(event)

    # -- showing the song ----------------------------------------------------------------------

    def refresh(self, song: Composition | None = None, packed: bytes | None = None) -> None:
        """Show the current version: `song` when the caller has it (with `packed`, the
        song as the audio worker takes it), else read from the project."""
        if song is None:
            packed = None
            song = self._read_head()
        self.show_song(song, packed)
        self.show_panels()

    def _read_head(self) -> Composition | None:
        """The current version's song; None, said in the status bar, when it cannot be read
        (damaged, or beyond what the studio makes): nothing is shown or rendered from it."""
        if self.workspace.project.head is None:
            return None
        try:
            return self.workspace.composition
        except ProjectError as error:
            self.statusBar().showMessage(str(error))
            return None

    def show_song(self, song: Composition | None, packed: bytes | None = None,
                  new: bool = False) -> None:
        """The song in the arrangement view and in the audio worker (the first half of a
        refresh: each half is repainted on its own); a `new` song (generated) plays its
        first section while the rest renders."""
        before = getattr(self, "composition", None)
        self.composition = song
        if before is None or self.composition is None or [
                (s.id, s.bars) for s in before.sections] != [
                (s.id, s.bars) for s in self.composition.sections]:
            self.song_view.show_envelopes(None)  # the old audio no longer lines up
        self.song_view.show_song(self.composition)
        if self.composition is not None:
            context = self.composition.context
            self.song_facts.setText(f"{context.key.name}   {context.tempo_bpm:g} bpm   "
                                    f"{context.meter}")
            if self.audio is not None and set(self.audio["lanes"]) == set(
                    self.composition.lanes):
                self.transport.set_mix(self.composition.lanes)  # heard at once
            self.render_audio(packed, early=new)

    def show_panels(self, versions: list | None = None) -> None:
        """The mixer, voice, history and inspector for the song shown (`versions`: the
        project's log, when the caller read it already)."""
        self.mixer.show_song(self.composition)
        self.voice_panel.show_song(self.composition)
        self.history_panel.show_history(self.workspace.project, versions)
        self._show_inspector()

    def refresh_history(self) -> None:
        self.history_panel.show_history(self.workspace.project)

    def switch_project(self, path: Path, create: bool = False) -> None:
        """Close the project and open (or create) another in this window; its edits and
        undo history go, the worker stays. Raises ProjectError when it cannot be opened."""
        project = Project.create(path) if create else Project.open(path)
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.stop()
        self.transport.unload()
        self.audio, self.waveforms = None, None  # the old song's, if still on their way
        self.early_audio = None
        self.song_view.show_envelopes(None)
        self.workspace.project.close()
        self.workspace.project = project
        self.undo_stack.clear()
        self.setWindowTitle(f"Ensemble Studio — {path.name}")
        self.generate_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.refresh()
        self.show_song_fields()
        self.files.remember(path)
        self.files.offer_recovery()

    def show_song_fields(self) -> None:
        """The prompt, seed and length the open song was made with, so that Generate makes it
        again (a project with no song keeps what the fields hold)."""
        if self.composition is None:
            return
        context = self.composition.context
        self.prompt.setText(context.prompt)
        self.seed.setValue(context.seed)
        seconds = round(context.length_s)
        self.length.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def _section_selected(self, _section_id: int) -> None:
        self._show_inspector()
        self._set_loop()

    def _show_inspector(self) -> None:
        self.inspector.setText(inspector_text(self.composition, self.song_view.selected))

    # -- actions -------------------------------------------------------------------------------

    def delete_selected(self) -> None:
        if self.song_view.selected is not None:
            self.run_operation("delete_section", (self.song_view.selected,))

    def revert_selected(self) -> None:
        item = self.history.currentItem()
        if item is None:
            return
        before = self._head_id()
        try:
            self.workspace.project.load(item.data(Qt.ItemDataRole.UserRole))
        except ProjectError as error:  # a version that cannot be shown is not made current
            self.statusBar().showMessage(str(error))
            return
        info = self.workspace.project.revert(item.data(Qt.ItemDataRole.UserRole))
        self.undo_stack.push(VersionStep(self, before, info.id, info.message))
        self.refresh()

    def ask_export(self) -> None:
        """The export dialog (one at a time), for the song as it is now."""
        if self.composition is None:
            self.statusBar().showMessage("Nothing to export yet: generate a song first")
            return
        if self.export_dialog is not None:
            self.export_dialog.close()
            self.export_dialog.deleteLater()
        self.export_dialog = ExportDialog(self, self.composition)
        self.export_dialog.show()

    def open_styles(self) -> None:
        """The style browser (one, kept between openings)."""
        if self.style_browser is None:
            self.style_browser = StyleBrowser(self)
        self.style_browser.show()
        self.style_browser.raise_()

    def show_about(self) -> AboutDialog:
        """The version and the licences of what the studio carries."""
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @property
    def closed(self) -> bool:
        return self._closed

    def _head_id(self) -> int | None:
        head = self.workspace.project.head
        return head.id if head is not None else None

