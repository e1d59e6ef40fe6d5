"""The studio as a process, however it ends: SIGTERM and SIGINT close it as its Close does,
and after SIGTERM, SIGINT or SIGKILL no process of the studio runs within 3 s; a studio
started after a killed one removes what the killed one left in shared memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio import engine
from studio.engine.playback import SHARED_MEMORY_DIR, sweep_stale
from studio.project import Project

GONE_WITHIN_S = 3.0


def processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time) of every process now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return found


def family(root: int) -> dict[int, str]:
    """The processes descended from `root` (itself included): pid -> start time."""
    table = processes()
    members, grown = {root}, True
    while grown:
        more = {pid for pid, (parent, _, _) in table.items() if parent in members} - members
        members |= more
        grown = bool(more)
    return {pid: table[pid][2] for pid in members if pid in table}


def running(members: dict[int, str]) -> list[int]:
    """Those of `members` still running (the same process, not a zombie)."""
    table = processes()
    return [pid for pid, started in members.items()
            if pid in table and table[pid][2] == started and table[pid][1] != "Z"]


def own_blocks(pid: int) -> list[Path]:
    return sorted(SHARED_MEMORY_DIR.glob(f"ensemble-*-{pid}-*"))


@pytest.fixture(scope="module")
def song_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lifetime") / "song.ensemble"
    with Project.create(path) as project:
        project.commit(engine.compose("lo-fi beat", 2, length_s=20), "Generate", "generate")
    return path


def start_studio(project: Path, tmp_path: Path) -> subprocess.Popen:
    """The studio window on `project`, offscreen, as its own process; returned once its
    audio is rendered and handed to its audio process (its children all started)."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    studio = subprocess.Popen([sys.executable, "-m", "studio.cli", "open", str(project)],
                              env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert studio.poll() is None, studio.stderr.read().decode()[-2000:]
        if any("audio" in p.name for p in own_blocks(studio.pid)) and \
                len(family(studio.pid)) >= 4:  # the window, two workers, the audio process
            return studio
        time.sleep(0.1)
    studio.kill()
    raise AssertionError("the studio did not come up with its audio")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
                         ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_no_process_of_the_studio_outlives_it(number, song_project, tmp_path):
    studio = start_studio(song_project, tmp_path)
    members = family(studio.pid)
    os.kill(studio.pid, number)
    studio.wait(GONE_WITHIN_S)
    deadline = time.monotonic() + GONE_WITHIN_S
    while running(members) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(members), [Path(f"/proc/{p}/cmdline").read_bytes()
                                  for p in running(members)]
    if number != signal.SIGKILL:  # closed as Close closes: its layout kept, its blocks gone
        assert studio.returncode == 0, studio.stderr.read().decode()[-2000:]
        assert not own_blocks(studio.pid)
        layout = Path(os.environ["XDG_CONFIG_HOME"]) / "Ensemble" / "Studio.conf"
        assert "geometry" in layout.read_text()
    else:
        sweep_stale()  # what a killed window leaves, the next start removes (tested below)


def test_a_start_after_a_killed_studio_removes_what_it_left(song_project, tmp_path):
    killed = start_studio(song_project, tmp_path)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(GONE_WITHIN_S)
    left = own_blocks(killed.pid)
    assert left  # its status block and its audio, at least
    studio = start_studio(song_project, tmp_path)
    try:
        assert not [p for p in left if p.exists()]
    finally:
        studio.terminate()
        studio.wait(10)
