"""Data tables shipped in resources/: styles, moods, grooves, progressions."""

from __future__ import annotations

import tomllib
from functools import cache

from studio.engine.locations import resource_dir


@cache
def table(name: str) -> dict:
    """One TOML table from resources/, parsed once per process. Treat it as read-only."""
    with open(resource_dir() / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


@cache
def genres() -> dict[str, dict]:
    """The style library (resources/styles.toml): each style's own fields over the defaults
    of its family. Every style is a genre a song can be made in or blended from."""
    data = table("styles")
    families = data["family"]
    merged = {}
    for name, row in data["style"].items():
        family = row.get("family")
        if family not in families:
            raise ValueError(f"style '{name}' names an unknown family '{family}'")
        merged[name] = {**families[family], **row}
    return merged


def families() -> dict[str, dict]:
    """The style families and their defaults."""
    return table("styles")["family"]


def genre(name: str) -> dict:
    return genres()[name]
