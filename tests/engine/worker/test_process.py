"""The worker process: same results as in-process, progress in order, cancel within 200 ms,
failures that name their stage, and a main thread that keeps its time."""

import gc
import os
import signal
import time

import pytest

from studio import engine
from studio.engine.serialize import composition_to_dict
from studio.engine.worker.process import JobFailed, Worker
from studio.engine.worker.tasks import unpack

JOBS = "tests.engine.worker.worker_jobs"  # the child imports them by name


@pytest.fixture(scope="module")
def worker():
    with Worker() as running:
        yield running


def test_compose_in_the_worker_equals_compose_here(worker):
    events = []
    handle = worker.submit("studio.engine.worker.tasks:compose",
                           {"prompt": "folk song", "seed": 4, "length_s": 40},
                           progress=events.append)
    result = unpack(handle.result(timeout=60))
    assert result == composition_to_dict(engine.compose("folk song", 4, length_s=40))
    for stage in {e.stage for e in events}:
        fractions = [e.fraction for e in events if e.stage == stage]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_an_operation_runs_in_the_worker(worker):
    song = engine.compose("rock", 2, length_s=30)
    handle = worker.submit("studio.engine.worker.tasks:operate", {
        "composition": composition_to_dict(song), "operation": "regenerate_section",
        "args": [song.sections[1].id]})
    result = unpack(handle.result(timeout=60))
    assert result["change"]["kind"] == "regenerate-section"
    assert {sid for sid, _ in result["change"]["stale"]} == {song.sections[1].id}


def test_cancel_takes_effect_within_200_ms(worker):
    handle = worker.submit(f"{JOBS}:slow", {"steps": 2000})
    time.sleep(0.3)
    started = time.perf_counter()
    handle.cancel()
    assert handle.done and time.perf_counter() - started < 0.2
    with pytest.raises(engine.Cancelled):
        handle.result()
    assert worker.submit(f"{JOBS}:slow", {"steps": 3}).result(timeout=30) == "finished"


def test_a_job_that_ignores_cancel_is_stopped(worker):
    handle = worker.submit(f"{JOBS}:deaf", {})
    time.sleep(0.2)
    started = time.perf_counter()
    handle.cancel()
    assert handle.done and time.perf_counter() - started < 0.2
    assert worker.submit(f"{JOBS}:slow", {"steps": 3}).result(timeout=30) == "finished"


def test_a_failure_names_its_stage(worker):
    handle = worker.submit(f"{JOBS}:fail_in_stage", {"why": "no chords left"})
    with pytest.raises(JobFailed) as failure:
        handle.result(timeout=30)
    assert failure.value.stage == "harmony" and "no chords left" in str(failure.value)
    assert "RuntimeError" in failure.value.details


def test_a_killed_worker_fails_the_job_and_the_next_one_works(worker):
    handle = worker.submit(f"{JOBS}:slow", {"steps": 2000})
    time.sleep(0.3)
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(JobFailed, match="stopped"):
        handle.result(timeout=10)
    assert worker.submit(f"{JOBS}:slow", {"steps": 3}).result(timeout=30) == "finished"


def test_the_main_thread_keeps_its_time_while_the_worker_composes(worker):
    handle = worker.submit("studio.engine.worker.tasks:compose",
                           {"prompt": "metal", "seed": 1, "length_s": 180})
    gaps = []
    # The main thread's own garbage collection (other tests leave many objects alive) is
    # not what this measures: only what the worker could take from it.
    gc.collect()
    gc.disable()
    try:
        last = time.perf_counter()
        while not handle.done:
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
    finally:
        gc.enable()
    handle.result()
    assert max(gaps) < 0.05, max(gaps)


def test_the_worker_runs_below_the_studio_priority(worker):
    worker.submit(f"{JOBS}:slow", {"steps": 1}).result(timeout=30)
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) >= ours + 10


def test_a_warm_up_loads_the_soundfont_before_the_first_job():
    from studio.engine.worker import WARM_UP

    with Worker(warm_up=(WARM_UP, {"sample_rate": 44100})) as warmed:
        warmed.start()
        assert warmed.warm.wait(60) and warmed.warm_error is None
        assert warmed.submit(f"{JOBS}:soundfont_loaded", {"sample_rate": 44100}).result(30)
        assert not warmed.submit(f"{JOBS}:soundfont_loaded", {"sample_rate": 22050}).result(30)


def test_a_failed_warm_up_is_told_and_the_jobs_still_run():
    with Worker(warm_up=(WARM_UP_MISSING, {})) as cold:
        cold.start()
        assert cold.warm.wait(60)
        assert "AttributeError" in cold.warm_error and "no_such_job" in cold.warm_error
        assert not cold.submit(f"{JOBS}:soundfont_loaded", {"sample_rate": 44100}).result(30)


WARM_UP_MISSING = f"{JOBS}:no_such_job"
