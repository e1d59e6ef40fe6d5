"""An export's files written whole or not at all.

Each file is written under a temporary name beside its final one (`.master.partial.wav`
for `master.wav`) and every one is renamed to its final name only when all of them are
complete. An export that fails or is cancelled removes its temporary files, so a file
already under a final name (an earlier export's) is never replaced by a partial one.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import soundfile

# What writing a file can raise when the disk, the folder or the path is at fault
WRITE_ERRORS = (OSError, soundfile.SoundFileError)
_FULL_BYTES = 1 << 20  # less free space than this after a failed write: the disk is full


class ExportError(Exception):
    """An export could not be written. The message names the folder, the reason, what to
    do and the files that were not written; no earlier file was replaced by a partial one."""


class StagedFiles:
    """The files of one export: each `stage`d under a temporary name, all renamed by
    `commit`, or all removed by `discard`."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._temporary: dict[Path, Path] = {}  # final path: temporary path
        self._made: list[Path] = []  # folders made for the export, removed again if empty
        self.committed = False

    def folder(self, path: Path, *, keep: bool = True) -> None:
        """Make a folder (and its parents) for the export; ExportError when it cannot be.
        A folder made with `keep` False is removed again by `discard` if it is empty."""
        made = not path.is_dir()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except WRITE_ERRORS as error:
            raise self.failure(error) from None
        if made and not keep:
            self._made.append(path)

    def check(self, final: Path) -> None:
        """ExportError when the final name is taken by a folder, which no file replaces."""
        if final.is_dir():
            name = final.relative_to(self.out_dir).as_posix()
            raise ExportError(f"Cannot export to {self.out_dir}: {name} there is a folder, "
                              "which a file cannot replace. Move it away or export to another "
                              "folder; nothing was written.")

    def stage(self, final: Path) -> Path:
        """The temporary name to write `final` under."""
        self.check(final)
        temporary = final.with_name(f".{final.stem}.partial{final.suffix}")
        self._temporary[final] = temporary
        return temporary

    def commit(self) -> None:
        """Give every file its final name, in the order they were staged."""
        for final in self._temporary:
            self.check(final)
        for final, temporary in list(self._temporary.items()):
            try:
                os.replace(temporary, final)
            except OSError as error:
                raise self.failure(error) from None
            del self._temporary[final]
        self.committed = True

    def discard(self) -> None:
        """Remove the temporary files and the folders made for them that are left empty."""
        for temporary in self._temporary.values():
            temporary.unlink(missing_ok=True)
        self._temporary.clear()
        for folder in reversed(self._made):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def failure(self, error: BaseException) -> ExportError:
        """An ExportError for a write that failed: why, what to do, what was not written."""
        reason, advice = self._reason(error)
        return ExportError(f"Cannot export to {self.out_dir}: {reason}. {advice}; "
                           f"{self._not_written()}.")

    def _not_written(self) -> str:
        names = [final.relative_to(self.out_dir).as_posix() for final in self._temporary]
        return f"not written: {', '.join(names)}" if names else "nothing was written"

    def _reason(self, error: BaseException) -> tuple[str, str]:
        code = getattr(error, "errno", None)
        if code == errno.ENOSPC or (code is None and self._disk_full()):
            return "the disk is full", "Free some space and export again"
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "the folder cannot be written to", "Choose a folder you can write to"
        if code == errno.EEXIST:
            return f"{error.filename} is a file, not a folder", "Choose another folder"
        if code == errno.ENOTDIR:
            return (f"a part of the path {error.filename} is a file, not a folder",
                    "Choose another folder")
        if isinstance(error, OSError) and error.strerror:
            return error.strerror[0].lower() + error.strerror[1:], "Check the folder"
        return str(error) or type(error).__name__, "Check the folder and the disk"

    def _disk_full(self) -> bool:
        """Whether the export's disk is (nearly) full: libsndfile says only "system error"."""
        try:
            return shutil.disk_usage(self.out_dir).free < _FULL_BYTES
        except OSError:
            return False
