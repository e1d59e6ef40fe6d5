"""Sections of one lane rendered in a process of its own, beside the others.

The sung vocal takes about as long as all the SoundFont lanes together, and neither frees
the GIL for long (measured: the two in threads took longer than one after the other), so a
whole song's vocal is sung in a second process while this one plays the other lanes.

The process is a fresh interpreter (`python -c ...side_render import serve; serve()`), not a
multiprocessing child: the worker that renders in the studio is a daemonic process, and those
may not start children of their own. The request and the answer are pickled through its
stdin and stdout; the child ends at once when its stdin closes, so it ends with the process
that started it however that one ends (as lifetime.exit_with_parent does for the others).
Its stdout is kept for the answer alone: anything a native library prints goes to stderr.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import traceback
from importlib import import_module
from pathlib import Path

import numpy as np

from studio.engine.memory import keep_freed_memory
from studio.engine.model import Composition
from studio.engine.progress import CancelToken
from studio.engine.singing.score import LineCache
from studio.engine.sound.stems import instrument_for

WAIT_S = 0.05  # how often a wait for the answer looks at the cancel token
_ROOT = Path(__file__).resolve().parents[3]  # the folder that holds the studio package


def can_render_aside() -> bool:
    """Whether a second interpreter can be started: not in a frozen bundle, whose executable
    is the studio itself."""
    return not getattr(sys, "frozen", False) and bool(sys.executable)


class SideRender:
    """A process of its own that renders sections of one lane. It starts at once and loads
    the singer, so one started early (while the song is composed) is ready by the time `ask`
    hands it the work; `result` waits for it."""

    def __init__(self) -> None:
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT),
                                                          os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from studio.engine.sound.side_render import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._answer: tuple | None = None
        self._reader: threading.Thread | None = None

    def ask(self, composition: Composition, lane: str, section_ids: list[int],
            sample_rate: int) -> None:
        """Hand the child its work: these sections of the lane."""
        request = pickle.dumps((composition, lane, section_ids, sample_rate),
                               protocol=pickle.HIGHEST_PROTOCOL)
        # written from a thread too: the pipe takes it only as fast as the child reads, and a
        # child started just now first spends a second loading its modules
        self._reader = threading.Thread(target=self._ask, args=(request,), name="side-render",
                                        daemon=True)
        self._reader.start()

    def result(self, cancel: CancelToken | None = None) -> tuple[dict[int, np.ndarray],
                                                                 LineCache]:
        """({section id: audio}, a LineCache of the lines it sang), once the child is done.
        A set cancel token stops the child and raises Cancelled; a child that failed raises
        RuntimeError with its trace."""
        if self._reader is None:
            raise RuntimeError("the side render was asked for nothing")
        try:
            while self._reader.is_alive():
                if cancel is not None:
                    cancel.check()
                self._reader.join(WAIT_S)
        finally:
            self.stop()
        if self._answer is None:
            raise RuntimeError(f"the side render ended with code {self._process.returncode} "
                               "and no answer")
        kind, value = self._answer
        if kind != "done":
            raise RuntimeError(f"the side render failed:\n{value}")
        return value

    def stop(self) -> None:
        """End the child and wait for it: killed when it was never asked or its answer is
        not in yet, else it leaves by itself once its stdin closes."""
        if self._reader is None:
            self._process.kill()  # at once: it may still be loading the singer
        elif self._reader.is_alive():
            self._process.kill()
            self._reader.join()  # its write or read fails at once now
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._process.wait()
        self._process.stdout.close()

    def _ask(self, request: bytes) -> None:
        try:
            self._process.stdin.write(request)
            self._process.stdin.flush()
            self._answer = pickle.load(self._process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            self._answer = None


def render_sections(composition: Composition, lane: str, section_ids: list[int],
                    sample_rate: int) -> tuple[dict[int, np.ndarray], LineCache]:
    """What the child does: the sections of the lane, and the lines it sang."""
    lines = LineCache()
    synth = instrument_for(composition.lanes[lane], composition.context, sample_rate, lines)
    audio = {sid: synth.render_part(composition, sid) for sid in section_ids}
    return audio, lines


def serve() -> None:
    """The child's side: read the request from stdin, answer on stdout, and leave."""
    keep_freed_memory()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, not into the answer
    import_module("studio.engine.sound.voice")  # the singer's libraries, while it waits
    try:
        request = pickle.load(sys.stdin.buffer)
    except EOFError:  # the parent needed nothing after all, or is gone
        os._exit(0)

    def watch() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the parent closed it or is gone
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    try:
        reply = ("done", render_sections(*request))
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent as a value
        reply = ("failed", traceback.format_exc())
    pickle.dump(reply, answer, protocol=pickle.HIGHEST_PROTOCOL)
    answer.flush()
    os._exit(0)

