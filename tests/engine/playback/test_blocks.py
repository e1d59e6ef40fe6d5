"""Shared memory between the studio's processes: blocks named for their owner, and what a
start removes of what killed studios left (their blocks, and semaphores no process has open)."""

from __future__ import annotations

import _multiprocessing
import os
import subprocess
import sys

import numpy as np

from studio.engine.playback import SHARED_MEMORY_DIR, SharedAudio, share_audio, sweep_stale
from studio.engine.playback.blocks import SEMAPHORE_PREFIX


def dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def test_a_block_holds_its_lanes_and_returns():
    lanes = [np.full((2, 100), float(i), np.float32) for i in range(4)]
    description = share_audio(lanes, ["drums", "bass"], 48000, os.getpid())
    try:
        shared = SharedAudio(description)
        assert list(shared.wet) == ["drums", "bass"] and list(shared.returns) == ["reverb",
                                                                                   "delay"]
        assert [float(a[0, 0]) for a in shared.arrays] == [0.0, 1.0, 2.0, 3.0]
    finally:
        (SHARED_MEMORY_DIR / description["memory"]).unlink()


def test_a_start_removes_the_blocks_of_studios_that_no_longer_run():
    tone = [np.zeros((2, 10), np.float32)]
    left = share_audio(tone, ["keys"], 48000, dead_pid())
    kept = share_audio(tone, ["keys"], 48000, os.getpid())
    try:
        assert sweep_stale() >= 1
        assert not (SHARED_MEMORY_DIR / left["memory"]).exists()
        assert (SHARED_MEMORY_DIR / kept["memory"]).exists()  # its owner runs
    finally:
        for description in (left, kept):
            (SHARED_MEMORY_DIR / description["memory"]).unlink(missing_ok=True)


def test_multiprocessing_names_its_semaphores_as_the_sweep_expects():
    # in a process of its own: joblib's loky, which other tests load, renames the semaphores
    # of the process that imports it (the studio's processes never import it)
    done = subprocess.run([sys.executable, "-c",
                           "import multiprocessing; "
                           "print(multiprocessing.get_context('spawn').Semaphore()._semlock.name)"],
                          capture_output=True, text=True, check=True)
    assert f"sem.{done.stdout.strip().lstrip('/')}".startswith(SEMAPHORE_PREFIX)


def test_a_start_removes_semaphores_no_process_has_open():
    name = f"mp-left-by-{os.getpid()}"
    # a process that makes a named semaphore and dies without removing it (as one whose
    # resource tracker was killed with it does)
    subprocess.run([sys.executable, "-c",
                    "import _multiprocessing, os, sys; "
                    "_multiprocessing.SemLock(1, 1, 1, '/' + sys.argv[1], False); os._exit(0)",
                    name], check=True)
    left = SHARED_MEMORY_DIR / f"sem.{name}"
    assert left.exists()
    held_name = f"mp-held-by-{os.getpid()}"
    held = _multiprocessing.SemLock(1, 1, 1, "/" + held_name, False)  # open here: kept
    held_path = SHARED_MEMORY_DIR / f"sem.{held_name}"
    try:
        assert held_path.exists()
        sweep_stale()
        assert not left.exists()
        assert held_path.exists()
    finally:
        del held
        _multiprocessing.sem_unlink("/" + held_name)
