"""The studio's name and version, and the licences of what it carries (the NOTICE file), as
`studio --version` prints them and the window's About box shows them."""

from __future__ import annotations

import studio
from studio.engine import locations

NAME = "Ensemble Studio"


def version_line() -> str:
    return f"{NAME} {studio.__version__}"


def notice_text() -> str:
    """The NOTICE file: the studio's licence and those of the data and libraries it uses."""
    try:
        return locations.notice_file().read_text(encoding="utf-8")
    except OSError as error:
        return f"The NOTICE file cannot be read ({error.strerror}: {locations.notice_file()})."


def about_text() -> str:
    """The version, then the NOTICE file."""
    return f"{version_line()}\n\n{notice_text()}"
