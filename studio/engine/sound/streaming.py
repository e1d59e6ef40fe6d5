"""Audio through a plugin a stretch at a time, each stretch measured as soon as it is made.

pedalboard's plugins free the GIL while they process; libebur128, the loudness meter, holds
it. One after the other over a whole song they take the sum of their times; a stretch apart,
each meter in a thread of its own measuring one stretch while the plugin makes the next, they
take about the longest of them. A plugin keeps
its state from one stretch to the next (reset=False), so the audio is the same, sample for
sample, as from one call over all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import numpy as np
from pedalboard import Plugin

STRETCH = 1 << 16  # samples made and measured at a time (1.5 s at 44.1 kHz)

Source = Callable[[int, int], np.ndarray]  # (first, stop) -> the plugin's input there
Measure = Callable[[int, np.ndarray], object]  # (first, output there), called in order


def stream_through(plugin: Plugin, source: Source, shape: tuple[int, int], sample_rate: int,
                   *measures: Measure) -> np.ndarray:
    """The (channels, samples) `shape` of audio `plugin` makes of `source`, a stretch at a
    time, each stretch of it handed to every one of `measures` (each in a thread of its own,
    in order) while the next is made. A plugin whose output is longer or shorter than its
    input (one with latency) is refused."""
    out = np.empty(shape, dtype=np.float32)
    with ExitStack() as threads:
        measurers = [threads.enter_context(ThreadPoolExecutor(1, thread_name_prefix="measure"))
                     for _ in measures]
        jobs = []
        for first in range(0, shape[1], STRETCH):
            stop = min(shape[1], first + STRETCH)
            made = plugin(source(first, stop), sample_rate, reset=False)
            if made.shape != (shape[0], stop - first):
                raise ValueError(f"{plugin} made {made.shape} of {(shape[0], stop - first)}")
            out[:, first:stop] = made
            jobs += [measurer.submit(measure, first, out[:, first:stop])
                     for measurer, measure in zip(measurers, measures, strict=True)]
        for job in jobs:
            job.result()
    return out
