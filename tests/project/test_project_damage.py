"""Crashes and damage: a killed writer never loses a returned commit, and a damaged file is
refused with a clear message and left exactly as it was."""

import hashlib
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from studio.project import Project, ProjectError

HERE = Path(__file__).parent


def test_kill_test_keeps_every_returned_commit(tmp_path):
    path = tmp_path / "killed.ensemble"
    Project.create(path).close()
    chance = random.Random(7)
    committed: list[int] = []
    for _ in range(50):
        child = subprocess.Popen([sys.executable, str(HERE / "committer.py"), str(path)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, 0.3))
        child.kill()
        output, _ = child.communicate()
        committed += [int(line) for line in output.split()]
        with closing(sqlite3.connect(path)) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Project.open(path) as project:
            ids = {v.id for v in project.log()}
            assert set(committed) <= ids
            if ids:
                project.load()
    assert len(committed) > 50


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damaged_files(tmp_path: Path, good: Path) -> list[Path]:
    data = good.read_bytes()
    chance = random.Random(11)
    made = []

    def write(name: str, content: bytes) -> None:
        target = tmp_path / "damaged" / name
        target.write_bytes(content)
        made.append(target)

    (tmp_path / "damaged").mkdir()
    for i in range(16):
        flipped = bytearray(data)
        for _ in range(1 + i % 4):
            at = chance.randrange(len(flipped))
            flipped[at] ^= 1 << chance.randrange(8)
        write(f"flip{i}.ensemble", bytes(flipped))
    for i, size in enumerate([0, 50, 100, 511, 1024, 4096, len(data) // 2, len(data) - 1]):
        write(f"cut{i}.ensemble", data[:size])
    write("text.ensemble", b"Verse 1\nWalking down the road\n")
    write("zeros.ensemble", bytes(len(data)))
    write("header-only.ensemble", data[:16] + bytes(1000))
    foreign = tmp_path / "damaged" / "other.ensemble"
    with closing(sqlite3.connect(foreign)) as raw:
        raw.execute("CREATE TABLE songs (title TEXT)")
        raw.execute("INSERT INTO songs VALUES ('x')")
        raw.commit()
    made.append(foreign)
    for i in range(4):
        wrong_id = bytearray(data)
        wrong_id[68 + i] ^= 0xFF  # the application id in the header
        write(f"appid{i}.ensemble", bytes(wrong_id))
    return made


def test_damaged_files_give_clear_errors_and_stay_as_they_were(tmp_path):
    from studio import engine

    good = tmp_path / "good.ensemble"
    with Project.create(good) as project:
        project.commit(engine.compose("folk", 2, length_s=30), "first", "generate")
    files = damaged_files(tmp_path, good)
    assert len(files) >= 30
    refused = 0
    for path in files:
        before = digest(path)
        neighbours = set(path.parent.iterdir())
        try:
            with Project.open(path) as project:
                project.load()  # damage in unused bytes: the project must still be whole
        except ProjectError as error:
            refused += 1
            assert path.name in str(error) or "project" in str(error).lower(), str(error)
        assert digest(path) == before, path.name
        assert set(path.parent.iterdir()) == neighbours, path.name
    assert refused >= 20


@pytest.mark.parametrize("name", ["missing.ensemble"])
def test_missing_file(tmp_path, name):
    with pytest.raises(ProjectError, match="no project"):
        Project.open(tmp_path / name)
