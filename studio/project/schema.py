"""The tables of a project file (the current schema; migrations/ builds older ones)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

APPLICATION_ID = 0x456E5331  # "EnS1": marks a SQLite file as an Ensemble project
SCHEMA_VERSION = 2  # PRAGMA user_version; one per alembic revision
SUFFIX = ".ensemble"


class Base(DeclarativeBase):
    pass


class Blob(Base):
    """A component (context, section, lane, part, ...) stored once under its content hash."""

    __tablename__ = "blobs"
    hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Version(Base):
    """An immutable snapshot: a manifest of component hashes, its parent and why it exists."""

    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    manifest: Mapped[str] = mapped_column(ForeignKey("blobs.hash"))
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)


class Meta(Base):
    """Project-wide facts: which version is current, when the file was made."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Recording(Base):
    """Audio a person brought (a voice sample): kept in the file, never only in a cache."""

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    audio: Mapped[bytes] = mapped_column(LargeBinary)


class Journal(Base):
    """The latest unsaved state, so a crash loses nothing: cleared by every commit."""

    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_at: Mapped[float] = mapped_column(Float)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
