"""The window's memory over ten generations: its resident set after the first song and after
the tenth, each a one-minute song generated in one window (real worker processes, offscreen),
rendered by the audio worker, loaded into the audio process and its waveforms drawn, then a
second for the heap to settle. The acceptance is a growth within 150 MB. The two workers'
(the one that composes, the one that renders what plays) are printed beside it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/memory.py

The user folders (settings, render cache) are temporary ones, so every song renders afresh.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

GENERATIONS = 10
LENGTH = "1:00"
PROMPTS = ("lo-fi beat", "folk song about rivers", "synth pop at night", "punk rock",
           "jazz ballad in 3/4")


def resident_mb(pid: int | str = "self") -> float:
    """A process's resident set, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")


def wait_for(app: QApplication, ready, timeout_s: float = 900.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not finish in time")
        app.processEvents()
        time.sleep(0.005)


def generate(app: QApplication, window, number: int) -> None:
    """One song generated, rendered, loaded and drawn; then a second of quiet."""
    window.prompt.setText(PROMPTS[number % len(PROMPTS)])
    window.seed.setValue(100 + number)
    window.length.setText(LENGTH)
    window.generate()
    wait_for(app, lambda: window.job is None)
    if window.composition is None:
        raise RuntimeError(window.statusBar().currentMessage())
    wait_for(app, lambda: window.audio_job is None and window.audio is not None
             and window.song_view.picture_current)
    settle = time.monotonic() + 1.0
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(Path(folder) / name.lower())
        from studio.ui.main_window import StudioWindow  # after the user folders are set

        app = QApplication([])
        window = StudioWindow(Path(folder) / "memory.ensemble")
        window.show()
        started = time.perf_counter()
        processes = {"window": "self", "composing worker": window.workspace.worker.pid,
                     "audio worker": window.audio_worker.pid}
        generate(app, window, 0)
        first = {name: resident_mb(pid) for name, pid in processes.items()}
        for number in range(1, GENERATIONS):
            generate(app, window, number)
        last = {name: resident_mb(pid) for name, pid in processes.items()}
        for name in processes:
            print(f"{name} rss after the first generation: {first[name]:.0f} MB")
            print(f"{name} rss after generation {GENERATIONS}: {last[name]:.0f} MB")
            print(f"{name} rss growth over {GENERATIONS} generations: "
                  f"{last[name] - first[name]:.0f} MB")
        print(f"time for {GENERATIONS} generations of {LENGTH}: "
              f"{time.perf_counter() - started:.0f} s")
        window.close()
        app.processEvents()
        app.shutdown()


if __name__ == "__main__":
    main()
