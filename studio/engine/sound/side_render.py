"""Sections of one lane rendered in a process of its own, beside the others.

The sung vocal takes about as long as all the SoundFont lanes together, and neither frees
the GIL for long (measured: the two in threads took longer than one after the other), so a
whole song's vocal is sung in a second process while this one plays the other lanes.

The process is a fresh interpreter (`python -c ...side_render import serve; serve()`), not a
multiprocessing child: the worker that renders in the studio is a daemonic process, and those
may not start children of their own. Messages and the answer are pickled through its stdin
and stdout; the child ends at once when its stdin closes, so it ends with the process that
started it however that one ends (as lifetime.exit_with_parent does for the others). Its
stdout is kept for the answer alone: anything a native library prints goes to stderr.

Started while the song is composed, the child would wait idle until the song is whole; the
lines of each section are handed to it as soon as their words are written (`speak`), and it
speaks and analyses them (line_analysis, most of a line's cost, depends on the words and the
voice alone, not on the melody) until its real work arrives.
"""

from __future__ import annotations

import os
import pickle
import queue
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
from studio.engine.singing.score import LineCache, SpokenLine
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
    hands it the work; `speak` gives it lines to prepare meanwhile; `result` waits for it."""

    def __init__(self) -> None:
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT),
                                                          os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from studio.engine.sound.side_render import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._answer: tuple | None = None
        self._asked = False
        # messages are written from a thread, in order: the pipe takes them only as fast as
        # the child reads, and a child started just now first spends a second loading modules
        self._outbox: queue.SimpleQueue[tuple[str, bytes] | None] = queue.SimpleQueue()
        self._talker = threading.Thread(target=self._talk, name="side-render", daemon=True)
        self._talker.start()

    def speak(self, lines: list[SpokenLine]) -> None:
        """Lines the child speaks and analyses while it waits for `ask` (those the sections
        it is asked for sing are then ready; any it has not reached when asked are left)."""
        if lines and not self._asked:
            self._send("speak", lines)

    def ask(self, composition: Composition, lane: str, section_ids: list[int],
            sample_rate: int) -> None:
        """Hand the child its work: these sections of the lane."""
        self._asked = True
        self._send("render", (composition, lane, section_ids, sample_rate))

    def _send(self, kind: str, body: object) -> None:
        """Queue a message for the talker: its kind, and the message pickled."""
        self._outbox.put((kind, pickle.dumps((kind, body), protocol=pickle.HIGHEST_PROTOCOL)))

    def result(self, cancel: CancelToken | None = None) -> tuple[dict[int, np.ndarray],
                                                                 LineCache]:
        """({section id: audio}, a LineCache of the lines it sang), once the child is done.
        A set cancel token stops the child and raises Cancelled; a child that failed raises
        RuntimeError with its trace."""
        if not self._asked:
            raise RuntimeError("the side render was asked for nothing")
        try:
            while self._talker.is_alive():
                if cancel is not None:
                    cancel.check()
                self._talker.join(WAIT_S)
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
        if not self._asked or self._talker.is_alive():
            self._process.kill()  # at once: it may still be loading the singer
            self._outbox.put(None)  # a talker waiting for a message ends
            self._talker.join()  # its write or read fails at once now
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._process.wait()
        self._process.stdout.close()

    def _talk(self) -> None:
        """Write the messages in order; after the request, read the answer."""
        while (message := self._outbox.get()) is not None:
            kind, data = message
            try:
                self._process.stdin.write(data)
                self._process.stdin.flush()
                if kind == "render":
                    self._answer = pickle.load(self._process.stdout)
                    return
            except (EOFError, OSError, pickle.UnpicklingError):
                self._answer = None
                return


def render_sections(composition: Composition, lane: str, section_ids: list[int],
                    sample_rate: int) -> tuple[dict[int, np.ndarray], LineCache]:
    """What the child does: the sections of the lane, and the lines it sang."""
    lines = LineCache()
    synth = instrument_for(composition.lanes[lane], composition.context, sample_rate, lines)
    audio = {sid: synth.render_part(composition, sid) for sid in section_ids}
    return audio, lines


def serve() -> None:
    """The child's side: speak the lines it is given until its request comes, answer the
    request on stdout, and leave."""
    keep_freed_memory()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, not into the answer
    inbox: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
    asked = threading.Event()
    threading.Thread(target=_listen, args=(inbox, asked), name="exit-with-parent",
                     daemon=True).start()
    import_module("studio.engine.sound.voice")  # the singer's libraries, while it waits
    while (message := inbox.get())[0] == "speak":
        prepare_lines(message[1], asked)
    try:
        reply = ("done", render_sections(*message[1]))
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent as a value
        reply = ("failed", traceback.format_exc())
    pickle.dump(reply, answer, protocol=pickle.HIGHEST_PROTOCOL)
    answer.flush()
    os._exit(0)


def prepare_lines(lines: list[SpokenLine], asked: threading.Event) -> None:
    """Speak and analyse lines ahead of singing them, until the request is in (what is left
    is spoken as it is sung). A line with nothing to say is the render's to report, as is a
    line that fails: the render meets the same failure and sends it back."""
    # imported here, not above: the studio's own process imports this module and never speaks
    from studio.engine.singing.world import line_analysis

    for line in lines:
        if asked.is_set():
            return
        try:
            line_analysis(*line)
        except Exception:  # noqa: BLE001 - left to the render, which reports it (see above)
            return


def _listen(inbox: queue.SimpleQueue, asked: threading.Event) -> None:
    """Read the parent's messages into `inbox`; end the process when its stdin closes (the
    parent closed it or is gone), whatever the process is doing."""
    while True:
        try:
            message = pickle.load(sys.stdin.buffer)
        except (EOFError, OSError, pickle.UnpicklingError):
            os._exit(0)
        if message[0] == "render":
            asked.set()
        inbox.put(message)
