"""Jobs the worker tests run in the child process (imported there by name)."""

import time

from studio.engine.progress import ProgressEvent


def fail_in_stage(payload, progress, cancel):
    progress(ProgressEvent("harmony", 0.5, "half way"))
    raise RuntimeError(payload["why"])


def slow(payload, progress, cancel):
    """Reports progress often, like a real stage."""
    for step in range(payload["steps"]):
        time.sleep(0.01)
        progress(ProgressEvent("render", step / payload["steps"], "working"))
    return "finished"


def deaf(payload, progress, cancel):
    """Never checks its cancel token: only stopping the process ends it."""
    time.sleep(30)


def compose_with_a_broken_stage(payload, progress, cancel):
    """The real compose job, with the harmony stage failing part way through the song."""
    from studio.engine import orchestrator
    from studio.engine.worker import tasks

    def broken_harmonize(context, sections):
        raise ValueError("no progression fits this section")

    working = orchestrator.harmonize
    orchestrator.harmonize = broken_harmonize
    try:
        return tasks.compose(payload, progress, cancel)
    finally:
        orchestrator.harmonize = working  # the worker process lives on for other jobs



def soundfont_loaded(payload, progress, cancel):
    """Whether this process had the SoundFont loaded at payload["sample_rate"] already."""
    from studio.engine.sound import soundfont

    hits = soundfont._loaded.cache_info().hits
    soundfont._loaded(str(soundfont.soundfont_path()), payload["sample_rate"])
    return soundfont._loaded.cache_info().hits > hits
