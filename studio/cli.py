"""The `studio` command: the engine's operations from a terminal. Every failure ends with
exit code 2 and one line saying what went wrong (see cli_errors)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from studio import engine
from studio.cli_errors import report_failure
from studio.cli_project import add_project_commands, check_project, commit_render, prompt_text
from studio.engine.composing.meaning import style_line
from studio.engine.composing.preferences import PreferenceProfile
from studio.engine.composing.prompt import parse_seconds
from studio.engine.edit import operations
from studio.engine.export.files import ExportOptions
from studio.engine.export.ranges import resolve_range
from studio.engine.lyrics.providers import make_provider
from studio.engine.lyrics.text_file import read_lyrics
from studio.engine.memory import keep_freed_memory
from studio.engine.singing.presets import default_preset
from studio.engine.singing.presets import preset_names as voice_names
from studio.engine.singing.profile import analyse_profile, read_recording
from studio.engine.sound.cache import RenderCache
from studio.engine.sound.mastering import preset_names
from studio.engine.sound.renderer import SongRenderer
from studio.engine.sound.stems import stem_samples
from studio.settings import load_settings
from studio.voice_profiles import profile_from_project


class StageBar:
    """Shows one progress bar per stage on stderr, with how long each stage took."""

    WIDTH = 24

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.last: engine.ProgressEvent | None = None
        self.started = time.perf_counter()

    def __call__(self, event: engine.ProgressEvent) -> None:
        if self.last is None or event.stage != self.last.stage:
            self.close()
            self.started = time.perf_counter()
        self.last = event
        if self.live:
            self.stream.write("\r" + self._line(event))
            self.stream.flush()

    def _line(self, event: engine.ProgressEvent) -> str:
        filled = int(round(self.WIDTH * min(1.0, max(0.0, event.fraction))))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"{event.stage:<12} [{bar}] {event.fraction:4.0%}  {event.message[:40]:<40}"

    def close(self) -> None:
        """End the current stage's line with its duration."""
        if self.last is None:
            return
        took = time.perf_counter() - self.started
        prefix = "\r" if self.live else ""
        self.stream.write(f"{prefix}{self._line(self.last)} {took:6.2f} s\n")
        self.stream.flush()
        self.last = None


