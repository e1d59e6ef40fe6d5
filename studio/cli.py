"""The `studio` command: the engine's operations from a terminal. Every failure ends with
exit code 2 and one line saying what went wrong (see cli_errors)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from studio import engine
from studio.cli_edit import add_edit_commands
from studio.cli_errors import report_failure
from studio.cli_export import (
    add_export_command,
    add_export_options,
    export_options,
    mastering_options,
    parse_length,
)
from studio.cli_progress import StageBar
from studio.cli_project import add_project_commands, check_project, commit_render, prompt_text
from studio.engine import about
from studio.engine.composing.meaning import style_line
from studio.engine.composing.preferences import PreferenceProfile
from studio.engine.edit import operations
from studio.engine.lyrics.providers import make_provider
from studio.engine.lyrics.text_file import read_lyrics
from studio.engine.memory import keep_freed_memory
from studio.engine.singing.presets import default_preset
from studio.engine.singing.presets import preset_names as voice_names
from studio.engine.singing.profile import analyse_profile, read_recording
from studio.engine.sound.cache import RenderCache
from studio.engine.sound.renderer import SongRenderer
from studio.settings import load_settings
from studio.voice_profiles import profile_from_project


def cmd_render(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    if args.project is not None:
        check_project(args.project)
    bar = StageBar()
    started = time.perf_counter()
    # sections, lanes and returns rendered before (by any studio process) come from the cache
    cap_bytes = load_settings().render_cache_bytes  # the cap the window's settings give
    renderer = SongRenderer(args.sample_rate, disk=RenderCache(cap_bytes=cap_bytes), once=True)
    renderer.start_aside()  # the process that may sing the vocal loads while the song composes
    try:
        return _compose_and_render(args, seed, bar, renderer, started)
    finally:
        renderer.stop_aside()


def _compose_and_render(args: argparse.Namespace, seed: int, bar: StageBar,
                        renderer: SongRenderer, started: float) -> int:
    composition = engine.compose(args.prompt, seed, length_s=args.length, progress=bar,
                                 preferences=PreferenceProfile().defaults(), by_meaning=True,
                                 on_lyrics=renderer.speak_ahead, **lyrics_options(args))
    try:
        composition = mastering_options(args, composition)
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
    # raw: --version prints the NOTICE file as it is laid out
    parser = argparse.ArgumentParser(prog="studio", description="Ensemble Studio",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=about.about_text(),
                        help="show the version and the licences of the bundled data")
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
    add_export_command(commands)
    add_edit_commands(commands)
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
