"""Iteration speed: after regenerating one 8-bar section of a 3-minute song, how long until
the full mix is ready to play again, and how close it is to a full re-render.

    .venv/bin/python bench/iterate.py [--prompt TEXT] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.edit import operations
from studio.engine.memory import keep_freed_memory  # noqa: E402
from studio.engine.sound.mix import mix_stems  # noqa: E402
from studio.engine.sound.renderer import SongRenderer  # noqa: E402
from studio.engine.sound.stems import render_stems  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    keep_freed_memory()  # as the studio's entry points do
    song = engine.compose(args.prompt, args.seed, length_s=180.0)
    renderer = SongRenderer(44100)
    started = time.perf_counter()
    renderer.render(song)
    first_s = time.perf_counter() - started
    section = next(s for s in song.sections if s.bars == 8 and s.kind == "chorus")
    started = time.perf_counter()
    changed, _ = operations.regenerate_section(song, section.id)
    regenerate_s = time.perf_counter() - started
    started = time.perf_counter()
    state = renderer.render(changed)
    rerender_s = time.perf_counter() - started
    dry = render_stems(changed, 44100)
    _, full_mix = mix_stems(dry, changed.lanes, changed.buses, changed.context.tempo_bpm, 44100)
    error = float(np.max(np.abs(state.mix - full_mix)) / np.max(np.abs(full_mix)))
    print(f"first render of a {song.context.length_s:.0f} s song: {first_s:.3f} s")
    print(f"regenerate one 8-bar section: {regenerate_s * 1000:.1f} ms")
    print(f"rerender after section regenerate: {rerender_s:.3f} s")
    print(f"mix ready after section regenerate: {regenerate_s + rerender_s:.3f} s")
    print(f"sections re-rendered: {renderer.rendered} parts")
    print(f"difference from a full re-render: {20 * np.log10(max(error, 1e-12)):.1f} dB")


if __name__ == "__main__":
    main()
