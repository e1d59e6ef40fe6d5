"""How long work reports back: progress events and a cancel token, with no GUI types."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    stage: str
    fraction: float
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


class Cancelled(Exception):
    """Raised inside a job when its cancel token was set."""


class CancelToken:
    """Set from any thread; long loops call `check()` between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def ignore_progress(event: ProgressEvent) -> None:
    """A progress callback for callers that do not show progress."""
