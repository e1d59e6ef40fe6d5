"""Random sequences of edits, each killed with SIGKILL at a random moment, leave a project
whose every committed version loads (and passes the check of what the studio makes), whose
every returned commit is there, and whose journal, if any, can be restored."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import engine
from studio.project import Project

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def start(tmp_path_factory) -> Path:
    """A project holding one generated 30-second song."""
    path = tmp_path_factory.mktemp("start") / "song.ensemble"
    with Project.create(path) as project:
        project.commit(engine.compose("folk song about rivers", 3, length_s=30), "Generate",
                       "generate")
    return path


def run_and_kill(path: Path, seed: int, after_s: float) -> list[int]:
    """The ids the child said it committed before it was killed `after_s` into its edits."""
    child = subprocess.Popen([sys.executable, str(HERE / "editing_child.py"), str(path),
                              str(seed)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(after_s)
    finally:
        child.kill()
    output, _ = child.communicate()
    return [int(line) for line in output.split()]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.tuples(st.integers(0, 2**32 - 1), st.floats(0.0, 1.5)),
                     min_size=1, max_size=3))
def test_random_edits_killed_at_random_leave_every_version_loadable(start, runs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(shutil.copy(start, Path(folder) / "song.ensemble"))
        committed: list[int] = []
        for seed, after_s in runs:
            made = run_and_kill(path, seed, after_s)
            if after_s >= 1.0:  # a child commits a version every 50-100 ms: it edited
                assert made
            committed += made
            with closing(sqlite3.connect(path)) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            with Project.open(path) as project:
                versions = project.log()
                assert set(committed) <= {v.id for v in versions}
                for version in versions:
                    project.load(version.id)  # raises if damaged or beyond the limits
                project.recovery()  # an edit in progress, if one was journalled, reads back
