"""Heavy work in a worker process: jobs with progress, cancel and clean failure.

A busy Python thread starves real-time audio through the GIL, so generation and rendering
run in one long-lived child process (started with "spawn": the studio has threads, and fork
would copy their locks). Jobs are named functions, "module:function", called in the child
with a payload and a progress callback and a cancel token; what they return comes back as a
value. Nothing is committed here: the caller commits results, so a cancelled or failed job
leaves no partial state anywhere.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from studio.engine.lifetime import exit_with_parent
from studio.engine.memory import keep_freed_memory, release_freed_memory
from studio.engine.progress import Cancelled, CancelToken, ProgressEvent

CANCEL_GRACE_S = 0.15  # a job that ignores its cancel token this long is stopped by force
# The child runs below the studio's priority: when generation and playback want the same cores,
# the scheduler gives the audio callback its turn first and the job waits (measured on 2 cores:
# at equal priority a render's two mixing threads made the callback miss its deadline).
WORKER_NICENESS = 10


class JobFailed(Exception):
    """A job raised (or its process died); `stage` names where, `details` has the trace."""

    def __init__(self, stage: str, message: str, details: str = "") -> None:
        super().__init__(f"{stage} failed: {message}")
        self.stage, self.details = stage, details


class JobHandle:
    """A submitted job: wait for its result, cancel it, or be called back when it ends."""

    def __init__(self, worker: Worker, job_id: int, progress, on_done) -> None:
        self._worker, self.job_id = worker, job_id
        self._progress, self._on_done = progress, on_done
        self._finished = threading.Event()
        self._outcome: tuple[str, Any] | None = None
        self.stage = "start"

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def cancel(self) -> None:
        self._worker._cancel(self)

    def result(self, timeout: float | None = None) -> Any:
        if not self._finished.wait(timeout):
            raise TimeoutError(f"job {self.job_id} is still running")
        kind, value = self._outcome
        if kind == "done":
            return value
        if kind == "cancelled":
            raise Cancelled()
        raise value

    def _finish(self, kind: str, value: Any = None) -> None:
        if self._finished.is_set():
            return
        self._outcome = (kind, value)
        self._finished.set()
        if self._on_done is not None:
            self._on_done(self)


class Worker:
    """One child process that runs jobs one at a time, restarted when it dies.

    `warm_up`, a job and its payload, runs in each new child before its first job: what every
    job needs loaded (a SoundFont) is then loaded when the child starts, not in the middle of
    the first song; `warm` is set once it has run (`warm_error` says why it failed: the first
    job then fails with the same cause, as it would have without it).
    """

    def __init__(self, warm_up: tuple[str, dict] | None = None) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._warm_up = warm_up
        self.warm = threading.Event()
        self.warm_error: str | None = None
        self._process = None
        self._ids = itertools.count(1)
        self._current: JobHandle | None = None
        self._lock = threading.Lock()

    def submit(self, job: str, payload: dict, *, progress: Callable | None = None,
               on_done: Callable | None = None, replace: bool = False) -> JobHandle:
        """Run `job` ("module:function") with `payload` in the child."""
        if replace and self._current is not None and not self._current.done:
            self._current.cancel()
        if self._current is not None and not self._current.done:
            raise RuntimeError("the worker is busy; cancel the running job or pass replace=True")
        self._ensure_started()
        handle = JobHandle(self, next(self._ids), progress, on_done)
        self._current = handle
        self._cancel_event.clear()
        self._requests.put((handle.job_id, job, payload))
        return handle

    def start(self) -> None:
        """Start the child now rather than with the first job (its start then costs the
        caller nothing later)."""
        self._ensure_started()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None or process.pid is None:
            return  # never started (or failed to start)
        self._requests.put(None)
        process.join(1.0)
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        self._let_go_of_requests()

    def _let_go_of_requests(self) -> None:
        """A request a stopped child never read (a big payload it had no time for) would
        keep the queue's feeder thread writing to a pipe no one reads, and the interpreter
        waits for that thread at exit: let it go."""
        self._requests.cancel_join_thread()
        self._requests.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._requests = self._context.Queue()
        self._events = self._context.Queue()
        self._cancel_event = self._context.Event()
        self.warm.clear()
        self._process = self._context.Process(
            target=_serve, args=(self._requests, self._events, self._cancel_event,
                                 self._warm_up), daemon=True)
        self._process.start()
        reader = threading.Thread(target=self._read, args=(self._events, self._process),
                                  daemon=True)
        reader.start()

    def _read(self, events, process) -> None:
        """Deliver the child's events to their handles until the child ends."""
        while True:
            try:
                message = events.get(timeout=0.05)
            except queue.Empty:
                if not process.is_alive():
                    self._child_died(process)
                    return
                continue
            except (EOFError, OSError):
                return
            self._dispatch(message)

    def _dispatch(self, message: tuple) -> None:
        job_id, kind, *rest = message
        if kind == "warm":
            self.warm_error = rest[0]
            self.warm.set()
            return
        handle = self._current
        if handle is None or handle.job_id != job_id:
            return  # a late event of a job that was already given up
        if kind == "progress":
            handle.stage = rest[0].stage
            if handle._progress is not None:
                handle._progress(rest[0])
        elif kind == "done":
            handle._finish("done", rest[0])
        elif kind == "cancelled":
            handle._finish("cancelled")
        else:
            stage, text, details = rest
            handle._finish("failed", JobFailed(stage, text, details))

    def _child_died(self, process) -> None:
        if process is not self._process:
            return  # a process stopped on purpose; its job was settled then
        handle = self._current
        if handle is not None and not handle.done:
            handle._finish("failed", JobFailed(
                handle.stage, f"the worker process stopped (exit code {process.exitcode})"))

    def _cancel(self, handle: JobHandle) -> None:
        if handle.done or handle is not self._current:
            return
        self._cancel_event.set()
        if handle._finished.wait(CANCEL_GRACE_S):
            return
        # The job did not reach a cancel check in time: stop the process; the next job
        # starts a fresh one.
        process, self._process = self._process, None
        handle._finish("cancelled")
        if process is not None:
            process.terminate()
            self._let_go_of_requests()


