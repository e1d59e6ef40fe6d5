"""The bass generator: the bass line a style's bass player plays, in a bass's range.

The kick positions come from the section's groove (grooves.kick_onsets_beats), the same
table the drums play from, so bass and kick land together even when only one of the two
lanes is regenerated. Styles (styles.toml `bass_style`): locked, octave, root-fifth,
walking (quarter-note lines for swing), pedal (held roots), drone (the tonic held). A groove
imported from a style file brings its own bass line, which bass_lines lays over the chords.
The style's role (bass_role) changes that: four-on-the-floor electronic styles play off the
kick, on the off-beats; trap and drill hold sub notes; walking lines vary their rhythm;
rock and country walk into chord changes and fill at phrase ends (bass_figures). No note
sounds below a bass guitar's low E (MIDI 28). Marks: sparse thins the line (no approaches
or fills, a two-feel walk), lift fills every phrase.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources, theory
from studio.engine.composing import groove_library, grooves
from studio.engine.composing.generators import bass_figures, bass_lines
from studio.engine.composing.generators.common import (
    chord_at,
    feel_notes,
    in_key,
    section_groove,
    velocity,
)
from studio.engine.model import Chord, CompositionContext, Lane, Note, Section, is_strong

LOW, HIGH, CENTER = bass_figures.LOW, bass_figures.HIGH, bass_figures.CENTER
# Styles whose bass is an 808 holding sub notes under the kick.
SUB_STYLES = ("trap", "drill", "cloud-rap", "phonk")
# Families whose bass walks into chord changes and fills at the ends of phrases.
FILL_FAMILIES = ("rock", "country-folk")


def bass_role(context: CompositionContext) -> str:
    """What the bass does in the song's style: "offbeat" (four-on-the-floor electronic
    styles), "sub" (trap), "walking", "fills" (rock, country), or the style's bass_style."""
    row = resources.genre(context.primary_genre)
    style = row["bass_style"]
    if context.primary_genre in SUB_STYLES:
        return "sub"
    if row["family"] == "electronic" and "four_on_floor" in row["grooves"] \
            and style in ("locked", "octave"):
        return "offbeat"
    if style in ("walking", "pedal", "drone"):
        return style
    return "fills" if row["family"] in FILL_FAMILIES else style


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    style = resources.genre(context.primary_genre)["bass_style"]
    role = bass_role(context)
    line = _imported_line(context, section)
    if role == "offbeat":
        notes = bass_figures.offbeat(context, section, rng, octaves=style == "octave")
    elif role == "sub":
        notes = bass_figures.sub(context, section, _onsets(context, section))
    elif line and role not in ("pedal", "drone"):
        notes = bass_lines.play(context, section, line)
        if "sparse" in section.marks:  # the style's line, down to its strong beats
            notes = _strong_only(context, section, notes)
    elif role == "walking":
        notes = bass_figures.walking(context, section, rng)
    elif role in ("pedal", "drone"):
        notes = _pedal(context, section, drone=role == "drone")
    else:
        notes = _locked(context, section, rng, style)
    if role == "fills" and "sparse" not in section.marks:
        notes = bass_figures.fills(context, section, notes, next_section, rng)
    return feel_notes(context, bass_figures.in_range(notes))


def _strong_only(context: CompositionContext, section: Section,
                 notes: list[Note]) -> list[Note]:
    """The notes on strong beats or where a chord changes (a thinned line keeps them)."""
    changes = {round(chord.start_beats, 6) for chord in section.chords}
    kept = [n for n in notes if is_strong(n.start_beats, context.meter)
            or round(n.start_beats, 6) in changes]
    return kept or list(notes[:1])


def _imported_line(context: CompositionContext, section: Section):
    """The bass line of the section's groove when it came from a style file, else None."""
    name = section_groove(context, section)
    if not groove_library.is_imported(name):
        return None
    line = groove_library.pattern(name)
    return line if line.bass else None


def kick_grid(context: CompositionContext, section: Section, bar: int = 0) -> tuple[float, ...]:
    """The kicks of one bar of the section (the groove's pattern may last several bars)."""
    return grooves.kick_onsets_beats(section_groove(context, section), context.meter,
                                     section.energy, section.feel, bar, seed=context.seed)


