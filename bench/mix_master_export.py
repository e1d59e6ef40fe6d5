"""Mix, master and export of a 3-minute song, as render_and_export does them: the export
begins first, so the MIDI file, lyrics and context are written while the lanes render (the
render is shown but not counted); then the insert effects, faders, send buses, mastering with
the stems written meanwhile, the master and the report are timed. Twice, since the first run
in a process also pays for the memory it touches first.

    .venv/bin/python bench/mix_master_export.py [--prompt TEXT] [--seed N] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.export import ExportOptions, SongExport  # noqa: E402
from studio.engine.master import master_measured, master_preset  # noqa: E402
from studio.engine.memory import keep_freed_memory  # noqa: E402
from studio.engine.mix import mix_stems  # noqa: E402
from studio.engine.orchestrator import RenderedSong, section_spans  # noqa: E402
from studio.engine.render import render_stems, stem_samples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    keep_freed_memory()  # as the studio's entry points do
    out = args.out or Path(tempfile.mkdtemp(prefix="ensemble-bench-"))
    song = engine.compose(args.prompt, args.seed, length_s=180.0)
    rate = 44100
    options = ExportOptions(format="wav", bit_depth=24, stems="wet")
    for run in ("first run in a fresh process", "again (a running studio)"):
        with SongExport(song, out, options, sample_rate=rate,
                        length=stem_samples(song, rate)) as export:
            begun = time.perf_counter()
            dry = render_stems(song, rate)  # not timed: the lanes' render, as it comes first
            started = time.perf_counter()
            stems, mixed = mix_stems(dry, song.lanes, song.buses, song.context.tempo_bpm, rate)
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
        print(f"{run}: render of the lanes (not counted; the MIDI file, lyrics and context "
              f"are written meanwhile): {started - begun:.3f} s")
        print(f"{run}: mix (effects, faders, buses): {mixed_at - started:.3f} s")
        print(f"{run}: master ({settings.preset}, {settings.target_lufs:g} LUFS), the stems "
              f"written meanwhile: {mastered_at - mixed_at:.3f} s")
        print(f"{run}: rest of the export ({len(paths)} files, 24-bit WAV): "
              f"{done - mastered_at:.3f} s")
        print(f"{run}: mix, master and export of a 3-minute song: {done - started:.3f} s")
        del dry, stems, mixed, mastered
    print(f"song length: {song.context.length_s:.1f} s")

if __name__ == "__main__":
    main()
