"""The studio window's jobs: one job at a time in the worker, its progress drained by the
window's timer, and its result committed as one version that undo and redo step over.

A finished job lands in steps, so the window's thread never decodes or writes a song and no
step of it holds the thread long: the window's background thread unpacks the result, commits
it, packs the song for the audio worker and reads the history (landing); then the window's
thread shows the song it was handed (the arrangement, the audio), at the next ticks the
mixer (a strip per tick) and then the other panels (voice, history, inspector): each step is
repainted on its own. The job counts as running until all are shown.

JobActions is a part of StudioWindow (kept apart to keep the window's module small).
"""

from __future__ import annotations

import queue
from pathlib import Path

from PySide6.QtGui import QUndoCommand

from studio.engine.composing.preferences import PreferenceProfile
from studio.engine.composing.prompt import parse_seconds
from studio.engine.memory import release_freed_memory
from studio.engine.progress import Cancelled
from studio.engine.serialize import composition_to_dict
from studio.engine.sound.mastering import loudness_target
from studio.engine.worker.process import JobFailed
from studio.engine.worker.tasks import pack, unpack
from studio.project import ProjectError
from studio.workspace import Job, NothingChanged


class VersionStep(QUndoCommand):
    """One finished job: undo makes the version before it current, redo the one it made."""

    def __init__(self, window, before: int | None, after: int, text: str) -> None:
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


class JobActions:
    """Start a job, follow it, and land its result as a version (or, for an export, files)."""

    def generate(self) -> None:
        prompt = self.prompt.text().strip() or self.prompt.placeholderText()
        try:
            length = parse_seconds(text) if (text := self.length.text().strip()) else None
        except ValueError as error:
            self.statusBar().showMessage(str(error))
            return
        # the profile as the person's ratings (here or by `studio rate`) have left it
        self._start(self.workspace.start_generate(prompt, self.seed.value(), length,
                                                  progress=self.events.put,
                                                  preferences=PreferenceProfile().defaults()))

    def run_operation(self, operation: str, args: tuple, kwargs: dict | None = None,
                      then=None) -> None:
        """Run an engine operation in the worker; its result is one version, after which
        `then(info)` runs (when given)."""
        if self.composition is None:
            return
        self._start(self.workspace.start(operation, *args, progress=self.events.put,
                                         **(kwargs or {})), then=then)

    def run_task(self, job: Job, then) -> None:
        """Follow a worker job that makes no version; `then(result)` gets its unpacked result
        in this thread and returns what to tell the person."""
        self._start(job, commits=False, then=then)

    def refine(self) -> None:
        text = self.refine_box.text().strip()
        if not text or self.composition is None:
            return
        self._start(self.workspace.start_job(
            "studio.engine.worker.tasks:refine",
            {"composition": composition_to_dict(self.composition), "text": text},
            progress=self.events.put, kind="refine", message=f'Refine: "{text}"'))

    def export(self, folder: str | Path, **options) -> None:
        if self.composition is None:
            return
        job = self.workspace.worker.submit(
            "studio.engine.worker.tasks:export",
            {"composition": composition_to_dict(self.composition), "out_dir": str(folder),
             "options": options, "cache_cap_bytes": self.settings.render_cache_bytes},
            progress=self.events.put, replace=True)
        message = f"Export to {folder}"
        self._start(Job(job, "export", message), commits=False,
                    then=lambda written: f"{message}: {len(written)} files written")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def checkout(self, version_id: int) -> None:
        try:
            self.workspace.project.checkout(version_id)
        except ProjectError as error:  # read before it is made current: head stays
            self.statusBar().showMessage(str(error))
            return
        self.refresh()

    def _start(self, job: Job, commits: bool = True, then=None) -> None:
        """Follow a job. One that commits becomes a version, then `then(info)` runs; one that
        does not hands its unpacked result to `then`, which returns what to say."""
        while self.landing is not None:  # a result on its way into the project: let it land
            self.landing.result()
            self._landed(self.job)
        if self.job is not None:
            self.job.cancel()
        self.job, self._commits, self._then = job, commits, then
        self.generate_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.stage.setText(job.message or job.kind)

    def _poll(self) -> None:
        self._collect_audio()
        self._collect_waveforms()
        self.mixer.show_levels(*self.transport.take_peaks())
        self._show_position()
        event = None
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            self.progressed.emit(event.fraction, f"{event.stage}: {event.message}")
        if event is not None:  # the latest only: a progress bar repaints at once when set
            self.progress.setValue(int(1000 * event.fraction))
            self.stage.setText(f"{event.stage}: {event.message}"[:60])
        job = self.job
        if job is None or not job.done:
            return
        if self.landing is None:
            self.landing = self.background.submit(self._land, job, self._commits)
        elif self.landing.done():
            self._landed(job)

    def _land(self, job: Job, commits: bool) -> tuple:
        """In the background thread: (version, song, the song packed, the project's log)
        for a job that commits, else (its unpacked result,)."""
        if not commits:
            return (unpack(job.handle.result(0)),)
        info, song = self.workspace.finish_song(job)
        return info, song, pack(composition_to_dict(song)), self.workspace.project.log()

    def _landed(self, job: Job) -> None:
        """Show a landed result a step per tick: the song, the mixer (a strip per tick), the
        other panels; then the job is over and its `then` runs."""
        if self._commits and self._shown is None:
            self._shown = self._show_result(self.landing)
            return
        if self._mixer_steps is not None:
            if next(self._mixer_steps, None) is None:
                self._mixer_steps = None
            return
        landing, shown, then = self.landing, self._shown, self._then
        self.landing, self._shown, self.job = None, None, None
        self.generate_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.reset()  # the job is over: its last stage is no longer news
        self.stage.clear()
        if shown is not None:
            info, message = shown
            message = job.note or message
            self.show_panels(self._versions)
            if info is not None and then is not None:
                then(info)
        else:
            info, message = self._settle(lambda: then(*landing.result()), str)
            self.refresh()
        self.statusBar().showMessage(message)
        self.jobFinished.emit(job.kind, info is not None, message)
        if info is not None and job.kind == "generate":
            self._master_to_default()
        # what decoding the result took goes back to the system, off this thread
        self.background.submit(release_freed_memory)

    def _show_result(self, landing) -> tuple:
        """The landed version's song shown, the mixer's steps begun: (info or None if the
        job failed, what to tell the person)."""
        def landed():
            info, song, packed, self._versions = landing.result()
            self.undo_stack.push(VersionStep(self, info.parent_id, info.id, info.message))
            self.show_song(song, packed, new=self.job.kind == "generate")
            return info

        self._versions = None
        info, message = self._settle(landed, lambda landed_info: landed_info.message)
        if info is None:
            self.show_song(self.workspace.composition if self.workspace.project.head else None)
        self._mixer_steps = self.mixer.showing_song(self.composition)
        return info, message

    @staticmethod
    def _settle(step, describe) -> tuple:
        """(what `step` returns, `describe` of it), or (None, why it failed)."""
        try:
            value = step()
        except NothingChanged as error:
            return None, str(error)
        except Cancelled:
            return None, "Cancelled; nothing changed"
        except (JobFailed, ValueError, ProjectError) as error:
            return None, f"Failed: {error}"
        return value, describe(value)

    def _master_to_default(self) -> None:
        """A new song is mastered to the loudness the settings name, as its next version."""
        target = self.settings.loudness_target
        try:
            lufs = loudness_target(target)
        except ValueError:
            return  # a target this version does not know: the song keeps its own
        if abs(lufs - self.composition.mastering.target_lufs) > 1e-6:
            self.run_operation("set_mastering", (), {"target_lufs": target})
