"""Mastering across genres: for each song of the prompt suite (tests/data/prompt_suite.toml),
how long its master takes and how many limiter passes the search for the depth needs. The
songs are composed and mixed first (not timed); each master is timed once, after one
untimed master of the first song has touched the memory.

    .venv/bin/python bench/mastering.py [--seed N] [--length-s S]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.memory import keep_freed_memory  # noqa: E402
from studio.engine.orchestrator import section_spans  # noqa: E402
from studio.engine.sound import limiter  # noqa: E402
from studio.engine.sound.mastering import master_measured, master_preset  # noqa: E402
from studio.engine.sound.renderer import SongRenderer  # noqa: E402

SUITE = Path(__file__).resolve().parents[1] / "tests" / "data" / "prompt_suite.toml"
RATE = 44100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--length-s", type=float, default=120.0)
    args = parser.parse_args()
    keep_freed_memory()  # as the studio's entry points do
    passes = count_passes()
    songs = []
    for entry in tomllib.loads(SUITE.read_text())["song"]:
        song = engine.compose(entry["prompt"], args.seed, length_s=args.length_s)
        songs.append((entry["genre"], song, SongRenderer(RATE).render(song).mix))
    master(*songs[0][1:])  # untimed: the first run also pays for the memory it touches
    seconds, counts = [], []
    for genre, song, mix in songs:
        passes.clear()
        started = time.perf_counter()
        report = master(song, mix)
        seconds.append(time.perf_counter() - started)
        counts.append(len(passes))
        print(f"master of {genre} ({song.mastering.preset}, {report['integrated_lufs']:.2f} "
              f"LUFS, {report['true_peak_dbtp']:.2f} dBTP): {seconds[-1]:.3f} s, "
              f"{counts[-1]} limiter passes")
    print(f"limiter passes over the suite: {sum(counts)} passes")
    print(f"median master of a {args.length_s:g}-second song: {statistics.median(seconds):.3f} s")


def master(song: engine.Composition, mix) -> dict:
    settings = song.mastering
    return master_measured(mix, RATE, settings.target_lufs, settings.ceiling_dbtp,
                           preset=master_preset(song.context, settings.preset),
                           sections=section_spans(song, RATE))[1]


def count_passes() -> list[float]:
    """A list that gets one entry per limiter pass made from now on."""
    made: list[float] = []
    limited_pass = limiter.limited_pass

    def counted(audio, envelope, sample_rate, threshold):
        made.append(float(threshold))
        return limited_pass(audio, envelope, sample_rate, threshold)

    limiter.limited_pass = counted
    return made


if __name__ == "__main__":
    main()
