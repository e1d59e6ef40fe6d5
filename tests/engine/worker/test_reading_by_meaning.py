"""The worker reads a prompt that names no style by meaning: the model loads in the worker's
process with the first such prompt and stays there for the next."""

import time

from studio.engine.serialize import composition_from_dict
from studio.engine.worker import Worker
from studio.engine.worker.tasks import unpack


def test_the_worker_guesses_the_style_and_keeps_the_model():
    with Worker() as worker:
        took, songs = [], []
        for seed in (1, 2):
            messages = []
            started = time.perf_counter()
            handle = worker.submit("studio.engine.worker.tasks:compose",
                                   {"prompt": "cowboys by a campfire", "seed": seed,
                                    "length_s": 30},
                                   progress=lambda event, messages=messages:
                                   messages.append(event.message))
            songs.append(composition_from_dict(unpack(handle.result(timeout=120))))
            took.append(time.perf_counter() - started)
            assert any(m.startswith("style: ") and "guessed from" in m for m in messages)
        assert all(song.context.understood for song in songs)
        assert songs[0].context.genre_blend == songs[1].context.genre_blend
        assert took[1] < took[0]  # loaded once, by the first job


def test_a_named_style_is_not_sent_to_the_model():
    with Worker() as worker:
        handle = worker.submit("studio.engine.worker.tasks:compose",
                               {"prompt": "jazz by a campfire", "seed": 1, "length_s": 30})
        song = composition_from_dict(unpack(handle.result(timeout=120)))
        assert song.context.genre_blend == {"jazz": 1.0} and song.context.understood == ()
        check = worker.submit("tests.engine.worker.test_reading_by_meaning:model_loaded", {})
        assert check.result(timeout=30) is False


def model_loaded(payload, progress, cancel) -> bool:
    """A job: whether this worker process has imported the model's packages."""
    import sys

    return "torch" in sys.modules or "transformers" in sys.modules
