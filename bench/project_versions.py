"""The project file under a long history: 1000 versions of a 3-minute song, each
regenerating one section. Prints file size, open, commit and revert times.

    .venv/bin/python bench/project_versions.py [--versions N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.edit import operations
from studio.project import Project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", type=int, default=1000)
    args = parser.parse_args()
    song = engine.compose("uplifting pop song about summer nights", 1, length_s=180.0)
    path = Path(tempfile.mkdtemp(prefix="ensemble-bench-")) / "history.ensemble"
    chance = random.Random(1)
    commit_ms = []
    with Project.create(path) as project:
        project.commit(song, "first", "generate")
        for _ in range(args.versions - 1):
            section = chance.choice(song.sections)
            song, change = operations.regenerate_section(song, section.id)
            started = time.perf_counter()
            project.commit(song, change.message, change.kind)
            commit_ms.append((time.perf_counter() - started) * 1000)
    size_mb = path.stat().st_size / 1e6
    started = time.perf_counter()
    project = Project.open(path)
    open_s = time.perf_counter() - started
    revert_ms = []
    for target in chance.sample(range(1, args.versions + 1), 20):
        started = time.perf_counter()
        project.revert(target)
        project.load()
        revert_ms.append((time.perf_counter() - started) * 1000)
    project.close()
    print(f"versions: {args.versions}")
    print(f"file size: {size_mb:.2f} MB")
    print(f"open: {open_s:.3f} s")
    print(f"commit mean: {np.mean(commit_ms):.1f} ms")
    print(f"commit p95: {np.percentile(commit_ms, 95):.1f} ms")
    print(f"revert and load mean: {np.mean(revert_ms):.1f} ms")
    print(f"revert and load p95: {np.percentile(revert_ms, 95):.1f} ms")


if __name__ == "__main__":
    main()
