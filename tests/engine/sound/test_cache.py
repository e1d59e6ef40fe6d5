"""The render cache on disk: capped while two processes fill it, safe against crashed writers,
full disks and entries vanishing, and shared by renders in separate processes."""

import errno
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from studio.engine.sound import cache as cache_module
from studio.engine.sound.cache import STALE_TEMPORARY_S, RenderCache, default_cache_dir

ROOT = Path(__file__).resolve().parents[3]
ENTRY_BYTES = 2 * 4096 * 4 + 128  # a (2, 4096) float32 array and its .npy header

FILL = """
import sys
import numpy as np
from studio.engine.sound.cache import RenderCache
folder, cap, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cache = RenderCache(folder, cap_bytes=cap)
for i in range(150):
    key = f"{name}{i}" if i % 3 else f"shared{i % 30}"  # some keys both processes write
    cache.put(key, np.full((2, 4096), i, dtype=np.float32))
    cache.get(f"shared{(i * 7) % 30}")
"""


def run_python(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_cache_never_grows_past_its_cap_with_two_processes_filling_it(tmp_path):
    folder, cap = tmp_path / "renders", 40 * ENTRY_BYTES
    writers = [run_python(FILL, str(folder), str(cap), name) for name in ("one", "two")]
    largest = 0
    while any(w.poll() is None for w in writers):
        largest = max(largest, RenderCache(folder, cap).size_bytes())
        time.sleep(0.005)
    for writer in writers:
        assert writer.wait() == 0, writer.stderr.read()
    cache = RenderCache(folder, cap)
    assert 30 * ENTRY_BYTES <= cache.size_bytes() <= cap
    # while both write, each may take the room the other just made: one entry over, no more
    assert largest <= cap + ENTRY_BYTES
    assert not list(folder.glob("*.tmp"))
    for path in folder.glob("*.npy"):  # every entry whole
        assert cache.get(path.stem).shape == (2, 4096)


def test_a_crashed_writers_temporary_files_are_removed_once_old_and_never_counted(tmp_path):
    cache = RenderCache(tmp_path, cap_bytes=10 * ENTRY_BYTES)
    old, young = tmp_path / "abc.tmp", tmp_path / "def.tmp"
    for path in (old, young):
        path.write_bytes(b"\0" * (20 * ENTRY_BYTES))
    long_ago = time.time() - STALE_TEMPORARY_S - 60
    os.utime(old, (long_ago, long_ago))
    cache.put("entry", np.zeros((2, 4096), np.float32))
    assert not old.exists() and young.exists()  # a writer may still be busy with that one
    assert cache.get("entry") is not None
    assert cache.size_bytes() == (tmp_path / "entry.npy").stat().st_size


def test_a_full_disk_leaves_no_temporary_file_and_a_usable_cache(tmp_path, monkeypatch, caplog):
    cache = RenderCache(tmp_path)
    cache.put("kept", np.ones((2, 8), np.float32))

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module.np, "save", disk_full)
    with caplog.at_level(logging.WARNING, logger="studio.engine.sound.cache"):
        assert cache.put("lost", np.ones((2, 8), np.float32)) is False
        assert cache.put("lost2", np.ones((2, 8), np.float32)) is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "No space left" in warnings[0].getMessage()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.npy"]
    monkeypatch.undo()
    assert cache.get("kept") is not None and cache.get("lost") is None
    assert cache.put("later", np.ones((2, 8), np.float32))


def test_eviction_takes_entries_vanishing_under_it(tmp_path, monkeypatch):
    cache = RenderCache(tmp_path, cap_bytes=3 * ENTRY_BYTES)
    for i in range(3):
        cache.put(f"entry{i}", np.zeros((2, 4096), np.float32))
    listed = os.scandir

    def another_process_evicts(folder):
        items = list(listed(folder))
        for i in range(3):  # after the listing, before eviction looks at them
            (Path(folder) / f"entry{i}.npy").unlink(missing_ok=True)
        return iter(items)

    monkeypatch.setattr(cache_module.os, "scandir", another_process_evicts)
    cache.put("entry3", np.zeros((2, 4096), np.float32))
    monkeypatch.undo()
    assert cache.get("entry3") is not None


def test_a_damaged_entry_is_removed_and_rendered_again(tmp_path):
    cache = RenderCache(tmp_path)
    (tmp_path / "broken.npy").write_bytes(b"not an array")
    assert cache.get("broken") is None
    assert not (tmp_path / "broken.npy").exists()


def test_the_default_folder_is_the_users_cache_folder(tmp_path):
    # conftest points XDG_CACHE_HOME into the test's folder: tests never touch the real one
    assert default_cache_dir() == tmp_path / "cache" / "ensemble-studio" / "renders"


RENDER = """
import sys
from pathlib import Path
import numpy as np
from studio import engine
from studio.engine.sound.cache import RenderCache
from studio.engine.sound.renderer import SongRenderer
from studio.project import Project
folder, out, project_path, rate = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
if project_path.exists():  # the project reopened
    with Project.open(project_path) as project:
        song = project.load()
else:
    song = engine.compose("uplifting pop song about summer nights", 4, length_s=20.0)
cache = RenderCache(folder)
renderer = SongRenderer(rate, disk=cache)
state = renderer.render(song)
for name, stem in {"mix": state.mix, **state.stems}.items():
    np.save(out.replace(".npy", f"-{name}.npy"), stem)
if sys.argv[5] == "commit":
    with Project.create(project_path) as project:
        project.commit(song, "Generate", "generate")
print(renderer.rendered, cache.hits, cache.misses)
"""


@pytest.mark.parametrize("rate, second", [(44100, "composes it again"),
                                          (48000, "reopens its project")])
def test_a_second_process_renders_nothing_again_and_sounds_the_same(tmp_path, rate, second):
    project = tmp_path / "song.ensemble"
    counts = []
    for run in ("first", "second"):
        commit = "commit" if run == "first" and second == "reopens its project" else "-"
        process = run_python(RENDER, str(tmp_path / "renders"), str(tmp_path / f"{run}.npy"),
                             str(project), str(rate), commit)
        out, err = process.communicate()
        assert process.returncode == 0, err
        counts.append([int(n) for n in out.split()])
    (first_rendered, _, _), (rendered, hits, misses) = counts
    assert first_rendered > 0
    assert rendered == 0 and misses == 0 and hits > 0  # no section, lane or bus made again
    firsts = list(tmp_path.glob("first-*.npy"))
    assert len(firsts) == len(list(tmp_path.glob("second-*.npy"))) > 2
    for first in firsts:
        second_audio = np.load(tmp_path / first.name.replace("first", "second"))
        assert np.array_equal(np.load(first), second_audio), first.name