def _onsets(context: CompositionContext, section: Section) -> list[float]:
    """Kick positions in every bar plus every chord change, in section beats."""
    bar_beats = context.meter.beats_per_bar
    pattern_bars = grooves.pattern_bars(section_groove(context, section), context.meter)
    grids = [kick_grid(context, section, bar) for bar in range(pattern_bars)]
    positions = {round(bar * bar_beats + k, 6) for bar in range(section.bars)
                 for k in grids[bar % pattern_bars]}
    positions |= {round(c.start_beats, 6) for c in section.chords}
    return sorted(p for p in positions if p < section.bars * bar_beats)


def _locked(context: CompositionContext, section: Section, rng: np.random.Generator,
            style: str) -> list[Note]:
    end = section.bars * context.meter.beats_per_bar
    onsets = _onsets(context, section)
    notes: list[Note] = []
    previous = CENTER
    for i, start in enumerate(onsets):
        chord = chord_at(section, start)
        stop = onsets[i + 1] if i + 1 < len(onsets) else end
        pitch = theory.nearest_pitch(chord.root_pc, previous, LOW, HIGH)
        on_chord_start = abs(start - chord.start_beats) < 1e-6
        if not on_chord_start:
            pitch = _alternate(pitch, chord, style, i)
        notes.append(Note(pitch, start, max(0.2, (stop - start) * 0.92),
                          velocity(section.energy, 1.0 if on_chord_start else 0.4, 55, 50),
                          chromatic=not in_key(pitch, context)))
        previous = pitch if on_chord_start else previous
    if "sparse" in section.marks:  # thin playing: the chord changes and the strong beats
        return bass_figures.thinned(context, section, notes)
    return _add_approaches(context, section, notes, rng)


def _alternate(pitch: int, chord: Chord, style: str, index: int) -> int:
    """Octave jumps or the fifth on kicks inside a chord, by style."""
    if style == "octave" and index % 2 == 1:
        return pitch + 12
    if style == "root-fifth" and index % 2 == 1:
        fifth = (chord.root_pc + 7) % 12
        return theory.nearest_pitch(fifth, pitch - 5, LOW, HIGH)
    return pitch


def _add_approaches(context: CompositionContext, section: Section, notes: list[Note],
                    rng: np.random.Generator) -> list[Note]:
    """An eighth-note step into each chord change, when that eighth is free."""
    chance = 1.0 if "lift" in section.marks else 0.25 + 0.5 * section.energy
    result = list(notes)
    for chord in section.chords[1:]:
        at = chord.start_beats - 0.5
        if at <= 0 or rng.random() > chance:
            continue
        if any(abs(n.start_beats - at) < 0.26 for n in notes):
            continue
        target = theory.nearest_pitch(chord.root_pc, _pitch_before(result, at), LOW, HIGH)
        pitch = target + (1 if rng.random() < 0.5 else -1) * _step_to(target, context)
        result = [_trim(n, at) for n in result]
        result.append(Note(pitch, at, 0.45, velocity(section.energy, 0.2, 50, 45),
                           chromatic=not in_key(pitch, context)))
    return result


def _step_to(target: int, context: CompositionContext) -> int:
    """A diatonic neighbour distance: 2 when the whole step is in key, else 1."""
    return 2 if in_key(target + 2, context) and in_key(target - 2, context) else 1


def _pitch_before(notes: list[Note], at: float) -> int:
    earlier = [n for n in notes if n.start_beats < at]
    return max(earlier, key=lambda n: n.start_beats).pitch if earlier else CENTER


def _trim(note: Note, at: float) -> Note:
    if note.start_beats < at < note.end_beats:
        return Note(note.pitch, note.start_beats, max(0.1, at - note.start_beats - 0.02),
                    note.velocity, note.chromatic)
    return note


def _pedal(context: CompositionContext, section: Section, drone: bool) -> list[Note]:
    """One held root per chord, for slow and atmospheric songs; a drone holds the tonic
    under every chord instead."""
    notes = []
    for chord in section.chords:
        root = context.key.tonic_pc if drone else chord.root_pc
        pitch = theory.nearest_pitch(root, CENTER, LOW, HIGH)
        notes.append(Note(pitch, chord.start_beats, chord.duration_beats * 0.97,
                          velocity(section.energy, 0.5, 55, 40),
                          chromatic=not in_key(pitch, context)))
    return notes
