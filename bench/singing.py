"""Singing speed: the vocal lane of a 3-minute song sung from nothing on one core (no line
spoken or analysed yet: the first line pays for starting the speech synthesiser; the time to
import the singing code is printed apart, as a process pays it once), and sung again after a
one-word lyric edit through the renderer.

    .venv/bin/python bench/singing.py [--prompt TEXT] [--seed N] [--rate HZ] [--voice PRESET]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.model import Voice  # noqa: E402
from studio.engine.singing import world  # noqa: E402
from studio.engine.singing.presets import lane_voice  # noqa: E402
from studio.engine.sound.renderer import SongRenderer  # noqa: E402
from studio.engine.sound.stems import render_lane  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=int, default=44100)
    parser.add_argument("--voice", help="sing with this voice preset (else the song's own)")
    args = parser.parse_args()
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # the singing runs on one core
    song = engine.compose(args.prompt, args.seed, length_s=180.0)
    if args.voice is not None:
        song.lanes["vocal"] = replace(song.lanes["vocal"], voice=Voice(preset=args.voice))
    sung_s = sum(n.duration_beats for n in song.lane_notes("vocal")) * 60.0 / \
        song.context.tempo_bpm
    lines = sum(len(lyrics.lines) for lyrics in song.lyrics.values())

    started = time.perf_counter()
    from studio.engine.sound import voice  # noqa: F401  the singer and WORLD
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    render_lane(song, "vocal", args.rate)
    whole_s = time.perf_counter() - started
    world.line_analysis.cache_clear()  # the renderer below starts from nothing as well
    renderer = SongRenderer(args.rate)
    renderer.render(song)
    section_id, lyrics = next(iter(song.lyrics.items()))
    line = lyrics.lines[0]
    word = line.text.split()[0]
    new = "Love" if word.lower() != "love" else "Hope"
    edited = replace(line, text=" ".join([new] + line.text.split()[1:]),
                     syllables=(replace(line.syllables[0], text=new),) + line.syllables[1:])
    song.lyrics[section_id] = replace(lyrics, lines=(edited,) + lyrics.lines[1:])
    before = renderer.lines.sung
    started = time.perf_counter()
    renderer.render(song)
    edit_s = time.perf_counter() - started

    print(f"voice: {lane_voice(song).preset}")
    print(f"song length: {song.context.length_s:.1f} s")
    print(f"sung notes: {sung_s:.1f} s")
    print(f"sung lines: {lines} lines")
    print(f"singing code imported: {import_s:.2f} s")
    print(f"vocal lane sung from nothing: {whole_s:.2f} s")
    print(f"singing speed: {song.context.length_s / whole_s:.1f} x real time")
    print(f"singing speed over sung notes: {sung_s / whole_s:.1f} x real time")
    print(f"re-sing and remix after a one-word edit: {edit_s:.3f} s")
    print(f"lines sung again after the edit: {renderer.lines.sung - before} lines")


if __name__ == "__main__":
    main()
