"""The window: how long a project with 1000 versions takes to open to a usable window, and
the longest gap between ticks of a 10 ms timer in the window's thread while a 3-minute song
generates in the worker, from Generate until it is drawn, rendered, loaded into the audio
process and its waveforms drawn, with another process keeping one core busy.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window.py
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.ui.main_window import StudioWindow  # noqa: E402
from tests.load import busy_core  # noqa: E402
from tests.ui.test_window import make_long_project  # noqa: E402


def main() -> None:
    app = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.ensemble"
        # made in a process of its own: composing loads tables (the groove library) that the
        # window's process never holds, and this process's heap is what is timed
        maker = multiprocessing.get_context("spawn").Process(target=make_long_project,
                                                             args=(path,))
        maker.start()
        maker.join()
        started = time.perf_counter()
        window = StudioWindow(path)
        window.show()
        app.processEvents()
        print(f"open a 1000-version project to a usable window: "
              f"{time.perf_counter() - started:.3f} s")
        gaps, last = [], [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        view = window.song_view
        while window.audio is None or not view.picture_current:  # the old song, ready
            app.processEvents()
            time.sleep(0.002)
        window.length.setText("3:00")
        with busy_core():
            last[0] = time.perf_counter()
            timer.start()
            window.generate()
            while window.job is not None or window.audio is None \
                    or view.envelopes is None or not view.picture_current:
                app.processEvents()
                time.sleep(0.002)
            timer.stop()
        print(f"longest 10 ms timer gap while a 3-minute song generates (one core busy): "
              f"{max(gaps) * 1000:.1f} ms")
        window.close()
        window.deleteLater()
        app.processEvents()
    app.shutdown()


if __name__ == "__main__":
    main()
