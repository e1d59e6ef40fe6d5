"""The worker: heavy work (generation, rendering, export) in a process of its own, so the
window's thread and the audio process keep their time.

The process (process)
    Worker(warm_up=None): one child process that runs jobs one at a time; submit(job,
        payload, progress=..., on_done=..., replace=False) -> JobHandle; start(), close();
        warm_up=(WARM_UP, {"sample_rate": ...}) loads the SoundFont as the child starts,
        (COMPOSE_WARM_UP, {}) what composing needs (`warm` is set when done)
    JobHandle: result(timeout), cancel(), done; JobFailed(stage, message, details)

The jobs (tasks)
    warm_up, warm_up_compose, compose, render, export, refine, render_audio, preview_style,
        operate, analyse_voice: named "studio.engine.worker.tasks:NAME"; each takes
        (payload, progress, cancel) and returns its result packed (pack, unpack: compressed
        JSON)
    The worker process imports tasks by name when it runs its first job: tasks loads the
    whole engine, so it is not imported here and a process that only starts workers stays
    light.

Memory (studio.engine.memory, a leaf that the side render's process uses too)
    keep_freed_memory(): large buffers reused rather than returned to the kernel (entry points
        call it once); release_freed_memory(): the heap's free pages given back, between jobs;
        settle_heap(): the objects that exist now left out of later collections
"""

from studio.engine.memory import keep_freed_memory, release_freed_memory, settle_heap
from studio.engine.worker.process import JobFailed, JobHandle, Worker

WARM_UP = "studio.engine.worker.tasks:warm_up"  # the job a rendering worker starts with
COMPOSE_WARM_UP = "studio.engine.worker.tasks:warm_up_compose"  # and one that composes

__all__ = ["COMPOSE_WARM_UP", "WARM_UP", "JobFailed", "JobHandle", "Worker", "keep_freed_memory",
           "release_freed_memory", "settle_heap"]
