"""The style browser: the style library by family, each style's tempo and description, a
short preview of its groove heard through the studio's own playback, "Use this style", which
makes the song's genre that style, and "Use for the selected section", which plays one
section with the style's groove (each one version, as any edit).

A preview is an instrumental song in the style, cut to its liveliest section, composed and
rendered by a worker process of the browser's own (the window's workers stay free); while it
plays, the song's audio is held aside and comes back when the preview stops.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.engine import resources
from studio.engine.composing.meaning import display_name
from studio.engine.model import Lane
from studio.engine.progress import Cancelled
from studio.engine.worker.process import JobFailed, JobHandle, Worker
from studio.engine.worker.tasks import unpack

POLL_MS = 30
PREVIEW_LANES = {"preview": Lane("preview", 0)}


class StyleBrowser(QDialog):
    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.studio = window
        self.setWindowTitle("Styles")
        self.library = resources.genres()
        self.families = QListWidget()
        self.families.addItems(list(resources.families()))
        self.families.setToolTip("The style families")
        self.styles = QListWidget()
        self.styles.setToolTip("The styles of the family: pick one to read about and hear it")
        self.about = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop)
        self.preview_button = QPushButton("Preview", clicked=self.preview, enabled=False)
        self.preview_button.setToolTip("Hear a few bars of the style's groove")
        self.stop_button = QPushButton("Stop preview", clicked=self.stop_preview,
                                       enabled=False)
        self.use_button = QPushButton("Use this style", clicked=self.use, enabled=False)
        self.use_button.setToolTip("Make the song's genre this style (a new version)")
        self.section_button = QPushButton("Use for the selected section",
                                          clicked=self.use_for_section, enabled=False)
        self.section_button.setToolTip("Play the selected section's drums, bass and keys "
                                       "with this style's groove (a new version)")
        self.status = QLabel("")
        lists = QHBoxLayout()
        lists.addWidget(self.families, 1)
        lists.addWidget(self.styles, 2)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.stop_button, self.use_button,
                       self.section_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addLayout(lists)
        column.addWidget(self.about)
        column.addLayout(buttons)
        column.addWidget(self.status)
        self.families.currentTextChanged.connect(self.show_family)
        self.styles.currentItemChanged.connect(lambda _item, _before: self._show_style())
        self.worker: Worker | None = None
        self.job: JobHandle | None = None
        self.playing: dict | None = None  # the preview's block, while it plays
        self._held: dict | None = None  # the song's audio, set aside meanwhile
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._poll)
        self.resize(760, 480)
        self.families.setCurrentRow(0)

    @property
    def style(self) -> str | None:
        item = self.styles.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_family(self, family: str) -> None:
        self.styles.clear()
        for name in sorted(n for n, row in self.library.items() if row["family"] == family):
            low, high = self.library[name]["tempo_bpm"]
            item = QListWidgetItem(f"{display_name(name)}   {low}–{high} bpm")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.styles.addItem(item)
        self.styles.setCurrentRow(0)

    def _show_style(self) -> None:
        style = self.style
        self.preview_button.setEnabled(style is not None)
        self.use_button.setEnabled(style is not None and self.studio.composition is not None)
        self.section_button.setEnabled(self.use_button.isEnabled()
                                       and self.studio.song_view.selected is not None)
        self.about.setText(self.library[style]["description"] if style else "")

    def preview(self) -> None:
        """Compose and render the style's groove off this thread; it plays when it is ready."""
        if self.style is None:
            return
        self.stop_preview()
        if self.worker is None:
            self.worker = Worker()
        self.job = self.worker.submit(
            "studio.engine.worker.tasks:preview_style",
            {"style": self.style, "sample_rate": self.studio.playback_rate,
             "owner": os.getpid(), "cache_cap_bytes": self.studio.settings.render_cache_bytes},
            replace=True)
        self.status.setText(f"Preparing a preview of {display_name(self.style)}…")
        self._timer.start()

    def _poll(self) -> None:
        job = self.job
        if job is None or not job.done:
            return
        self.job = None
        self._timer.stop()
        try:
            description = unpack(job.result(0))
        except (Cancelled, JobFailed) as error:
            self.status.setText(f"No preview: {error or 'cancelled'}")
            return
        self._play(description)

    def _play(self, description: dict) -> None:
        transport = self.studio.transport
        self.studio.stop()
        if self.studio.audio is not None:
            self._held = self.studio.audio
            transport.hold(self._held)
        transport.load(PREVIEW_LANES, description, crossfade=False)
        transport.seek(0)
        transport.play()
        self.playing = description
        self.stop_button.setEnabled(True)
        self.status.setText("Playing the preview")

    def stop_preview(self) -> None:
        """Stop a preview (or one being prepared); the song's audio is back."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        if self.playing is None:
            return
        transport = self.studio.transport
        transport.stop()
        held, self._held, self.playing = self._held, None, None
        if held is not None and held is self.studio.audio:
            transport.load(self.studio.composition.lanes, held, crossfade=False)
        if held is not None:
            transport.release(held)
        elif self.studio.audio is None:  # no song to go back to
            transport.unload()
        transport.seek(0)
        self.stop_button.setEnabled(False)
        self.status.setText("")

    def use(self) -> None:
        if self.style is None or self.studio.composition is None:
            return
        self.stop_preview()
        self.studio.run_operation("change_style", (), {"genre_blend": {self.style: 1.0}})
        self.status.setText(f"Making the song {display_name(self.style)}…")

    def use_for_section(self) -> None:
        section_id = self.studio.song_view.selected
        if self.style is None or self.studio.composition is None or section_id is None:
            return
        self.stop_preview()
        self.studio.run_operation("shape_section", (section_id,), {"style": self.style})
        self.status.setText(f"Playing the section with the {display_name(self.style)} "
                            "groove…")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_style()  # the song or the selected section may have changed meanwhile

    def done(self, result: int) -> None:
        self.stop_preview()
        if self.worker is not None:
            self.worker.close()
            self.worker = None
        super().done(result)
