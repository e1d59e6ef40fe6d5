"""Data tables shipped in resources/: genres, moods, grooves, progressions."""

from __future__ import annotations

import sys
import tomllib
from functools import cache
from pathlib import Path


def resource_dir() -> Path:
    """The resources folder: beside the package in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@cache
def table(name: str) -> dict:
    """One TOML table from resources/, parsed once per process. Treat it as read-only."""
    with open(resource_dir() / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def genres() -> dict[str, dict]:
    return table("genres")


def genre(name: str) -> dict:
    return genres()[name]
