"""The project commands of `studio`: new, log, show, revert, rate, lyrics (and render
--project)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

from studio import engine
from studio.engine.composing.meaning import style_line
from studio.engine.composing.preferences import PreferenceProfile
from studio.engine.edit import operations
from studio.engine.lyrics.text_file import read_lyrics
from studio.project import Project, ProjectError


def add_project_commands(commands, parse_length, add_lyrics_options, lyrics_options) -> None:
    new = commands.add_parser("new", help="create a project file, optionally from a prompt")
    new.add_argument("project", type=Path)
    new.add_argument("prompt", nargs="?", type=prompt_text,
                     help="compose a song and commit it as version 1")
    new.add_argument("--seed", type=int)
    new.add_argument("--length", type=parse_length, help="length as M:SS or seconds")
    add_lyrics_options(new)
    new.set_defaults(func=cmd_new, lyrics_options=lyrics_options)
    log = commands.add_parser("log", help="list a project's versions")
    log.add_argument("project", type=Path)
    log.set_defaults(func=cmd_log)
    show = commands.add_parser("show", help="describe a version (the current one by default)")
    show.add_argument("project", type=Path)
    show.add_argument("version", type=int, nargs="?")
    show.add_argument("--lyrics", action="store_true", help="print each section's lyrics")
    show.set_defaults(func=cmd_show)
    lyrics = commands.add_parser("lyrics", help="rewrite or set one section's lyrics and "
                                                "commit the result as a new version")
    lyrics.add_argument("project", type=Path)
    lyrics.add_argument("section", type=int, help="the section's number in the song, from 1")
    what = lyrics.add_mutually_exclusive_group(required=True)
    what.add_argument("--rewrite", action="store_true", help="new words from the writer")
    what.add_argument("--set", type=Path, metavar="FILE", help="your own lines, one per line")
    lyrics.set_defaults(func=cmd_lyrics)
    revert = commands.add_parser("revert", help="make a new version equal to an older one")
    revert.add_argument("project", type=Path)
    revert.add_argument("version", type=int)
    revert.set_defaults(func=cmd_revert)
    rate = commands.add_parser("rate", help="rate a version (-1..1 or 1..5 stars); future "
                                            "songs lean toward what you like")
    rate.add_argument("project", type=Path)
    rate.add_argument("rating", type=float)
    rate.add_argument("--version", type=int, help="the current version by default")
    rate.set_defaults(func=cmd_rate)


def cmd_new(args: argparse.Namespace) -> int:
    # the song is made before the file, so that a bad prompt or lyrics file leaves no file
    song, seed = None, args.seed if args.seed is not None else random.randrange(2**31)
    Project.check_new(args.project)
    if args.prompt is not None:
        song = engine.compose(args.prompt, seed, length_s=args.length,
                              preferences=PreferenceProfile().defaults(), by_meaning=True,
                              **args.lyrics_options(args))
    with Project.create(args.project) as project:
        if song is None:
            print(f"created {args.project}")
            return 0
        info = project.commit(song, f"Generate from \"{args.prompt}\" (seed {seed})",
                              "generate")
    print(f"created {args.project} with version {info.id}: {song.title}")
    context = song.context
    print(style_line(context.genre_blend, context.understood, context.prompt))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        head = project.head
        for version in project.log():
            mark = "*" if head and version.id == head.id else " "
            star = "★" if version.starred else " "
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created_at))
            parent = version.parent_id if version.parent_id is not None else "-"
            name = f" [{version.name}]" if version.name else ""
            print(f"{mark}{star} {version.id:>4}  parent {parent!s:>4}  {when}  "
                  f"{version.kind:<18} {version.message}{name}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        song = project.load(args.version)
    context = song.context
    print(f"{song.title}: {context.key.name}, {context.tempo_bpm:g} bpm, {context.meter}, "
          f"{context.length_s:.0f} s, seed {context.seed}")
    blend = ", ".join(f"{g} {w:.0%}" for g, w in sorted(context.genre_blend.items(),
                                                          key=lambda i: -i[1]))
    print(f"genres: {blend}; lanes: {', '.join(song.lanes)}")
    for section in song.sections:
        chords = " ".join(context.key.chord_name(c) for c in section.chords)
        print(f"  {section.kind:<11} {section.bars:>2} bars  energy {section.energy:.2f}  "
              f"{chords}")
        if args.lyrics and section.id in song.lyrics:
            for text in song.lyrics[section.id].texts:
                print(f"      {text}")
    return 0


def cmd_lyrics(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        song = project.load()
        if not 1 <= args.section <= len(song.sections):
            raise ProjectError(f"the song has sections 1 to {len(song.sections)}, "
                               f"not {args.section}")
        section = song.sections[args.section - 1]
        try:
            if args.rewrite:
                changed, change = operations.regenerate_lyrics(song, section.id)
            else:
                text = read_lyrics(args.set)
                changed, change = operations.set_lyrics(song, section.id, text)
        except ValueError as error:  # not readable, no words there, a locked vocal, too long
            print(f"studio: {error}", file=sys.stderr)
            return 2
        info = project.commit(changed, change.message, change.kind)
    print(f"version {info.id}: {change.message}")
    shown = []
    for sid in sorted({sid for sid, _ in change.stale}, key=[s.id for s in song.sections].index):
        if changed.lyrics[sid].texts not in shown:  # every chorus sings the same words
            shown.append(changed.lyrics[sid].texts)
            print("\n".join(f"  {text}" for text in shown[-1]))
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        info = project.revert(args.version)
    print(f"version {info.id}: {info.message}")
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        song = project.load(args.version)
    try:
        PreferenceProfile().rate(song, args.rating)
    except ValueError as error:  # a rating out of range
        print(f"studio: {error}", file=sys.stderr)
        return 2
    print(f"rated {song.title}: {args.rating:g}")
    return 0


def prompt_text(text: str) -> str:
    """A prompt as typed, refused when it says nothing (an empty shell variable, say)."""
    if not text.strip():
        raise argparse.ArgumentTypeError('the prompt is empty: say what the song is, e.g. '
                                         '"dreamy lo-fi in D minor, 80 bpm"')
    return text


def check_project(path: Path) -> None:
    """Open a project file that exists and close it again, so that one that cannot be
    opened (damaged, another program's, read-only), or one to be made in a folder that is
    not there, stops a render before it starts."""
    if path.exists():
        with Project.open(path):
            pass
    else:
        Project.check_new(path)


def commit_render(path: Path, composition: engine.Composition, message: str,
                  recording: tuple | None = None) -> int:
    """Commit a rendered song to a project file (created when missing); its version id. The
    recording (name, audio, sample rate) its voice profile was made from is kept there too."""
    project = Project.open(path) if path.exists() else Project.create(path)
    with project:
        if recording is not None:
            recording_id = project.add_recording(*recording)
            profile = composition.lanes["vocal"].voice.profile
            composition, _ = operations.set_voice(
                composition, profile=replace(profile, recording_id=recording_id))
        return project.commit(composition, message, "generate").id
