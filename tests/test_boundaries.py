"""The engine never pulls in Qt: a script can use it on a machine with no display."""

import subprocess
import sys


def test_engine_imports_without_qt():
    code = (
        "import sys, studio.engine, studio.engine.orchestrator, studio.cli\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'studio.ui'))]\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
