"""A workspace: an open project file with its worker process, where every generation and
every iteration runs off the caller's process and lands as exactly one version.

    with Workspace.open("song.ensemble") as space:
        job = space.start("regenerate_section", section_id)   # runs in the worker
        version = space.finish(job)                           # commits one version

A job that is cancelled or fails commits nothing: the current version stays current.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from studio.engine.composing.leanings import Leanings
from studio.engine.model import Composition
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.engine.worker.process import JobHandle, Worker
from studio.engine.worker.tasks import unpack
from studio.project import Project, VersionInfo


class NothingChanged(ValueError):
    """A job's result would change nothing: no version is made; the text says why."""


@dataclass
class Job:
    """A running job and how its result becomes a version. `note`, once it is finished, is
    what the job had to say beyond its version's message (which words refine used)."""

    handle: JobHandle
    kind: str
    message: str
    note: str = ""

    def cancel(self) -> None:
        self.handle.cancel()

    @property
    def done(self) -> bool:
        return self.handle.done


class Workspace:
    def __init__(self, project: Project, worker: Worker | None = None) -> None:
        self.project = project
        self.worker = worker or Worker()
        self._own_worker = worker is None

    @classmethod
    def open(cls, path: str | Path, worker: Worker | None = None) -> Workspace:
        path = Path(path)
        project = Project.open(path) if path.exists() else Project.create(path)
        return cls(project, worker)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.project.close()
        if self._own_worker:
            self.worker.close()

    @property
    def composition(self) -> Composition:
        return self.project.load()

    def start_generate(self, prompt: str, seed: int, length_s: float | None = None,
                       progress=None, *, lyrics_text: str | None = None,
                       lyrics_provider: dict | None = None,
                       preferences: Leanings | None = None) -> Job:
        """Compose a song in the worker. `lyrics_text` is the person's own lyrics;
        `lyrics_provider` the settings of a text provider ({"kind": "chat", "url": ...});
        `preferences` the leanings of the person's preference profile."""
        handle = self.worker.submit("studio.engine.worker.tasks:compose",
                                    {"prompt": prompt, "seed": seed, "length_s": length_s,
                                     "lyrics_text": lyrics_text,
                                     "lyrics_provider": lyrics_provider,
                                     "preferences": preferences and asdict(preferences)},
                                    progress=progress, replace=True)
        return Job(handle, "generate", f'Generate from "{prompt}" (seed {seed})')

    def start(self, operation: str, *args, progress=None, **kwargs) -> Job:
        """Run one operation of studio.engine.edit.operations on the current version."""
        return self.start_job("studio.engine.worker.tasks:operate", {
            "composition": composition_to_dict(self.composition), "operation": operation,
            "args": list(args), "kwargs": kwargs}, progress=progress)

    def start_job(self, job: str, payload: dict, *, progress=None, kind: str = "edit",
                  message: str = "") -> Job:
        handle = self.worker.submit(job, payload, progress=progress, replace=True)
        return Job(handle, kind, message)

    def finish(self, job: Job, timeout: float | None = None) -> VersionInfo:
        """Wait for a job and commit its result as one version. Cancelled or failed jobs
        raise (Cancelled, JobFailed) and commit nothing."""
        return self.finish_song(job, timeout)[0]

    def finish_song(self, job: Job,
                    timeout: float | None = None) -> tuple[VersionInfo, Composition]:
        """finish(), and the song the version holds (so nobody reads it back). A result
        that changes nothing raises NothingChanged and commits nothing."""
        result = unpack(job.handle.result(timeout))
        if "change" in result:
            change = result["change"]
            job.note = result.get("note", "")
            if change is None:
                raise NothingChanged(job.note or "Nothing changed")
            song = composition_from_dict(result["composition"])
            return self.project.commit(song, change["message"], change["kind"]), song
        song = composition_from_dict(result)
        return self.project.commit(song, job.message, job.kind), song
