"""Room for the voice: the lanes that share the singer's register move out of the way of
the section's sung notes.

    ROOM_LANES: the lanes that make room
    CLEARANCE: how near (semitones) a note may not come to a sung note sounding with it
    make_room(composition, section, lane, notes) -> notes

A note that sounds within CLEARANCE of a sung note while it is sung is revoiced: an octave
(or two) away, toward the side of the voice it already sits on, and onto a pitch the chord
does not already hold, and not a second from another of its notes low down (where that
blurs); when no octave is clear it is dropped if its chord keeps enough voices, else it
takes the octave that rubs least. Without a vocal part (the first pass of
compose) the notes stay as the generators voiced them, away from the usual voice.
"""

from __future__ import annotations

from dataclasses import replace

from studio.engine.model import Composition, Note, Section

ROOM_LANES = ("keys", "pad", "strings")
CLEARANCE = 2
MIN_VOICES = 2  # a chord keeps at least this many notes when one is dropped
CHORD_SPREAD_BEATS = 0.1  # notes starting this close together (a strum) are one chord
MUDDY_BELOW = 60  # below middle C a second inside a chord blurs: a moved note avoids it
_LIMITS = {"keys": (36, 100), "pad": (36, 91), "strings": (48, 98)}
_SHIFTS = (12, -12, 24, -24)


def make_room(composition: Composition, section: Section, lane: str,
              notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The lane's notes clear of the section's vocal part (as they are without one)."""
    vocal = composition.parts.get((section.id, "vocal"))
    if vocal is None or not vocal.notes or not notes:
        return notes
    sung = sorted(vocal.notes, key=lambda n: n.start_beats)
    low, high = _LIMITS.get(lane, (36, 100))
    result: list[Note] = []
    for chord in _chords(notes):
        result.extend(_clear_chord(chord, sung, low, high))
    return tuple(sorted(result, key=lambda n: (n.start_beats, n.pitch)))


def rub_beats(note: Note, pitch: int, sung: list[Note]) -> float:
    """How long, in beats, `note` played at `pitch` sounds within CLEARANCE of a sung note."""
    total = 0.0
    for voice in sung:
        if voice.start_beats >= note.end_beats:
            break
        if abs(voice.pitch - pitch) <= CLEARANCE:
            total += max(0.0, min(note.end_beats, voice.end_beats)
                         - max(note.start_beats, voice.start_beats))
    return total


def _chords(notes: tuple[Note, ...]) -> list[list[Note]]:
    """The notes grouped by onset: each group one chord (or one note of a line)."""
    groups: list[list[Note]] = []
    for note in sorted(notes, key=lambda n: (n.start_beats, n.pitch)):
        if groups and note.start_beats - groups[-1][0].start_beats <= CHORD_SPREAD_BEATS:
            groups[-1].append(note)
        else:
            groups.append([note])
    return groups


def _clear_chord(chord: list[Note], sung: list[Note], low: int, high: int) -> list[Note]:
    rubs = [rub_beats(n, n.pitch, sung) > 0.0 for n in chord]
    kept = [n for n, rub in zip(chord, rubs, strict=True) if not rub]
    rubbing = [n for n, rub in zip(chord, rubs, strict=True) if rub]
    voices = len(chord)
    for index, note in enumerate(rubbing):
        taken = {n.pitch for n in kept} | {n.pitch for n in rubbing[index + 1:]}
        moved = _moved(note, sung, low, high, taken)
        if moved is not None and rub_beats(note, moved, sung) <= 0.0:
            kept.append(replace(note, pitch=moved))
        elif voices - 1 >= MIN_VOICES:
            voices -= 1  # the chord does without it
        else:
            kept.append(replace(note, pitch=moved) if moved is not None else note)
    return kept


def _moved(note: Note, sung: list[Note], low: int, high: int, taken: set[int]) -> int | None:
    """The octave of the note that rubs least against the voice, preferring the side of
    the voice the note sits on and the nearer octave; None when no octave is in range."""
    heard = [v.pitch for v in sung
             if v.start_beats < note.end_beats and v.end_beats > note.start_beats]
    centre = sum(heard) / len(heard) if heard else note.pitch
    side = 1 if note.pitch >= centre else -1
    options = [note.pitch + side * shift for shift in _SHIFTS]
    options = [p for p in options if low <= p <= high and p not in taken]
    if not options:
        return None
    return min(options, key=lambda p: (rub_beats(note, p, sung), _muddy(p, taken),
                                       abs(p - note.pitch), options.index(p)))


def _muddy(pitch: int, chord: set[int]) -> bool:
    """Whether the pitch makes a second with another note of its chord low down, where
    close intervals blur."""
    return pitch < MUDDY_BELOW and any(0 < abs(pitch - other) <= 2 for other in chord)
