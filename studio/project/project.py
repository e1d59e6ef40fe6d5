"""A project file: one SQLite file holding a composition and every version of it.

Versions form a tree: each has a parent, a time, a kind and a message, and names a manifest
of content-addressed components. Committing is one transaction (WAL, fsync on commit):
either the whole version is there or the file is as it was. Reverting commits a new version
equal to an old one, so history is never rewritten. Unsaved edits go to a journal that the
next open offers to recover.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from studio.engine.model import Composition
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.engine.song_check import ImpossibleSong, check_recording, check_song
from studio.project import opening
from studio.project.content import (
    Encoder,
    TooLarge,
    component,
    composition_from,
    decode,
    manifest_hashes,
)
from studio.project.errors import DiskFull, ImpossibleContents, ProjectDamaged, ProjectError
from studio.project.schema import SCHEMA_VERSION, Blob, Journal, Meta, Recording, Version


@dataclass(frozen=True)
class VersionInfo:
    id: int
    parent_id: int | None
    created_at: float
    kind: str
    message: str
    name: str | None
    starred: bool


@dataclass(frozen=True)
class VersionDiff:
    """What differs between two versions, by section id, lane name and setting name."""

    sections_added: tuple[int, ...]
    sections_removed: tuple[int, ...]
    sections_changed: tuple[int, ...]
    parts_changed: tuple[tuple[int, str], ...]
    lanes_changed: tuple[str, ...]
    settings_changed: tuple[str, ...]
    lyrics_changed: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__dataclass_fields__)


class Project:
    """An open project file. Use Project.create or Project.open; close it when done."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._lock = descriptor
        self._engine = create_engine(f"sqlite:///{path}")
        event.listen(self._engine, "connect", _pragmas)
        self._encoder = Encoder()

    @staticmethod
    def check_new(path: str | Path) -> None:
        """ProjectError when no project can be created at `path`: a file is there already,
        or its folder is not a folder."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"'{path.name}' already exists; open it instead.")
        if not path.parent.is_dir():
            raise ProjectError(f"Cannot create '{path}': {path.parent} is not a folder. "
                               "Choose a project file in a folder that exists.")

    @classmethod
    def create(cls, path: str | Path) -> Project:
        path = Path(path)
        cls.check_new(path)
        try:
            path.touch()
        except OSError as error:
            raise ProjectError(f"Cannot create '{path}': {error.strerror}.") from None
        project = cls(path, opening.lock(path))
        try:
            project._migrate()
            project._set_meta("created_at", str(time.time()))
        except BaseException as error:
            # a file that could not be made whole (a full disk) is not left half made
            project.close()
            opening.remove_new_sidecars(path, set())
            path.unlink(missing_ok=True)
            if isinstance(error, DBAPIError):
                raise _translated(error, path, creating=True) from None
            raise
        return project

    @classmethod
    def open(cls, path: str | Path) -> Project:
        path = Path(path)
        if not path.is_file():
            raise ProjectError(f"There is no project at '{path}'.")
        # The lock comes first: a file another process is writing must not be judged by its
        # bytes of the moment. flock writes nothing, so a refused file stays untouched.
        descriptor = opening.lock(path)
        try:
            version = opening.check_file(path)
            opening.check_writable(path)
        except BaseException:
            opening.unlock(descriptor)
            raise
        beside = opening.sidecars(path)
        project = cls(path, descriptor)
        try:
            if version < SCHEMA_VERSION:
                opening.backup_before_migration(path, version)
                project._migrate()
            project.head  # noqa: B018 - reads the current version: a damaged row shows here
        except DBAPIError as error:
            project.close()
            opening.remove_new_sidecars(path, beside)
            if opening.disk_full(path):  # SQLite says "disk I/O error" when it has no room
                raise DiskFull(f"The disk is full: '{path.name}' cannot be opened, as it "
                               "needs room beside it for its log. Free some space and open "
                               "it again.") from None
            raise ProjectDamaged(f"'{path.name}' is damaged ({error.orig}). Open an earlier "
                                 "copy.") from None
        except BaseException:
            project.close()
            opening.remove_new_sidecars(path, beside)
            raise
        return project

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._lock is not None:
            self._engine.dispose()
            opening.unlock(self._lock)
            self._lock = None

    # -- versions ----------------------------------------------------------------------------

    def commit(self, composition: Composition, message: str, kind: str = "edit",
               parent_id: int | None = None) -> VersionInfo:
        """A new version of the composition on top of the current one (or `parent_id`)."""
        manifest, components = self._encoder.components(composition)
        head = self.head
        with self._session() as session:
            _store(session, components + [component("manifest", manifest)])
            row = Version(parent_id=parent_id if parent_id is not None else head and head.id,
                          created_at=time.time(), kind=kind, message=message,
                          manifest=component("manifest", manifest).hash, starred=False)
            session.add(row)
            session.flush()
            session.merge(Meta(key="head", value=str(row.id)))
            session.execute(delete(Journal))
            info = _info(row)
        return info

    @property
    def head(self) -> VersionInfo | None:
        with Session(self._engine) as session:
            meta = session.get(Meta, "head")
            row = session.get(Version, int(meta.value)) if meta else None
            return _info(row) if row else None

    def log(self) -> list[VersionInfo]:
        with Session(self._engine) as session:
            return [_info(r) for r in session.scalars(select(Version).order_by(Version.id))]

    def load(self, version_id: int | None = None) -> Composition:
        """The composition of a version (the current one by default), without moving head.
        A version holding what the studio cannot make (song_check) is ImpossibleContents."""
        with Session(self._engine) as session:
            version_id = version_id if version_id is not None else self._head_id(session)
            manifest = self._manifest(session, version_id)
            try:
                hashes = manifest_hashes(manifest)
            except (KeyError, TypeError, AttributeError) as error:
                raise ProjectDamaged(f"Version {version_id} of '{self.path.name}' is damaged "
                                     f"(its manifest lacks {error}).") from None
            rows = session.execute(select(Blob.hash, Blob.data).where(Blob.hash.in_(hashes)))
            blobs = dict(rows.all())
        what = f"Version {version_id} of '{self.path.name}'"
        try:
            song = composition_from(manifest, blobs)
        except TooLarge as error:
            raise self._refused(what, error) from None
        except (KeyError, ValueError, TypeError, AttributeError, zlib.error) as error:
            raise ProjectDamaged(f"Version {version_id} of '{self.path.name}' is damaged "
                                 f"({error}).") from None
        return self._checked(song, what)

    def checkout(self, version_id: int) -> Composition:
        """Make a version current (the next commit branches from it) and return it."""
        composition = self.load(version_id)
        with self._session() as session:
            session.merge(Meta(key="head", value=str(version_id)))
        return composition

    def revert(self, version_id: int, message: str | None = None) -> VersionInfo:
        """A new version equal to an old one, on top of the current version."""
        with Session(self._engine) as session:
            target = self._manifest_hash(session, version_id)
            head = self._head_id(session)
        with self._session() as session:
            row = Version(parent_id=head, created_at=time.time(), kind="revert",
                          message=message or f"Revert to version {version_id}",
                          manifest=target, starred=False)
            session.add(row)
            session.flush()
            session.merge(Meta(key="head", value=str(row.id)))
            session.execute(delete(Journal))
            return _info(row)

    def name_version(self, version_id: int, name: str | None) -> None:
        with self._session() as session:
            self._require(session, version_id)
            session.execute(update(Version).where(Version.id == version_id).values(name=name))

    def star(self, version_id: int, starred: bool = True) -> None:
        with self._session() as session:
            self._require(session, version_id)
            session.execute(update(Version).where(Version.id == version_id)
                            .values(starred=starred))

    def diff(self, a: int, b: int) -> VersionDiff:
        with Session(self._engine) as session:
            first, second = self._manifest(session, a), self._manifest(session, b)
            contexts = [decode(session.get(Blob, m["context"]).data) for m in (first, second)]
        return _diff(first, second, contexts)

    # -- unsaved edits and recordings ----------------------------------------------------------

    def journal_edit(self, composition: Composition) -> None:
        """Keep the unsaved state so a crash loses nothing (replaces the previous one)."""
        data = json.dumps(composition_to_dict(composition)).encode()
        with self._session() as session:
            session.merge(Journal(id=1, saved_at=time.time(), base_version=self.head and
                                  self.head.id, data=data))

    def recovery(self) -> Composition | None:
        """Unsaved edits left by a crash, if any (ProjectError when they are damaged or
        beyond what the studio makes)."""
        with Session(self._engine) as session:
            row = session.get(Journal, 1)
            data = row.data if row else None
        if data is None:
            return None
        what = f"The unsaved edits in '{self.path.name}'"
        try:
            song = composition_from_dict(json.loads(data))
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise ProjectDamaged(f"{what} are damaged ({error}); they cannot be "
                                 "restored.") from None
        return self._checked(song, what)

    def discard_recovery(self) -> None:
        with self._session() as session:
            session.execute(delete(Journal))

    def add_recording(self, name: str, audio: np.ndarray, sample_rate: int) -> int:
        """Keep a recording (ImpossibleContents for one the studio does not keep)."""
        audio = np.atleast_2d(np.asarray(audio, dtype=np.float32))
        self._check_recording(0, name, sample_rate, audio.shape[0], audio.nbytes)
        with self._session() as session:
            row = Recording(name=name, created_at=time.time(), sample_rate=sample_rate,
                            channels=audio.shape[0], audio=audio.tobytes())
            session.add(row)
            session.flush()
            return row.id

    def recordings(self) -> list[tuple[int, str, int, np.ndarray]]:
        """The recordings kept, each checked as a version is (ImpossibleContents)."""
        with Session(self._engine) as session:
            sizes = session.execute(select(Recording.id, Recording.name, Recording.sample_rate,
                                           Recording.channels, func.length(Recording.audio)))
            for row in sizes.all():
                self._check_recording(*row)
            return [(r.id, r.name, r.sample_rate,
                     np.frombuffer(r.audio, np.float32).reshape(r.channels, -1))
                    for r in session.scalars(select(Recording).order_by(Recording.id))]

    def delete_recording(self, recording_id: int) -> None:
        with self._session() as session:
            session.execute(delete(Recording).where(Recording.id == recording_id))

    # -- internals ---------------------------------------------------------------------------

    def _checked(self, song: Composition, what: str) -> Composition:
        try:
            check_song(song)
        except ImpossibleSong as error:
            raise self._refused(what, error) from None
        return song

    @staticmethod
    def _refused(what: str, error: Exception) -> ImpossibleContents:
        return ImpossibleContents(
            f"{what} cannot be opened: {error}. Nothing was played or rendered from it; "
            "open another version, or ask for a good copy of the file.")

    def _check_recording(self, recording_id: int, name: str, sample_rate: int, channels: int,
                         size: int) -> None:
        what = f"Recording {recording_id} ('{name}') in '{self.path.name}'"
        if not isinstance(channels, int) or channels < 1 or size % (4 * channels):
            raise ProjectDamaged(f"{what} is damaged ({size} bytes of {channels!r} "
                                 "channels).")
        try:
            check_recording(size / 4 / channels / max(1, sample_rate), sample_rate, channels)
        except (ImpossibleSong, TypeError) as error:
            raise ImpossibleContents(f"{what} cannot be used: {error}. Delete it, or ask "
                                     "for a good copy of the file.") from None

    def _session(self) -> _Transaction:
        return _Transaction(self._engine, self.path)

    def _migrate(self) -> None:
        """Bring the schema up to date, then write it into the main file: the header that
        identifies the file must not live only in the write-ahead log."""
        with self._engine.begin() as connection:
            opening.migrate(connection)
        with self._engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _set_meta(self, key: str, value: str) -> None:
        with self._session() as session:
            session.merge(Meta(key=key, value=value))

    def _head_id(self, session: Session) -> int:
        meta = session.get(Meta, "head")
        if meta is None:
            raise ProjectError(f"'{self.path.name}' has no versions yet.")
        return int(meta.value)

    def _require(self, session: Session, version_id: int) -> Version:
        row = session.get(Version, version_id)
        if row is None:
            raise ProjectError(f"'{self.path.name}' has no version {version_id}.")
        return row

    def _manifest_hash(self, session: Session, version_id: int) -> str:
        return self._require(session, version_id).manifest

    def _manifest(self, session: Session, version_id: int) -> dict:
        blob = session.get(Blob, self._manifest_hash(session, version_id))
        try:
            return decode(blob.data)
        except (AttributeError, ValueError, zlib.error) as error:
            raise ProjectDamaged(f"Version {version_id} of '{self.path.name}' is damaged "
                                 f"({error}).") from None


class _Transaction:
    """One write transaction; a full disk or a failure leaves the file as it was."""

    def __init__(self, engine, path: Path) -> None:
        self.session = Session(engine)
        self.path = path

    def __enter__(self) -> Session:
        self.session.begin()
        return self.session

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if kind is None:
                self.session.commit()
            else:
                self.session.rollback()
        except (OperationalError, DBAPIError) as failure:
            self.session.rollback()
            raise _translated(failure, self.path) from None
        finally:
            self.session.close()
        if isinstance(error, (OperationalError, DBAPIError)):
            raise _translated(error, self.path) from None
        return False


def _translated(error: Exception, path: Path, *, creating: bool = False) -> ProjectError:
    text = str(getattr(error, "orig", error))
    if "full" in text and creating:
        return DiskFull(f"The disk is full: '{path.name}' could not be created and no file "
                        "was left. Free some space and try again.")
    if "full" in text:
        return DiskFull(f"The disk is full: '{path.name}' was not saved and is as it was "
                        "before. Free some space and save again.")
    if creating:
        return ProjectError(f"Creating '{path.name}' failed ({text}); no file was left.")
    return ProjectError(f"Saving '{path.name}' failed ({text}); the file is as it was.")


def _pragmas(connection: sqlite3.Connection, _record) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # fsync at every commit, in WAL mode too
        cursor.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error:
        # a connection that cannot be set up (no room for its log on a full disk) is closed
        # now: the error's traceback would keep the file open until it is collected
        cursor.close()
        connection.close()
        raise
    cursor.close()


def _store(session: Session, components) -> None:
    """Insert the components not already in the file."""
    hashes = {c.hash for c in components}
    known = set(session.scalars(select(Blob.hash).where(Blob.hash.in_(hashes))))
    for made in {c.hash: c for c in components}.values():
        if made.hash not in known:
            session.add(Blob(hash=made.hash, kind=made.kind, data=made.data))


def _info(row: Version) -> VersionInfo:
    return VersionInfo(row.id, row.parent_id, row.created_at, row.kind, row.message, row.name,
                       bool(row.starred))


def _diff(first: dict, second: dict, contexts: list[dict]) -> VersionDiff:
    a_sections, b_sections = dict(first["sections"]), dict(second["sections"])
    a_lanes, b_lanes = dict(first["lanes"]), dict(second["lanes"])
    parts = sorted(set(first["parts"]) | set(second["parts"]))
    changed_parts = tuple((int(k.split("|")[0]), k.split("|", 1)[1]) for k in parts
                          if first["parts"].get(k) != second["parts"].get(k))
    settings = [k for k in sorted(set(contexts[0]) | set(contexts[1]))
                if contexts[0].get(k) != contexts[1].get(k)]
    settings += [k for k in ("title", "master") if first[k] != second[k]]
    shared = set(a_sections) & set(b_sections)
    touched = {s for s in shared if a_sections[s] != b_sections[s]}
    touched |= {sid for sid, _ in changed_parts if sid in shared}
    a_words, b_words = first.get("lyrics", {}), second.get("lyrics", {})
    words = sorted(int(s) for s in set(a_words) | set(b_words)
                   if a_words.get(s) != b_words.get(s))
    touched |= {sid for sid in words if sid in shared}
    lanes = sorted(n for n in set(a_lanes) | set(b_lanes) if a_lanes.get(n) != b_lanes.get(n))
    return VersionDiff(
        tuple(sorted(set(b_sections) - set(a_sections))),
        tuple(sorted(set(a_sections) - set(b_sections))),
        tuple(sorted(touched)), changed_parts, tuple(lanes), tuple(settings), tuple(words),
    )
