"""Workspace: generation and iteration in the worker, one version each, nothing on failure."""

import io
import time

import pytest

from studio import engine
from studio.engine.worker.process import JobFailed, Worker
from studio.workspace import Workspace

JOBS = "tests.engine.worker.worker_jobs"  # the child imports them by name


@pytest.fixture(scope="module")
def worker():
    with Worker() as running:
        yield running


def midi(song) -> bytes:
    buffer = io.BytesIO()
    engine.to_midi(song).save(file=buffer)
    return buffer.getvalue()


def test_regenerating_a_section_adds_one_version_and_changes_only_it(tmp_path, worker):
    with Workspace.open(tmp_path / "s.ensemble", worker) as space:
        space.finish(space.start_generate("pop song", 5, 60), timeout=60)
        before = space.composition
        target = before.sections[2]
        version = space.finish(space.start("regenerate_section", target.id), timeout=60)
        after = space.composition
        assert [v.id for v in space.project.log()] == [1, 2] and version.id == 2
        for key, part in before.parts.items():
            if key[0] != target.id:
                assert after.parts[key] == part
        assert any(after.parts[(target.id, lane)].notes != before.parts[(target.id, lane)].notes
                   for lane in after.lanes)


def test_cancel_mid_job_commits_nothing(tmp_path, worker):
    with Workspace.open(tmp_path / "c.ensemble", worker) as space:
        space.finish(space.start_generate("rock", 1, 30), timeout=60)
        head = space.project.head
        job = space.start_job(f"{JOBS}:slow", {"steps": 2000})
        time.sleep(0.3)
        job.cancel()
        with pytest.raises(engine.Cancelled):
            space.finish(job)
        assert space.project.head == head and len(space.project.log()) == 1


def test_a_failing_stage_leaves_no_partial_state(tmp_path, worker):
    with Workspace.open(tmp_path / "f.ensemble", worker) as space:
        space.finish(space.start_generate("jazz", 3, 30), timeout=60)
        before = midi(space.composition)
        job = space.start_job(f"{JOBS}:compose_with_a_broken_stage",
                              {"prompt": "jazz", "seed": 4, "length_s": 30})
        with pytest.raises(JobFailed) as failure:
            space.finish(job, timeout=30)
        assert failure.value.stage == "harmony"
        assert "no progression fits" in str(failure.value)
        assert len(space.project.log()) == 1 and midi(space.composition) == before
