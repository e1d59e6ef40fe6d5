"""Takes the README's screenshots at 1600x1000: the window offscreen with a generated song,
(1) the arrangement zoomed in on a sung section so its lyrics are readable, (2) a part in the
piano roll, (3) the mixer.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [FOLDER]

writes FOLDER/arrangement.png, FOLDER/piano-roll.png and FOLDER/mixer.png (FOLDER: docs).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget  # noqa: E402

from studio.ui.app import dark_palette  # noqa: E402
from studio.ui.main_window import StudioWindow  # noqa: E402
from studio.ui.piano_roll import PianoRollDialog  # noqa: E402

SIZE = (1600, 1000)
READABLE_PX_PER_BAR = 110  # wide enough for most of a line's words under the notes


def wait(app: QApplication, done, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def arrangement(app: QApplication, window: StudioWindow, out: Path) -> None:
    """The first sung chorus (or verse) zoomed in, with the chorus selected."""
    song = window.composition
    sung = [s for s in song.sections if s.id in song.lyrics]
    shown = next((s for s in sung if s.kind == "chorus"), sung[0] if sung else song.sections[0])
    window.song_view.selected = shown.id
    window.song_view.set_zoom(READABLE_PX_PER_BAR)
    window.timeline._fit_widget()
    start_bar = song.section_start_beats(shown.id) / song.context.meter.beats_per_bar
    window.timeline.horizontalScrollBar().setValue(
        round(window.song_view.x_of_bar(max(0.0, start_bar - 1)) - 70))
    window._show_inspector()
    wait(app, lambda: window.song_view.picture_current, 30, "the arrangement's picture")
    window.grab().save(str(out))


def piano_roll(app: QApplication, window: StudioWindow, out: Path) -> None:
    """The keys of the chorus in the piano roll."""
    song = window.composition
    section = next((s for s in song.sections if s.kind == "chorus"), song.sections[0])
    lane = "keys" if (section.id, "keys") in song.parts else next(
        lane for sid, lane in song.parts if sid == section.id and lane != "vocal")
    dialog = PianoRollDialog(f"{lane} — {section.kind}", song.parts[(section.id, lane)].notes,
                             section.bars * song.context.meter.beats_per_bar, window)
    dialog.resize(*SIZE)
    dialog.show()
    for _ in range(20):
        app.processEvents()
    dialog.grab().save(str(out))
    dialog.reject()


def mixer(app: QApplication, window: StudioWindow, out: Path) -> None:
    """The window with the mixer dock given most of its height."""
    dock = window.findChild(QDockWidget, "Mixer")
    window.resizeDocks([dock], [560], Qt.Orientation.Vertical)
    for _ in range(20):
        app.processEvents()
    wait(app, lambda: window.song_view.picture_current, 30, "the arrangement's picture")
    window.grab().save(str(out))


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    with tempfile.TemporaryDirectory() as temporary:
        os.environ["XDG_CONFIG_HOME"] = temporary  # no remembered layout: the default one
        window = StudioWindow(Path(temporary) / "screenshot.ensemble")
        window.resize(*SIZE)
        window.show()
        window.prompt.setText("uplifting pop song about summer nights")
        window.seed.setValue(4)
        window.length.setText("1:30")
        window.generate()
        wait(app, lambda: window.job is None, 300, "the song")
        if window.composition is None:
            raise SystemExit("the song did not generate")
        # the lanes' waveforms, once the audio is rendered
        wait(app, lambda: window.song_view.envelopes is not None, 300, "the audio")
        window.resize(*SIZE)
        arrangement(app, window, folder / "arrangement.png")
        piano_roll(app, window, folder / "piano-roll.png")
        mixer(app, window, folder / "mixer.png")
        window.close()
    for name in ("arrangement", "piano-roll", "mixer"):
        print(f"wrote {folder / name}.png")


if __name__ == "__main__":
    main()
