"""The General MIDI SoundFont file the instruments play, and the presets it holds.

FluidR3_GM (Frank Wen's Fluid R3, MIT; Debian's fluid-soundfont-gm, which scripts/setup.sh
installs) plays where the system has it: fuller and truer than TimGM6mb, the small font that
ships inside pretty_midi and plays everywhere else. Its presets are read from the file's
preset headers alone, without loading its samples, so asking whether it has a drum kit is
cheap even for a 140 MB font.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

from studio.engine import locations

FLUID_R3 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
DRUM_BANK = 128
_PRESET_HEADER = struct.Struct("<20sHHHIII")  # sfPresetHeader of the SoundFont 2.01 spec


@cache
def soundfont_path() -> Path:
    """FluidR3_GM when the system has it, else the TimGM6mb that comes with pretty_midi."""
    return FLUID_R3 if FLUID_R3.is_file() else timgm6mb_path()


def soundfont_identity(path: Path) -> tuple[str, int, int]:
    """What tells one SoundFont file from another without reading it all: its path, size and
    modification time (a font installed or replaced since changes one of them)."""
    info = path.stat()
    return str(path.resolve()), info.st_size, info.st_mtime_ns


def timgm6mb_path() -> Path:
    """The General MIDI SoundFont that ships with pretty_midi (found without importing it)."""
    return locations.package_file("pretty_midi", "TimGM6mb.sf2")


def installed_soundfonts() -> list[Path]:
    """Every SoundFont the studio can play on this machine, the one it plays first."""
    found = [FLUID_R3] if FLUID_R3.is_file() else []
    fallback = timgm6mb_path()
    return found + ([fallback] if fallback.is_file() else [])


@cache
def presets(path: Path) -> dict[tuple[int, int], str]:
    """(bank, preset) -> name of every preset of a SoundFont 2 file (drum kits in bank 128)."""
    with open(path, "rb") as handle:
        riff, size, form = struct.unpack("<4sI4s", handle.read(12))
        if riff != b"RIFF" or form != b"sfbk":
            raise ValueError(f"{path} is not a SoundFont 2 file")
        while handle.tell() < 8 + size:
            chunk, length = struct.unpack("<4sI", handle.read(8))
            if chunk == b"LIST" and handle.read(4) == b"pdta":
                return _preset_headers(handle, handle.tell() + length - 4)
            if chunk == b"LIST":
                length -= 4  # the list's kind is read already
            handle.seek(length + (length & 1), 1)  # the sample data is skipped, never read
    raise ValueError(f"{path} has no preset headers")


def _preset_headers(handle, end: int) -> dict[tuple[int, int], str]:
    while handle.tell() < end:
        chunk, length = struct.unpack("<4sI", handle.read(8))
        if chunk != b"phdr":
            handle.seek(length + (length & 1), 1)
            continue
        data = handle.read(length)
        found = {}
        # the last header only marks the end of the list ("EOP")
        for offset in range(0, length - _PRESET_HEADER.size, _PRESET_HEADER.size):
            name, preset, bank, *_ = _PRESET_HEADER.unpack_from(data, offset)
            found[(bank, preset)] = name.split(b"\0", 1)[0].decode("latin-1").strip()
        return found
    raise ValueError("no phdr chunk in the SoundFont's preset data")


def kit_played(kit: int, path: Path | None = None) -> int:
    """The kit a SoundFont plays for a chosen one: that kit, or the standard kit 0 when the
    file has no such preset."""
    return kit if (DRUM_BANK, kit) in presets(path or soundfont_path()) else 0


def program_played(program: int, path: Path | None = None) -> int:
    """The program a SoundFont plays for a chosen one: that one, or 0 when it lacks it."""
    return program if (0, program) in presets(path or soundfont_path()) else 0