def parse_length(text: str) -> float:
    """'M:SS' or plain seconds, as seconds."""
    try:
        return parse_seconds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_render(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    if args.project is not None:
        check_project(args.project)
    bar = StageBar()
    started = time.perf_counter()
    # sections, lanes and returns rendered before (by any studio process) come from the cache
    cap_bytes = load_settings().render_cache_bytes  # the cap the window's settings give
    renderer = SongRenderer(args.sample_rate, disk=RenderCache(cap_bytes=cap_bytes))
    renderer.start_aside()  # the process that may sing the vocal loads while the song composes
    try:
        return _compose_and_render(args, seed, bar, renderer, started)
    finally:
        renderer.stop_aside()


def _compose_and_render(args: argparse.Namespace, seed: int, bar: StageBar,
                        renderer: SongRenderer, started: float) -> int:
    composition = engine.compose(args.prompt, seed, length_s=args.length, progress=bar,
                                 preferences=PreferenceProfile().defaults(), by_meaning=True,
                                 **lyrics_options(args))
    try:
        if args.loudness is not None or args.master_preset is not None:
            target = args.loudness
            if target is not None and target.lstrip("-").replace(".", "", 1).isdigit():
                target = float(target)
            composition, _ = operations.set_mastering(composition, preset=args.master_preset,
                                                      target_lufs=target)
        composition, recording = voice_options(args, composition)
        options = export_options(args, composition)
    except ValueError as error:
        print(f"studio: {error}", file=sys.stderr)
        return 2
    engine.render_and_export(composition, args.out, options, progress=bar, renderer=renderer)
    bar.close()
    if args.project is not None:
        version = commit_render(args.project, composition,
                                f"Generate from \"{args.prompt}\" (seed {seed})", recording)
        print(f"committed version {version} to {args.project}")
    context = composition.context
    print(f"{composition.title}: {context.key.name}, {context.tempo_bpm:g} bpm, {context.meter}, "
          f"{context.length_s:.0f} s, seed {seed}")
    print(style_line(context.genre_blend, context.understood, context.prompt))
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def export_options(args: argparse.Namespace, composition: engine.Composition) -> ExportOptions:
    """The render command's export options, checked against the song before it is rendered
    (raises ValueError); --section counts from 1 in song order."""
    section_id = None
    if args.section is not None:
        count = len(composition.sections)
        if not 1 <= args.section <= count:
            raise ValueError(f"there is no section {args.section}; the song has sections "
                             f"1 to {count}")
        section_id = composition.sections[args.section - 1].id
    options = ExportOptions(format=args.format, bit_depth=args.bit_depth,
                            sample_rate=args.sample_rate, stems=args.stems,
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
    command.add_argument("--section", type=int, metavar="N",
                         help="export only section N (from 1, in song order)")
    command.add_argument("--from", dest="start_s", type=parse_length, metavar="TIME",
                         help="export from this time (M:SS or seconds)")
    command.add_argument("--to", dest="end_s", type=parse_length, metavar="TIME",
                         help="export up to this time (M:SS or seconds)")


def add_lyrics_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lyrics", type=Path, metavar="FILE",
                         help="sing your own lyrics: blocks split by blank lines or headings "
                              "such as [Chorus]")
    command.add_argument("--lyrics-url", metavar="URL",
                         help="write lyrics with an OpenAI-compatible chat endpoint (a local "
                              "Ollama server, say); the built-in writer steps in if it fails")
    command.add_argument("--lyrics-model", default="llama3", help="the endpoint's model name")


def lyrics_options(args: argparse.Namespace) -> dict:
    """compose() keywords for the lyrics options."""
    options = {}
    if args.lyrics is not None:
        options["lyrics_text"] = read_lyrics(args.lyrics)
    if args.lyrics_url:
        options["lyrics_provider"] = make_provider("chat", url=args.lyrics_url,
                                                   model=args.lyrics_model)
    return options


def add_voice_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--voice", choices=voice_names(), help="the singing voice's preset")
    command.add_argument("--voice-from", type=Path, metavar="FILE",
                         help="sing in a person's voice: a recording (WAV or FLAC, at least "
                              "10 s of singing or speaking) or a project file whose voice "
                              "profile to reuse")


def voice_options(args: argparse.Namespace,
                  composition: engine.Composition) -> tuple[engine.Composition, tuple | None]:
    """The composition with the voice options applied, and the recording a profile was made
    from as (name, audio, sample rate), to keep in the project file; ValueError says what
    is wrong with the file."""
    if "vocal" not in composition.lanes or (args.voice is None and args.voice_from is None):
        if args.voice is not None or args.voice_from is not None:
            print("studio: this song has no vocal lane; the voice options do nothing",
                  file=sys.stderr)
        return composition, None
    recording = None
    changes = {}
    if args.voice_from is not None:
        changes["profile"], recording = read_voice(args.voice_from)
    voice = composition.lanes["vocal"].voice
    if args.voice is not None and args.voice != (voice.preset if voice else default_preset()):
        changes["preset"] = args.voice
    if changes:
        composition, _ = operations.set_voice(composition, **changes)
    return composition, recording


def read_voice(path: Path) -> tuple[object, tuple | None]:
    """The voice profile in a recording or a project file, and the recording if it was one."""
    if not path.exists():
        raise ValueError(f"there is no file {path}")
    if path.suffix == ".ensemble":
        return profile_from_project(path), None
    audio, rate = read_recording(path)
    return analyse_profile(audio, rate, path.stem), (path.stem, audio, rate)


def cmd_open(args: argparse.Namespace) -> int:
    from studio.ui.app import run  # only the window needs Qt

    return run(args.project)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Ensemble Studio")
    commands = parser.add_subparsers(dest="command")
    render = commands.add_parser("render", help="write a whole song from a prompt")
    render.add_argument("prompt", type=prompt_text,
                        help='what the song is, e.g. "dreamy lo-fi in D minor, 80 bpm"')
    render.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    render.add_argument("--seed", type=int, help="the same seed gives the same song")
    render.add_argument("--length", type=parse_length, help="length as M:SS or seconds")
    add_export_options(render)
    render.add_argument("--project", type=Path, help="also commit the song to this project")
    window = commands.add_parser("open", help="open a project in the studio window")
    window.add_argument("project", type=Path, nargs="?")
    window.set_defaults(func=cmd_open)
    add_lyrics_options(render)
    add_voice_options(render)
    render.set_defaults(func=cmd_render)
    add_project_commands(commands, parse_length, add_lyrics_options, lyrics_options)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (argparse itself exits with 2 on a bad option)."""
    keep_freed_memory()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return cmd_open(argparse.Namespace(project=None))
        return args.func(args)
    except KeyboardInterrupt:
        print("studio: cancelled", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - every failure gets its one line (cli_errors)
        return report_failure(error, argv)


if __name__ == "__main__":
    sys.exit(main())
