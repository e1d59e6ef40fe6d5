"""Renders a 3-minute song end to end (compose, render with vocals, master, export with stems
and every file) as `studio render` does (render_and_export: the files are written while the
song renders and masters), every section rendered afresh (no render cache), and prints
seconds per stage (a stage's time runs until the next stage's first progress event, so the
export's is what is left of it after the master) and in total; then FluidSynth alone renders the
song's exported MIDI with the same SoundFont, in the same run, and the ratio of the two.

    .venv/bin/python bench/render_song.py [--prompt TEXT] [--seed N] [--out DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.memory import keep_freed_memory  # noqa: E402
from studio.engine.sound.renderer import SongRenderer  # noqa: E402
from studio.engine.sound.soundfont_file import soundfont_path  # noqa: E402


def fluidsynth_seconds(midi: Path, out: Path) -> float:
    """FluidSynth (Debian's `fluidsynth`) rendering `midi` to a WAV at 44.1 kHz with the
    studio's SoundFont, start to finish."""
    if shutil.which("fluidsynth") is None:
        raise SystemExit("fluidsynth is not installed: scripts/setup.sh installs it")
    started = time.perf_counter()
    subprocess.run(["fluidsynth", "-ni", "-F", str(out), "-r", "44100", str(soundfont_path()),
                    str(midi)], check=True, capture_output=True)
    return time.perf_counter() - started


class StageClock:
    """Collects how long each stage ran from the progress events."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stage: str | None = None
        self.started = time.perf_counter()

    def __call__(self, event: engine.ProgressEvent) -> None:
        if event.stage != self.stage:
            self.stop()
            self.stage, self.started = event.stage, time.perf_counter()

    def stop(self) -> None:
        if self.stage is not None:
            elapsed = time.perf_counter() - self.started
            self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + elapsed
        self.stage = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the files here (else they are removed)")
    args = parser.parse_args()
    keep_freed_memory()  # as the studio's entry points do
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-") as scratch:
        run(args, args.out or Path(scratch))


def run(args: argparse.Namespace, out: Path) -> None:
    clock = StageClock()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    # as `studio render` does it: the process that sings starts while the song is composed
    # and speaks its lines as they are written, and the files are written while the song
    # renders and masters
    renderer = SongRenderer(44100, once=True)  # no render cache: every section renders
    renderer.start_aside()
    composition = engine.compose(args.prompt, args.seed, length_s=180.0, progress=clock,
                                 on_lyrics=renderer.speak_ahead)
    engine.render_and_export(composition, out, engine.ExportOptions(bit_depth=24),
                             progress=clock, renderer=renderer)
    clock.stop()
    total = time.perf_counter() - started
    studio_cpu = cpu_seconds() - cpu_before
    for stage, seconds in clock.seconds.items():
        print(f"{stage}: {seconds:.3f} s")
    print(f"song length: {composition.context.length_s:.1f} s")
    print(f"total for a 3-minute song: {total:.3f} s")
    fluid = fluidsynth_seconds(out / "song.mid", out / "fluidsynth.wav")
    print(f"fluidsynth alone: {fluid:.3f} s")
    print(f"ratio to fluidsynth: {total / fluid:.2f}")
    # On a machine whose cores are busy with other work the wall times say more of that work
    # than of either program; the processor time each used does not.
    print(f"studio processor time (every process): {studio_cpu:.3f} s")
    print(f"fluidsynth processor time: {cpu_seconds() - cpu_before - studio_cpu:.3f} s")


def cpu_seconds() -> float:
    """Processor time (user and system) of this process and the children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
