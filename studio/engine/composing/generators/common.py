"""Helpers the lane generators share: the section's groove, chord lookup, dynamics, feel,
key."""

from __future__ import annotations

from studio.engine.composing import feel, grooves
from studio.engine.model import Chord, CompositionContext, Note, Section


def section_groove(context: CompositionContext, section: Section) -> str:
    """The groove a section plays: its own, else the style's first in the song's meter."""
    return section.groove or grooves.groove_names_for(context.primary_genre, context.meter)[0]


def chord_at(section: Section, beat: float) -> Chord:
    """The chord sounding at a section-relative beat (the last chord past the end)."""
    for chord in section.chords:
        if chord.start_beats <= beat + 1e-9 < chord.start_beats + chord.duration_beats:
            return chord
    if not section.chords:
        raise ValueError(f"section {section.id} ({section.kind}) has no chords")
    return section.chords[-1]


def velocity(energy: float, accent: float = 0.0, low: int = 50, span: int = 55) -> int:
    """A MIDI velocity that grows with section energy; accent adds emphasis (0..1)."""
    return int(max(1, min(127, round(low + span * energy + 12 * accent))))


def feel_notes(context: CompositionContext, notes: list[Note]) -> tuple[Note, ...]:
    """Apply the song's swing to off-beat eighths and return the notes in time order."""
    amount = feel.swing_amount(context)
    if amount > 0:
        notes = [
            Note(n.pitch, feel.swing_beats(n.start_beats, amount), n.duration_beats, n.velocity,
                 n.chromatic)
            for n in notes
        ]
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def in_key(pitch: int, context: CompositionContext) -> bool:
    return pitch % 12 in context.key.scale_pcs
