"""Takes the README's screenshot: the window offscreen with a generated song.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [OUT.png]
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

from studio.ui.app import dark_palette  # noqa: E402
from studio.ui.main_window import StudioWindow  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshot.png")
    app = QApplication([])
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    with tempfile.TemporaryDirectory() as folder:
        window = StudioWindow(Path(folder) / "screenshot.ensemble")
        window.resize(1600, 900)
        window.show()
        window.prompt.setText("uplifting pop song about summer nights")
        window.seed.setValue(4)
        window.length.setText("1:30")
        window.generate()
        deadline = time.monotonic() + 120
        while window.job is not None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        if window.composition is None:
            raise SystemExit("the song did not generate")
        while window.song_view.envelopes is None and time.monotonic() < deadline:
            app.processEvents()  # the lanes' waveforms, once the audio is rendered
            time.sleep(0.02)
        chorus = next(s for s in window.composition.sections if s.kind == "chorus")
        window.song_view.selected = chorus.id
        window.song_view.pixels_per_bar = 56  # wide enough to read the lyrics
        window.song_view.show_song(window.composition)
        window._show_inspector()
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
