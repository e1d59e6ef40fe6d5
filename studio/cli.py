"""The `studio` command: the engine's operations from a terminal."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from studio import engine
from studio.cli_project import add_project_commands, commit_render
from studio.engine.lyrics import LyricsFitError
from studio.engine.lyrics_providers import make_provider
from studio.engine.preferences import PreferenceProfile
from studio.project import ProjectError


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
        if ":" in text:
            minutes, seconds = text.split(":")
            return int(minutes) * 60 + float(seconds)
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"length '{text}' is not M:SS or seconds") from None


def cmd_render(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    bar = StageBar()
    started = time.perf_counter()
    composition = engine.compose(args.prompt, seed, length_s=args.length, progress=bar,
                                 preferences=PreferenceProfile().defaults(),
                                 **lyrics_options(args))
    song = engine.render_song(composition, args.sample_rate, progress=bar)
    bar(engine.ProgressEvent("export", 0.0, str(args.out)))
    paths = engine.export_song(composition, song.stems, song.master, args.out,
                               sample_rate=args.sample_rate, bit_depth=args.bit_depth)
    bar(engine.ProgressEvent("export", 1.0, f"{len(paths)} files"))
    bar.close()
    if args.project is not None:
        version = commit_render(args.project, composition,
                                f"Generate from \"{args.prompt}\" (seed {seed})")
        print(f"committed version {version} to {args.project}")
    context = composition.context
    print(f"{composition.title}: {context.key.name}, {context.tempo_bpm:g} bpm, {context.meter}, "
          f"{context.length_s:.0f} s, seed {seed}")
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
        try:
            options["lyrics_text"] = args.lyrics.read_text(encoding="utf-8")
        except OSError as error:
            raise LyricsFitError(f"cannot read lyrics from {args.lyrics}: "
                                 f"{error.strerror}") from None
    if args.lyrics_url:
        options["lyrics_provider"] = make_provider("chat", url=args.lyrics_url,
                                                   model=args.lyrics_model)
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Ensemble Studio")
    commands = parser.add_subparsers(dest="command")
    render = commands.add_parser("render", help="write a whole song from a prompt")
    render.add_argument("prompt", help='what the song is, e.g. "dreamy lo-fi in D minor, 80 bpm"')
    render.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    render.add_argument("--seed", type=int, help="the same seed gives the same song")
    render.add_argument("--length", type=parse_length, help="length as M:SS or seconds")
    render.add_argument("--sample-rate", type=int, default=44100, choices=(44100, 48000))
    render.add_argument("--bit-depth", type=int, default=24, choices=(16, 24, 32))
    render.add_argument("--project", type=Path, help="also commit the song to this project")
    add_lyrics_options(render)
    render.set_defaults(func=cmd_render)
    add_project_commands(commands, parse_length, add_lyrics_options, lyrics_options)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (engine.PromptError, ProjectError, LyricsFitError) as error:
        print(f"studio: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("studio: cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
