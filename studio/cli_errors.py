"""What the `studio` command says when something goes wrong.

A failure a person can cause or meet (a bad prompt value, a lyrics file that cannot be read,
a damaged project, a full disk, a folder that cannot be written) is one line naming the thing
and what to do. Anything else is a fault of the studio: its full traceback goes to a log file
in the user log folder, and one line says what failed and where the log is. Either way the
command ends with exit code 2 and no traceback on the terminal.
"""

from __future__ import annotations

import errno
import os
import sys
import time
import traceback
from pathlib import Path

import platformdirs

from studio.engine.composing.meaning import MeaningError
from studio.engine.composing.prompt import PromptError
from studio.engine.export.staging import ExportError
from studio.engine.lyrics.stage import LyricsFitError
from studio.engine.lyrics.text_file import LyricsFileError
from studio.project import ProjectError

FAILED = 2  # the exit code of every failure

# Errors whose message already names the thing and what to do
HANDLED = (PromptError, ProjectError, LyricsFitError, LyricsFileError, MeaningError,
           ExportError)

# What an operating-system error on a named file means, and what to do about it
_OS_ERRORS = {
    errno.ENOENT: ("there is no such file or folder", "check the name"),
    errno.EACCES: ("permission denied", "choose a place you may read and write"),
    errno.EPERM: ("permission denied", "choose a place you may read and write"),
    errno.EROFS: ("the disk is read-only", "choose another place"),
    errno.ENOSPC: ("the disk is full", "free some space and try again"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "name a file"),
    errno.EEXIST: ("it already exists", "choose another name"),
}


def report_failure(error: Exception, argv: list[str]) -> int:
    """Tell the person what went wrong (see the module's docstring); the exit code."""
    if isinstance(error, HANDLED):
        _say(str(error))
    elif isinstance(error, OSError) and error.filename is not None:
        reason, advice = _OS_ERRORS.get(error.errno, (error.strerror, "check the path"))
        _say(f"{error.filename}: {reason}; {advice}")
    else:
        _log_unexpected(error, argv)
    return FAILED


def log_folder() -> Path:
    return Path(platformdirs.user_log_dir("ensemble-studio"))


def _log_unexpected(error: Exception, argv: list[str]) -> None:
    """The traceback to a log file of its own, and one line naming it."""
    command = " ".join(["studio", *argv])
    summary = (str(error).splitlines() or [""])[0][:200]
    what = f"'{command}' failed unexpectedly ({type(error).__name__}: {summary})"
    report = (f"{command}\n{time.strftime('%Y-%m-%d %H:%M:%S %z')}\n\n"
              + "".join(traceback.format_exception(error)))
    path = log_folder() / f"studio-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report, encoding="utf-8")
    except OSError as failure:
        # the details must not be lost: with no log to hold them, the terminal does
        sys.stderr.write(report)
        _say(f"{what}; the log could not be written to {path.parent} ({failure.strerror})")
        return
    _say(f"{what}; please report it with the log {path}")


def _say(line: str) -> None:
    print(f"studio: {line}", file=sys.stderr)
