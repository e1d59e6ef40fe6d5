"""A person's lyrics read from a text file: UTF-8 (with or without a byte-order mark), or
UTF-16 or UTF-32 with one. Anything else is refused with the file and the line at fault."""

from __future__ import annotations

import codecs
from pathlib import Path

# Byte-order marks and the encodings they announce; UTF-32's first, since UTF-32-LE's mark
# begins with UTF-16-LE's
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAVE_AS = "save it as UTF-8 and try again"


class LyricsFileError(ValueError):
    """A lyrics file cannot be read; the message names the file (and the line) and what to
    do."""


def read_lyrics(path: str | Path) -> str:
    """The text of a lyrics file; LyricsFileError when it is missing, a folder, unreadable
    or not in an encoding above."""
    path = Path(path)
    if path.is_dir():
        raise LyricsFileError(f"the lyrics file {path} is a folder; name a text file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LyricsFileError(f"cannot read the lyrics file {path}: {error.strerror}; "
                              "check the name and that you may read it") from None
    encoding = next((name for mark, name in _MARKS if data.startswith(mark)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, errors="replace").count("\n") + 1
        byte = data[error.start]
        raise LyricsFileError(f"the lyrics file {path} is not {_named(encoding)} text: line "
                              f"{line} has the byte 0x{byte:02x}; {_SAVE_AS}") from None
    if "\x00" in text:  # UTF-16 with no mark reads as UTF-8 with a NUL in every other byte
        line = text[:text.index("\x00")].count("\n") + 1
        raise LyricsFileError(f"the lyrics file {path} has a NUL byte on line {line} (UTF-16 "
                              f"without a byte-order mark?); {_SAVE_AS}")
    return text


def _named(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding.upper())
