"""The progress the `studio` command shows on stderr: a bar per stage, with its time."""

from __future__ import annotations

import sys
import time

from studio import engine


class StageBar:
    """Shows one progress bar per stage on stderr, with how long each stage took."""

    WIDTH = 24

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.last: engine.ProgressEvent | None = None
        self.started = time.perf_counter()

    def __call__(self, event: engine.ProgressEvent) -> None:
        if self.last is None or event.stage != self.last.stage:
            self.close()
            self.started = time.perf_counter()
        self.last = event
        if self.live:
            self.stream.write("\r" + self._line(event))
            self.stream.flush()

    def _line(self, event: engine.ProgressEvent) -> str:
        filled = int(round(self.WIDTH * min(1.0, max(0.0, event.fraction))))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"{event.stage:<12} [{bar}] {event.fraction:4.0%}  {event.message[:40]:<40}"

    def close(self) -> None:
        """End the current stage's line with its duration."""
        if self.last is None:
            return
        took = time.perf_counter() - self.started
        prefix = "\r" if self.live else ""
        self.stream.write(f"{prefix}{self._line(self.last)} {took:6.2f} s\n")
        self.stream.flush()
        self.last = None
