"""The editing commands of `studio`: refine a project's song in words, and list the style
library a song can be made in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.engine import resources
from studio.engine.composing.meaning import display_name
from studio.engine.edit.instructions import refine
from studio.engine.edit.refine_report import report_refine
from studio.project import Project


def add_edit_commands(commands) -> None:
    command = commands.add_parser("refine", help="change the current version in words and "
                                                 "commit the result as a new version")
    command.add_argument("project", type=Path)
    command.add_argument("text", help='what to change, e.g. "more energy in the chorus, '
                                      'darker bridge"')
    command.set_defaults(func=cmd_refine)
    styles = commands.add_parser("styles", help="list the style library, by family")
    styles.add_argument("family", nargs="?", help="only this family's styles")
    styles.set_defaults(func=cmd_styles)


def cmd_refine(args: argparse.Namespace) -> int:
    """A new version when the words change something; none (and still success: nothing went
    wrong) when they do not. Either way it says which words were used and which not."""
    with Project.open(args.project) as project:
        song = project.load()
        result = refine(song, args.text)
        report = report_refine(song, result)
        change = result.change
        if change is not None:
            info = project.commit(result.composition, change.message, change.kind)
            print(f"version {info.id}: {change.message}")
    print(report.text)
    return 0


def cmd_styles(args: argparse.Namespace) -> int:
    """Each family with its styles: name (as a prompt may say it), tempo range, and the
    description the meaning model reads."""
    library = resources.genres()
    families = list(resources.families())
    if args.family is not None and args.family not in families:
        print(f"studio: there is no family '{args.family}'; the families are "
              f"{', '.join(families)}", file=sys.stderr)
        return 2
    for family in [args.family] if args.family else families:
        names = sorted(name for name, row in library.items() if row["family"] == family)
        print(f"{family} ({len(names)} styles)")
        for name in names:
            row = library[name]
            low, high = row["tempo_bpm"]
            print(f"  {display_name(name):<24} {low:>3}-{high:<3} bpm  {row['description']}")
    return 0
