"""Opening a project file safely: recognise it, lock it, bring its schema up to date.

Everything that could reject a file is checked read-only first (header, application id,
schema version, a quick integrity check), so a file that is not ours, damaged or too new is
refused with its bytes untouched and nothing left beside it. Only then is it locked against
a second process and opened for writing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from pathlib import Path

from studio.engine import locations
from studio.project.errors import (
    NewerProject,
    NotAProject,
    ProjectDamaged,
    ProjectLocked,
    ProjectReadOnly,
)
from studio.project.schema import APPLICATION_ID, SCHEMA_VERSION

HEADER = b"SQLite format 3\x00"
MIGRATIONS = locations.package_file("studio.project", "migrations")
_ROOM_BYTES = 1 << 20  # less free space than this after a failed open: the disk is full


def check_file(path: Path) -> int:
    """The schema version of a project file, after checking it read-only."""
    name = path.name
    if not path.is_file():
        raise NotAProject(f"There is no project at '{path}'.")
    size = path.stat().st_size
    with open(path, "rb") as handle:
        header = handle.read(100)
    if size == 0 or not header.startswith(HEADER):
        raise NotAProject(f"'{name}' is not an Ensemble project (it is not a database file).")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if size < 512 or page_size < 512 or size % page_size:
        raise ProjectDamaged(f"'{name}' is damaged: the file is cut short. "
                             "Open an earlier copy or its backup.")
    try:
        # immutable: no lock files, no -shm or -wal created beside a file we may refuse
        probe = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ProjectDamaged(f"'{name}' cannot be read ({error}).") from None
    try:
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        if application_id != APPLICATION_ID:
            raise NotAProject(f"'{name}' is a database of another program, not an "
                              "Ensemble project.")
        if version > SCHEMA_VERSION:
            raise NewerProject(f"'{name}' was saved by a newer Ensemble Studio (project "
                               f"format {version}); this one reads up to {SCHEMA_VERSION}. "
                               "Update Ensemble Studio to open it.")
        problems = [row[0] for row in probe.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        raise ProjectDamaged(f"'{name}' is damaged ({error}). Open an earlier copy.") from None
    finally:
        probe.close()
    if problems != ["ok"]:
        raise ProjectDamaged(f"'{name}' is damaged ({problems[0]}). Open an earlier copy.")
    return version


def check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectReadOnly(f"'{path.name}' is in a place that cannot be written "
                              f"({path.parent}). Copy it somewhere you can save to.")


def lock(path: Path) -> int:
    """An exclusive lock on the file itself for as long as the project is open."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise ProjectLocked(f"'{path.name}' is open in another Ensemble window. Close it "
                            "there first.") from None
    return descriptor


def unlock(descriptor: int) -> None:
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    os.close(descriptor)


def migrate(connection, revision: str = "head") -> None:
    """Bring the schema to `revision` with alembic, on an open SQLAlchemy connection."""
    from alembic import command  # only a new or older file needs it; opening stays quick
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def backup_before_migration(path: Path, version: int) -> Path:
    """A copy of an older project beside it, made before it is migrated."""
    target = path.with_name(f"{path.name}.bak-v{version}")
    shutil.copy2(path, target)
    return target


def disk_full(path: Path) -> bool:
    """Whether the disk a project is on has (nearly) no room left: less than its log and
    shared-memory files need to grow."""
    try:
        return shutil.disk_usage(path.parent).free < _ROOM_BYTES
    except OSError:
        return False


def sidecars(path: Path) -> set[Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a database."""
    return {p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()}


def remove_new_sidecars(path: Path, existed: set[Path]) -> None:
    """Remove the sidecar files an open that failed created, leaving older ones alone."""
    for sidecar in sidecars(path) - existed:
        sidecar.unlink(missing_ok=True)
