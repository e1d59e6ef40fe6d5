"""Music theory facts: note names, modes, chord qualities and roman numerals."""

from __future__ import annotations

import re

NOTE_PCS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
}
MINOR_LIKE = {"minor", "dorian", "phrygian"}

CHORD_INTERVALS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dom7": (0, 4, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "add9": (0, 4, 7, 14),
    "madd9": (0, 3, 7, 14),
}
CHORD_SUFFIX = {
    "maj": "", "min": "m", "dim": "dim", "aug": "aug", "sus2": "sus2", "sus4": "sus4",
    "maj7": "maj7", "min7": "m7", "dom7": "7", "m7b5": "m7b5", "add9": "add9", "madd9": "madd9",
}

_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
_NUMERAL_RE = re.compile(r"^(?P<acc>[b#]?)(?P<num>VII|VI|IV|V|III|II|I)(?P<suffix>.*)$", re.I)
_NOTE_RE = re.compile(r"^([A-Ga-g])([#b]?)$")


def pitch_class(name: str) -> int:
    """Pitch class of a note name such as "F#" or "Bb"; ValueError for anything else."""
    match = _NOTE_RE.match(name.strip())
    if not match:
        raise ValueError(f"'{name}' is not a note name (A to G, optionally with # or b)")
    letter, accidental = match.groups()
    return (NOTE_PCS[letter.upper()] + {"#": 1, "b": -1, "": 0}[accidental]) % 12


def scale_pitch_classes(tonic_pc: int, mode: str) -> tuple[int, ...]:
    return tuple((tonic_pc + step) % 12 for step in MODES[mode])


def chord_pitch_classes(root_pc: int, quality: str) -> tuple[int, ...]:
    return tuple((root_pc + step) % 12 for step in CHORD_INTERVALS[quality])


MODE_OFFSET = {"major": 0, "dorian": 2, "phrygian": 4, "lydian": 5, "mixolydian": 7, "minor": 9}
_FLAT_MAJOR_PCS = {5, 10, 3, 8, 1}  # F, Bb, Eb, Ab, Db major are written with flats


def prefers_flats(tonic: str, mode: str) -> bool:
    """Whether a key is spelled with flats, judged from its parent major key's signature."""
    if tonic.endswith("b"):
        return True
    if tonic.endswith("#"):
        return False
    return (pitch_class(tonic) - MODE_OFFSET[mode]) % 12 in _FLAT_MAJOR_PCS


def note_name(pc: int, flats: bool = False) -> str:
    return (FLAT_NAMES if flats else SHARP_NAMES)[pc % 12]


def chord_name(root_pc: int, quality: str, flats: bool = False) -> str:
    return note_name(root_pc, flats) + CHORD_SUFFIX[quality]


def parse_numeral(numeral: str, tonic_pc: int, mode: str) -> tuple[int, str]:
    """Root pitch class and quality of a roman numeral in a key.

    Numerals count the degrees of the key's own mode ("VI" in A minor is F); a leading b or #
    alters that degree. Upper case is major, lower case minor; suffixes: 7, maj7, dim (or o),
    m7b5 (or ø), sus2, sus4, aug (or +), add9.
    """
    match = _NUMERAL_RE.match(numeral)
    if not match:
        raise ValueError(f"'{numeral}' is not a roman numeral")
    acc, num, suffix = match.group("acc"), match.group("num"), match.group("suffix")
    degree = _NUMERALS.index(num.upper())
    root = (tonic_pc + MODES[mode][degree] + {"b": -1, "#": 1, "": 0}[acc]) % 12
    upper = num.isupper()
    qualities = {
        "": "maj" if upper else "min",
        "7": "dom7" if upper else "min7",
        "maj7": "maj7",
        "dim": "dim", "o": "dim",
        "m7b5": "m7b5", "ø": "m7b5",
        "aug": "aug", "+": "aug",
        "sus2": "sus2", "sus4": "sus4",
        "add9": "add9" if upper else "madd9",
    }
    if suffix not in qualities:
        raise ValueError(f"'{numeral}' has an unknown chord suffix '{suffix}'")
    return root, qualities[suffix]


def nearest_pitch(pc: int, target: int, low: int = 0, high: int = 127) -> int:
    """The MIDI pitch of pitch class `pc` closest to `target`, kept inside [low, high]."""
    base = target - ((target - pc) % 12)
    candidates = [p for p in (base, base + 12, base - 12) if low <= p <= high]
    if not candidates:
        candidates = [p for p in range(low, high + 1) if p % 12 == pc] or [target]
    return min(candidates, key=lambda p: (abs(p - target), p))


def scale_pitches(scale_pcs: tuple[int, ...], low: int, high: int) -> list[int]:
    """All MIDI pitches between low and high (inclusive) whose class is in the scale."""
    members = set(scale_pcs)
    return [p for p in range(low, high + 1) if p % 12 in members]


def diatonic_quality(root_pc: int, scale_pcs: tuple[int, ...], seventh: bool = False) -> str:
    """The quality of the chord stacked in thirds on `root_pc` from the scale's own notes.

    A root outside the scale (a borrowed chord) keeps a major triad.
    """
    if root_pc not in scale_pcs:
        return "maj"
    degree = scale_pcs.index(root_pc)
    steps = tuple(
        (scale_pcs[(degree + offset) % len(scale_pcs)] - root_pc) % 12
        for offset in ((0, 2, 4, 6) if seventh else (0, 2, 4))
    )
    for quality, intervals in CHORD_INTERVALS.items():
        if intervals == steps:
            return quality
    return "maj"


def spell(pc: int, tonic: str, mode: str) -> str:
    """A pitch class named as the key writes it: scale notes by their degree's letter (Cb in
    Eb minor, E# in F# major), the raised leading tone with a sharp, other notes outside the
    key as the flattened note above (the roots of bVII, bVI, bIII, bII)."""
    letters = "CDEFGAB"
    scale = scale_pitch_classes(pitch_class(tonic), mode)
    tonic_letter = letters.index(tonic[0].upper())
    if pc % 12 in scale:
        letter = letters[(tonic_letter + scale.index(pc % 12)) % 7]
    elif (pc + 1) % 12 == scale[0]:
        letter = letters[(tonic_letter + 6) % 7]
    else:
        letter = letters[(tonic_letter + scale.index((pc + 1) % 12)) % 7] \
            if (pc + 1) % 12 in scale else note_name(pc, flats=True)[0]
    offset = (pc - NOTE_PCS[letter] + 6) % 12 - 6
    return letter + ("#" * offset if offset > 0 else "b" * -offset)