def _serve(requests, events, cancel_event, warm_up: tuple[str, dict] | None = None) -> None:
    """The child's loop: warm up, then run each job, report progress and the outcome."""
    exit_with_parent()
    keep_freed_memory()
    os.nice(WORKER_NICENESS)
    if warm_up is not None:
        try:
            _function(warm_up[0])(warm_up[1], lambda event: None, CancelToken())
            events.put((0, "warm", None))
        except Exception as error:  # noqa: BLE001 - told to the studio; the first job fails alike
            events.put((0, "warm", f"{type(error).__name__}: {error}"))
    while True:
        request = requests.get()
        if request is None:
            return
        job_id, job, payload = request
        token = _EventToken(cancel_event)
        stage = ["start"]

        def progress(event: ProgressEvent, job_id=job_id, stage=stage, token=token) -> None:
            stage[0] = event.stage
            events.put((job_id, "progress", event))
            token.check()

        try:
            result = _function(job)(payload, progress, token)
            events.put((job_id, "done", result))
        except Cancelled:
            events.put((job_id, "cancelled"))
        except Exception as error:  # noqa: BLE001 - every failure crosses back as a value
            events.put((job_id, "failed", stage[0], f"{type(error).__name__}: {error}",
                        traceback.format_exc()))
        del payload, request
        release_freed_memory()  # between jobs: the next one may be far smaller


def _function(job: str) -> Callable:
    module, _, name = job.partition(":")
    return getattr(importlib.import_module(module), name)


class _EventToken(CancelToken):
    """A cancel token backed by the worker's shared event."""

    def __init__(self, event) -> None:
        super().__init__()
        self._shared = event

    def cancel(self) -> None:
        self._shared.set()

    @property
    def cancelled(self) -> bool:
        return self._shared.is_set()

    def check(self) -> None:
        if self._shared.is_set():
            raise Cancelled()
