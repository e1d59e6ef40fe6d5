"""How the studio's child processes end with the process that started them.

A child (the worker, the audio process) watches its parent's sentinel: a pipe whose other end
only the parent holds, so it reads as closed the moment the parent ends, however it ends
(closed, SIGTERM, SIGINT, SIGKILL, a crash). The child then leaves at once, as the parent can
no longer use anything it would do. No polling: the watching thread sleeps in the kernel.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import wait


def exit_with_parent() -> bool:
    """In a child started by multiprocessing: end this process when its parent ends;
    whether there is a parent to watch."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return False

    def watch(sentinel=parent.sentinel) -> None:
        wait([sentinel])
        os._exit(0)  # the parent is gone: nothing here is wanted, and nothing may hang

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    return True
