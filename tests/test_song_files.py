"""The prompt suite's song.mid and context.json are byte for byte those kept in
tests/data/prompt_suite_files.json: a reorganisation of the code leaves the songs as they are.
A change that means to change the songs writes the new hashes (scripts/suite_files.py
--write) in the same commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_suite_writes_the_files_it_wrote_before():
    kept = json.loads((ROOT / "tests" / "data" / "prompt_suite_files.json").read_text())
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "suite_files.py")],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    now = json.loads(done.stdout)
    assert len(kept) == 12 and set(now) == set(kept)
    changed = {prompt: [name for name in files if files[name] != now[prompt][name]]
               for prompt, files in kept.items() if files != now[prompt]}
    assert not changed
