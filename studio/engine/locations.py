"""Where the files the studio reads at run time are, from a checkout and from the bundle alike.

A checkout finds them beside the package (resources/, NOTICE), in installed packages (the
TimGM6mb SoundFont in pretty_midi, espeak-ng in espeakng_loader, the embedding model, the
alembic migrations) or on the system (Flite's libraries). The bundle (scripts/build.sh,
build.spec) keeps the same layout under its own folder, `sys._MEIPASS`: resources/ and NOTICE
at its top, each package's files in a folder of the package's dotted name, and the system
libraries it carries in system-libs/. So every reader asks here, and only here is it said
which of the two the program runs from. Qt finds its plugins itself, beside PySide6 in both.

Nothing here imports the packages it finds (`importlib.util.find_spec` reads where they are),
so asking for a path never loads torch or Qt.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SYSTEM_LIBS = "system-libs"  # the bundle's folder of the system libraries it carries


def bundle_root() -> Path | None:
    """The bundle's folder of code and data when the program runs frozen, else None."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


def top_folder() -> Path:
    """The folder that holds resources/ and NOTICE: the checkout's root or the bundle's."""
    return bundle_root() or Path(__file__).resolve().parents[2]


def resource_dir() -> Path:
    """The data tables, resources/."""
    return top_folder() / "resources"


def notice_file() -> Path:
    """The NOTICE file: the studio's licence and those of the data it uses."""
    return top_folder() / "NOTICE"


def package_dir(package: str) -> Path:
    """The folder of an installed package (dotted name), found without importing it;
    FileNotFoundError when it is not there."""
    root = bundle_root()
    if root is not None:
        folder = root.joinpath(*package.split("."))
    else:
        spec = importlib.util.find_spec(package)
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            raise FileNotFoundError(f"the package {package} is not installed")
        folder = Path(next(iter(locations)))
    if not folder.is_dir():
        raise FileNotFoundError(f"the package {package} has no folder at {folder}")
    return folder


def package_file(package: str, name: str) -> Path:
    """A file or folder shipped inside a package (it may not exist: callers check)."""
    return package_dir(package) / name


def system_library(soname: str) -> str:
    """What to load a system library by: the bundle's own copy when it carries one, else its
    soname, which the dynamic linker looks up on the system."""
    root = bundle_root()
    if root is not None and (root / SYSTEM_LIBS / soname).is_file():
        return str(root / SYSTEM_LIBS / soname)
    return soname
