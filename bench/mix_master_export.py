"""Mix, master and export of a 3-minute song, as render_and_export does them: the export
begins first, so the MIDI file, lyrics and context are written while the lanes render (the
render is shown but not counted); then the insert effects, faders, send buses (the lanes'
stems written meanwhile), mastering (the buses' stems written meanwhile), the master and the
report are timed. The first run in a process
also pays for the memory it touches first; the runs after it are what a running studio sees,
and their median is given (the files are written to a temporary folder, removed after).

    .venv/bin/python bench/mix_master_export.py [--prompt TEXT] [--seed N] [--runs N] [--out DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.export.files import ExportOptions, SongExport  # noqa: E402
from studio.engine.memory import keep_freed_memory  # noqa: E402
from studio.engine.orchestrator import RenderedSong, section_spans  # noqa: E402
from studio.engine.sound.mastering import master_measured, master_preset  # noqa: E402
from studio.engine.sound.mix import mix_stems  # noqa: E402
from studio.engine.sound.stems import render_stems, stem_samples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="runs after the first")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    keep_freed_memory()  # as the studio's entry points do
    song = engine.compose(args.prompt, args.seed, length_s=180.0)
    with tempfile.TemporaryDirectory(prefix="ensemble-bench-") as scratch:
        out = args.out or Path(scratch)
        first = timed_run(song, out)
        again = [timed_run(song, out) for _ in range(args.runs)]
    settings = song.mastering
    print(f"first run in a fresh process: mix, master and export of a 3-minute song: "
          f"{first['total']:.3f} s")
    median = {key: statistics.median(run[key] for run in again) for key in first}
    print(f"render of the lanes (not counted; the MIDI file, lyrics and context are written "
          f"meanwhile): {median['render']:.3f} s")
    print(f"mix (effects, faders, buses): {median['mix']:.3f} s")
    print(f"master ({settings.preset}, {settings.target_lufs:g} LUFS), the stems written "
          f"meanwhile: {median['master']:.3f} s")
    print(f"rest of the export ({first['files']:.0f} files, 24-bit WAV): {median['rest']:.3f} s")
    print(f"mix, master and export of a 3-minute song (median of {args.runs} runs after the "
          f"first): {median['total']:.3f} s")
    print(f"mix, master and export of a 3-minute song (slowest of those runs): "
          f"{max(run['total'] for run in again):.3f} s")
    print(f"song length: {song.context.length_s:.1f} s")


def timed_run(song, out: Path) -> dict[str, float]:
    """One export as render_and_export makes it; the seconds each stage took."""
    rate = 44100
    options = ExportOptions(format="wav", bit_depth=24, stems="wet")
    with SongExport(song, out, options, sample_rate=rate,
                    length=stem_samples(song, rate)) as export:
        begun = time.perf_counter()
        dry = render_stems(song, rate)  # not timed: the lanes' render, as it comes first
        started = time.perf_counter()
        stems, mixed = mix_stems(dry, song.lanes, song.buses, song.context.tempo_bpm, rate,
                                 on_faded=lambda lanes: export.add_stems(dry, lanes))
        export.add_stems(dry, stems)
        mixed_at = time.perf_counter()
        settings = song.mastering
        mastered, report = master_measured(
            mixed, rate, settings.target_lufs, settings.ceiling_dbtp,
            preset=master_preset(song.context, settings.preset),
            sections=section_spans(song, rate))
        mastered_at = time.perf_counter()
        paths = export.finish(RenderedSong(rate, dry, stems, mixed, mastered, report))
    done = time.perf_counter()
    return {"render": started - begun, "mix": mixed_at - started,
            "master": mastered_at - mixed_at, "rest": done - mastered_at,
            "total": done - started, "files": len(paths)}


if __name__ == "__main__":
    main()
