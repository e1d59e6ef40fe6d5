"""The code keeps the house style: ruff's checks at 100 columns (pyproject.toml)."""

import subprocess
import sys
from pathlib import Path


def test_ruff_finds_nothing():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
