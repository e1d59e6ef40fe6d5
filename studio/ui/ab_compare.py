"""A/B by ear: a version picked in History and the current one, switched while the song plays
at the same position, without a gap.

The picked version's audio is rendered beforehand by the audio worker (as the current one's
was), and the audio process holds both shared blocks, so a switch is one load command: the
mixer crossfades into the other audio at the next block, where the position already is.
The comparison ends when the current song's audio changes (an edit, another project) or when
the person ends it; the picked version's block is then removed.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from studio.engine.progress import Cancelled
from studio.engine.serialize import composition_to_dict
from studio.engine.worker.process import JobFailed, JobHandle
from studio.engine.worker.tasks import unpack

POLL_MS = 30


class ABCompare(QWidget):
    """The A/B controls of the transport row; `window` is the studio window (its project,
    audio worker, transport and the current song's audio)."""

    stateChanged = Signal(str)  # what the comparison is doing, in words

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = window
        self.version_id: int | None = None
        self.song_b = None
        self.audio_a: dict | None = None
        self.audio_b: dict | None = None
        self.hearing_b = False
        self._job: JobHandle | None = None
        self.switch_button = QPushButton("A/B", clicked=self.switch, enabled=False)
        self.switch_button.setShortcut("Ctrl+B")
        self.switch_button.setToolTip("Switch between the current version (A) and the one "
                                      "picked in History (B) at the same place (Ctrl+B)")
        self.end_button = QPushButton("End A/B", clicked=self.end, enabled=False)
        self.end_button.setToolTip("Go back to the current version alone")
        self.label = QLabel("")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.switch_button, self.label, self.end_button):
            row.addWidget(widget)
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._poll)

    @property
    def ready(self) -> bool:
        return self.audio_b is not None

    def prepare(self, version_id: int) -> None:
        """Render the picked version's audio beside the current one's; A/B is ready after."""
        window = self.studio
        self.end()
        head = window.workspace.project.head
        if window.audio is None or window.audio_job is not None:
            self._say("A/B: the current version's audio is still rendering; try again soon")
            return
        if head is not None and version_id == head.id:
            self._say("A/B: pick another version than the current one in History")
            return
        self.version_id = version_id
        self.song_b = window.workspace.project.load(version_id)
        self.audio_a = window.audio
        window.transport.hold(self.audio_a)
        try:
            self._job = window.audio_worker.submit(
                "studio.engine.worker.tasks:render_audio",
                {"composition": composition_to_dict(self.song_b),
                 "sample_rate": window.playback_rate, "owner": os.getpid(),
                 "cache_cap_bytes": window.settings.render_cache_bytes})
        except RuntimeError:  # the worker renders the current song again: its audio changes
            self.end()
            self._say("A/B: the current version's audio is still rendering; try again soon")
            return
        self._say(f"A/B: preparing version {version_id}…")
        self._timer.start()

    def switch(self) -> None:
        """Hear the other version from where the song is now."""
        window = self.studio
        if not self.ready:
            return
        self.hearing_b = not self.hearing_b
        if self.hearing_b:
            window.transport.load(self.song_b.lanes, self.audio_b)
        else:
            window.transport.load(window.composition.lanes, self.audio_a)
        self._show()

    def end(self) -> None:
        """Back to the current version alone; the picked version's audio goes."""
        window = self.studio
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()  # its block, if one was made, is the worker's to remove
            self._job = None
        if self.hearing_b and self.audio_a is not None and window.audio is self.audio_a:
            window.transport.load(window.composition.lanes, self.audio_a)
        for audio in (self.audio_a, self.audio_b):
            if audio is not None:
                window.transport.release(audio)
        was = self.version_id
        self.version_id, self.song_b, self.audio_a, self.audio_b = None, None, None, None
        self.hearing_b = False
        self.switch_button.setEnabled(False)
        self.end_button.setEnabled(False)
        self.label.setText("")
        if was is not None:
            self.stateChanged.emit("A/B ended")

    def _poll(self) -> None:
        """Collect the picked version's audio; end when the current song's audio changed."""
        window = self.studio
        if self.audio_a is not None and window.audio is not self.audio_a:
            self.end()
            self._say("A/B ended: the current version changed")
            return
        job = self._job
        if job is None or not job.done:
            return
        self._job = None
        try:
            self.audio_b = unpack(job.result(0))
        except (Cancelled, JobFailed):
            self.end()
            self._say("A/B: the picked version could not be prepared")
            return
        window.transport.hold(self.audio_b)
        self.switch_button.setEnabled(True)
        self.end_button.setEnabled(True)
        self._show()
        self._say(f"A/B ready: Ctrl+B switches between the current version and version "
                  f"{self.version_id}")

    def _show(self) -> None:
        head = self.studio.workspace.project.head
        self.label.setText(f"hearing B: version {self.version_id}" if self.hearing_b
                           else f"hearing A: version {head.id if head else '-'}")

    def _say(self, text: str) -> None:
        self.stateChanged.emit(text)
