"""From Generate to the first audible block: a 3-minute song generated in the window (offscreen)
in a new project, Play pressed as soon as the window has audio to play (as a person waiting
for it would), and the first block the audio process hands to the device, through a JACK
server with its dummy driver (48 kHz). Then how long until the whole song's audio is in.

The user folders (settings, render cache) are fresh ones in a temporary directory, so nothing
of the song is cached: every section renders.

    .venv/bin/python bench/first_block.py [--prompt TEXT] [--seed N] [--length M:SS]
        (needs jackd: scripts/setup.sh installs it)

Prints `name: value unit` lines; `generate to first audible block` is the figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if __name__ == "__main__":  # not again in the studio's processes, which import this anew
    _FOLDERS = tempfile.TemporaryDirectory(prefix="ensemble-first-block-")
    for _name in ("DATA", "CONFIG", "CACHE", "STATE"):  # before the studio reads any of them
        os.environ[f"XDG_{_name}_HOME"] = str(Path(_FOLDERS.name) / _name.lower())

from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.ui.main_window import StudioWindow  # noqa: E402
from tests.jack_device import jack_device  # noqa: E402

TIMEOUT_S = 600.0


def wait(app: QApplication, done, what: str) -> float:
    """Run the window's events until `done()`; the time it became true."""
    deadline = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.001)
    return time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--length", default="3:00")
    args = parser.parse_args()
    app = QApplication([])
    with jack_device() as _device:
        window = StudioWindow(Path(_FOLDERS.name) / "first-block.ensemble")
        window.show()
        # the workers up and warm, as they are a moment after the window opens
        wait(app, lambda: window.audio_worker.warm.is_set()
             and window.workspace.worker.warm.is_set(), "the workers")
        window.prompt.setText(args.prompt)
        window.seed.setValue(args.seed)
        window.length.setText(args.length)
        started = time.monotonic()
        window.generate()
        composed = wait(app, lambda: window.composition is not None, "the song")
        ready = wait(app, lambda: window.audio is not None, "audio to play")
        window.play_pause()
        wait(app, lambda: window.transport.first_block_at is not None, "the first block")
        first = window.transport.first_block_at
        partial = bool(window.audio.get("partial"))
        whole = wait(app, lambda: window.audio is not None and not window.audio.get("partial")
                     and window.early_audio is None and window.audio_job is None,
                     "the whole song's audio")
        song = window.composition
        print(f"song length: {song.total_beats * 60.0 / song.context.tempo_bpm:.1f} s")
        print(f"generate to song shown: {composed - started:.3f} s")
        print(f"generate to audio to play ({'first section' if partial else 'whole song'}): "
              f"{ready - started:.3f} s")
        print(f"generate to first audible block: {first - started:.3f} s")
        print(f"generate to the whole song's audio: {whole - started:.3f} s")
        print(f"still playing when the whole song came in: {window.transport.playing}")
        window.close()
        window.deleteLater()
        app.processEvents()
    app.shutdown()


if __name__ == "__main__":
    main()
