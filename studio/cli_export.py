"""The export options of `studio render` and `studio export`, and the export command: a
version of a project written as files by the same job the window's Export runs."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from studio import engine
from studio.cli_progress import StageBar
from studio.engine.composing.prompt import parse_seconds
from studio.engine.edit import operations
from studio.engine.export.files import ExportOptions
from studio.engine.export.ranges import resolve_range
from studio.engine.progress import CancelToken
from studio.engine.serialize import composition_to_dict
from studio.engine.sound.mastering import preset_names
from studio.engine.sound.stems import stem_samples
from studio.engine.worker import tasks
from studio.project import Project
from studio.settings import load_settings


def parse_length(text: str) -> float:
    """'M:SS' or plain seconds, as seconds."""
    try:
        return parse_seconds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_export_command(commands) -> None:
    export = commands.add_parser("export", help="write a version of a project as files "
                                                "(master, stems, MIDI, lyrics), as Export does "
                                                "in the window")
    export.add_argument("project", type=Path)
    export.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    export.add_argument("--version", type=int, metavar="N",
                        help="the version to export (the current one by default)")
    add_export_options(export)
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        song = project.load(args.version)
        version = args.version if args.version is not None else project.head.id
    try:
        song = mastering_options(args, song)
        options = export_options(args, song)
    except ValueError as error:
        print(f"studio: {error}", file=sys.stderr)
        return 2
    bar = StageBar()
    written = export_song(song, args.out, options, bar)
    bar.close()
    print(f"exported version {version} of {args.project}: {len(written)} files in {args.out}")
    return 0


def export_song(song: engine.Composition, out: Path, options: ExportOptions,
                progress) -> dict[str, str]:
    """Render and write a song with the window's export job, in this process; what it wrote
    (name -> path)."""
    payload = {"composition": composition_to_dict(song), "out_dir": str(out),
               "options": dataclasses.asdict(options),
               "cache_cap_bytes": load_settings().render_cache_bytes}
    return tasks.unpack(tasks.export(payload, progress, CancelToken()))


def mastering_options(args: argparse.Namespace,
                      composition: engine.Composition) -> engine.Composition:
    """The song mastered as --loudness and --master-preset say (ValueError for a target
    this version does not know)."""
    if args.loudness is None and args.master_preset is None:
        return composition
    target = args.loudness
    if target is not None and target.lstrip("-").replace(".", "", 1).isdigit():
        target = float(target)
    return operations.set_mastering(composition, preset=args.master_preset,
                                    target_lufs=target)[0]


def export_options(args: argparse.Namespace, composition: engine.Composition) -> ExportOptions:
    """The export options, checked against the song before it is rendered (raises
    ValueError); --section counts from 1 in song order."""
    section_id = None
    if args.section is not None:
        count = len(composition.sections)
        if not 1 <= args.section <= count:
            raise ValueError(f"there is no section {args.section}; the song has sections "
                             f"1 to {count}")
        section_id = composition.sections[args.section - 1].id
    options = ExportOptions(format=args.format, bit_depth=args.bit_depth,
                            sample_rate=args.sample_rate, stems=args.stems,
                            midi=not args.no_midi, lyrics=not args.no_lyrics,
                            section_id=section_id, start_s=args.start_s, end_s=args.end_s)
    resolve_range(composition, args.sample_rate, stem_samples(composition, args.sample_rate),
                  section_id=section_id, start_s=args.start_s, end_s=args.end_s)
    return options


def add_export_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--sample-rate", type=int, default=44100, choices=(44100, 48000))
    command.add_argument("--bit-depth", type=int, default=24, choices=(16, 24, 32),
                         help="16 (dithered), 24, or 32-bit float (WAV only)")
    command.add_argument("--format", default="wav", choices=("wav", "flac"))
    command.add_argument("--loudness", metavar="TARGET",
                         help="the master's loudness: streaming (-14 LUFS, the default), club "
                              "(-9), broadcast (-23), or a number of LUFS")
    command.add_argument("--master-preset", choices=preset_names(),
                         help="mastering preset (by default the genre's)")
    command.add_argument("--stems", default="wet", choices=("wet", "dry", "none"),
                         help="stems with their effects and the effect returns, dry, or none")
    command.add_argument("--no-midi", action="store_true", help="write no MIDI file")
    command.add_argument("--no-lyrics", action="store_true",
                         help="write no lyrics (LRC and MusicXML lead sheet)")
    command.add_argument("--section", type=int, metavar="N",
                         help="export only section N (from 1, in song order)")
    command.add_argument("--from", dest="start_s", type=parse_length, metavar="TIME",
                         help="export from this time (M:SS or seconds)")
    command.add_argument("--to", dest="end_s", type=parse_length, metavar="TIME",
                         help="export up to this time (M:SS or seconds)")
