"""The keys, pad and strings generators: chord voicings in a style's shape and register.

Keys and pad keep apart: the keys comp above the middle of the usual voice (a jazz left
hand plays shells beneath it), the pad holds spread chords in the low-mid (above the voice
when the keys are a guitar there), so neither doubles the other. Voicings come from
generators.voicings: 7ths and 9ths in jazz, blues and r&b, open fifths in rock. Keys styles
(styles.toml `keys_style`): block, arp, strum, power, chug, comp; block, comp and strum play
the comping rhythm of a groove imported from a style file. The pad holds each chord; strings
hold or re-bow it. Marks: a sparse section plays thinner, the lift (last chorus) doubles the
keys' top voice an octave up and fills out the pad and strings.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources
from studio.engine.composing import groove_library
from studio.engine.composing.generators import voicings as voicings_module
from studio.engine.composing.generators.common import (
    feel_notes,
    in_key,
    section_groove,
    velocity,
)
from studio.engine.composing.generators.voicings import voicing_style
from studio.engine.model import (
    Chord,
    CompositionContext,
    Lane,
    Note,
    Section,
    strong_beats,
)

# Registers around the usual voice (melody.DEFAULT_VOICE_RANGE, MIDI 55-74): the keys comp
# above its middle, the pad spreads low-mid beneath it, a jazz left hand sits under it; the
# pad goes above the voice when the keys are a guitar in the low-mid (power, chug, strum).
KEYS_RANGE = (62, 86)
SHELL_RANGE = (43, 67)
PAD_RANGE = (43, 69)
PAD_HIGH_RANGE = (67, 88)
STRINGS_RANGE = (60, 86)
POWER_RANGE = (40, 64)
STRUM_RANGE = (52, 72)  # a guitar's open chord shapes, the strum adds the bass an octave down
GUITAR_STYLES = ("power", "chug", "strum")
LIFT_SEMITONES = 12  # the last chorus doubles the keys' top voice an octave up
_RHYTHM_STYLES = ("block", "comp", "strum")  # styles that take an imported groove's rhythm


def voicing(pitch_classes: tuple[int, ...], previous: tuple[int, ...] | None,
            low: int, high: int) -> tuple[int, ...]:
    """Close-position voicing in [low, high] nearest the previous voicing (or the centre)."""
    return voicings_module.voicing(pitch_classes, previous, low, high, "close")


def voicings(section: Section, low: int, high: int, shape: str = "close",
             context: CompositionContext | None = None,
             extended: bool = False) -> list[tuple[int, ...]]:
    """One voicing per chord of the section (voicings.voicings)."""
    return voicings_module.voicings(section, low, high, shape, context, extended)


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    style = resources.genre(context.primary_genre)["keys_style"]
    shape, _, extended = voicing_style(context)
    if style in ("power", "chug"):
        (low, high), shape = POWER_RANGE, "close"
    elif style == "strum":
        (low, high), shape, extended = STRUM_RANGE, "close", False
    else:
        low, high = SHELL_RANGE if shape == "shell" else KEYS_RANGE
    sparse = "sparse" in section.marks
    notes: list[Note] = []
    pattern = _comp_pattern(context, rng)
    imported = _imported_rhythm(context, section, style)
    chord_voicings = voicings(section, low, high, shape, context, extended)
    for chord, voices in zip(section.chords, chord_voicings, strict=True):
        if imported:
            hits = _rhythm_hits(imported, chord)
        else:
            hits = _hits(style, chord, context, section.energy, pattern)
        if sparse:  # thin playing: the chord's first hit and the downbeats, fewer voices
            hits = _thinned(hits, chord, context)
            voices = voices[1:] if len(voices) >= 3 else voices
        for start, length in hits:
            notes.extend(_play(style, chord, voices, start, length, section.energy, context))
    if "lift" in section.marks:
        notes = _doubled(notes, context)
    return feel_notes(context, notes)


def generate_pad(context: CompositionContext, section: Section, lane: Lane,
                 rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    """The pad holds each chord, spread wide in the low-mid under the voice (above it when
    the keys are a guitar or a jazz left hand there), fuller in the last chorus and thinner
    in a sparse one."""
    keys_shape, shape, extended = voicing_style(context)
    guitar = resources.genre(context.primary_genre)["keys_style"] in GUITAR_STYLES
    low, high = PAD_HIGH_RANGE if guitar or keys_shape == "shell" else PAD_RANGE
    lift = "lift" in section.marks
    notes = []
    for chord, voices in zip(section.chords,
                             voicings(section, low, high, shape, context, extended),
                             strict=True):
        kept = voices if section.energy >= 0.3 else voices[:3]
        if "sparse" in section.marks:
            kept = (kept[0], kept[-1])
        if lift and kept[0] - 12 >= 36:
            kept = (kept[0] - 12,) + tuple(kept)
        vel = velocity(section.energy, 0.3 if lift else 0.0, 40, 45)
        notes.extend(Note(p, chord.start_beats, chord.duration_beats * 0.98, vel,
                          chromatic=not in_key(p, context)) for p in kept)
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def generate_strings(context: CompositionContext, section: Section, lane: Lane,
                     rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    """A string section: held voicings above the pad, re-bowed each half bar when loud."""
    notes = []
    bow_beats = context.meter.beats_per_bar / 2 if section.energy >= 0.6 else None
    _, _, extended = voicing_style(context)
    lift = "lift" in section.marks
    for chord, voices in zip(section.chords,
                             voicings(section, *STRINGS_RANGE, "spread", context, extended),
                             strict=True):
        if "sparse" in section.marks:
            voices = (voices[0], voices[-1])
        if lift and voices[-1] + 12 <= 98:
            voices = tuple(voices) + (voices[-1] + 12,)
        vel = velocity(section.energy, 0.5 if lift else 0.2, 40, 55)
        starts = _grid(chord, bow_beats) if bow_beats else [chord.start_beats]
        length = (bow_beats or chord.duration_beats) * 0.98
        notes.extend(Note(p, start, min(length, chord.start_beats + chord.duration_beats - start),
                          vel, chromatic=not in_key(p, context))
                     for start in starts for p in voices)
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def _imported_rhythm(context: CompositionContext, section: Section,
                     style: str) -> list[tuple[float, float]]:
    """(start, length) of every chord the section's imported groove plays, over the whole
    section; empty for hand-written grooves and for arpeggio, power and chug styles, which
    keep their own figures."""
    name = section_groove(context, section)
    if style not in _RHYTHM_STYLES or not groove_library.is_imported(name):
        return []
    comp = groove_library.pattern(name)
    end = section.bars * context.meter.beats_per_bar
    hits, start = [], 0.0
    while comp.comp and start < end - 1e-9:
        hits += [(start + beat, length) for beat, length in comp.comp
                 if start + beat < end - 1e-9]
        start += comp.beats
    return hits


def _rhythm_hits(rhythm: list[tuple[float, float]], chord: Chord) -> list[tuple[float, float]]:
    """The hits that fall inside the chord, cut at its end."""
    end = chord.start_beats + chord.duration_beats
    return [(start, min(length, end - start)) for start, length in rhythm
            if chord.start_beats - 1e-9 <= start < end - 1e-9]


def _grid(chord: Chord, step: float) -> list[float]:
    count = max(1, int(round(chord.duration_beats / step)))
    return [chord.start_beats + i * step for i in range(count)]


def _hits(style: str, chord: Chord, context: CompositionContext, energy: float,
          pattern: tuple[float, ...]) -> list[tuple[float, float]]:
    """(start, length) of each time the chord is played, by style and energy."""
    bar_beats = context.meter.beats_per_bar
    if style == "arp":
        step = 1.0 if energy < 0.3 else 0.5 if energy < 0.75 else 0.25
    elif style in ("strum", "power", "chug"):
        step = 0.5 if energy >= 0.5 else 1.0
    elif style == "comp":
        return _with_lengths(_comp_starts(chord, bar_beats, pattern), chord, cap=0.75)
    else:
        step = _block_step(energy, context)
    return _with_lengths(_grid(chord, step), chord, cap=None)


def _block_step(energy: float, context: CompositionContext) -> float:
    """Block chords re-struck on the strong beats when quiet (not held through the bar as
    the pad holds them), on every beat when loud."""
    beats = strong_beats(context.meter)
    if energy >= 0.7:
        return 1.0
    if len(beats) > 1:
        return beats[1]
    return 1.0 if energy >= 0.4 else context.meter.beats_per_bar


def _thinned(hits: list[tuple[float, float]], chord: Chord,
             context: CompositionContext) -> list[tuple[float, float]]:
    """A sparse section's hits: the chord's first one and those on a bar's downbeat."""
    bar = context.meter.beats_per_bar
    kept = [(start, length) for start, length in hits
            if abs(start - chord.start_beats) < 1e-6 or abs(start % bar) < 1e-6]
    return kept or hits[:1]


def _doubled(notes: list[Note], context: CompositionContext) -> list[Note]:
    """The last chorus lifts: every chord's (or arpeggio note's) top voice doubled an octave
    up, a little louder."""
    tops: dict[float, Note] = {}
    for note in notes:
        key = round(note.start_beats, 1)
        if key not in tops or note.pitch > tops[key].pitch:
            tops[key] = note
    louder = [Note(n.pitch, n.start_beats, n.duration_beats, min(127, n.velocity + 6),
                   n.chromatic) for n in notes]
    return louder + [_note(n.pitch + LIFT_SEMITONES, n.start_beats, n.duration_beats,
                           min(127, n.velocity + 6), context)
                     for n in tops.values() if n.pitch + LIFT_SEMITONES <= 100]


def _comp_starts(chord: Chord, bar_beats: float, pattern: tuple[float, ...]) -> list[float]:
    """The comping pattern repeated in every bar the chord covers."""
    first_bar = int(chord.start_beats // bar_beats)
    end = chord.start_beats + chord.duration_beats
    starts = [chord.start_beats]
    bar = first_bar
    while bar * bar_beats < end:
        starts += [bar * bar_beats + p for p in pattern
                   if chord.start_beats <= bar * bar_beats + p < end]
        bar += 1
    return starts


def _with_lengths(starts: list[float], chord: Chord,
                  cap: float | None) -> list[tuple[float, float]]:
    end = chord.start_beats + chord.duration_beats
    starts = sorted(set(starts))
    hits = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        length = (stop - start) * 0.95
        hits.append((start, min(length, cap) if cap else length))
    return hits


def _comp_pattern(context: CompositionContext, rng: np.random.Generator) -> tuple[float, ...]:
    """A syncopated one-bar comping rhythm, drawn once per section."""
    bar_beats = context.meter.beats_per_bar
    eighths = [i * 0.5 for i in range(int(bar_beats * 2))]
    count = min(len(eighths), 3)
    picked = rng.choice(len(eighths), size=count, replace=False)
    return tuple(sorted(eighths[i] for i in picked))


def _play(style: str, chord: Chord, voices: tuple[int, ...], start: float, length: float,
          energy: float, context: CompositionContext) -> list[Note]:
    accent = 1.0 if abs(start % context.meter.beats_per_bar) < 1e-6 else 0.3
    vel = velocity(energy, accent, 45, 50)
    if style == "chug" and accent < 1.0 and abs(start - chord.start_beats) > 1e-6:
        # Between the accents a metal guitar chugs on the low tonic, palm-muted.
        tonic = POWER_RANGE[0] + (context.key.tonic_pc - POWER_RANGE[0]) % 12
        return [_note(tonic, start, min(length, 0.3), vel - 10, context)]
    if style in ("power", "chug"):
        root = POWER_RANGE[0] + (chord.root_pc - POWER_RANGE[0]) % 12
        pitches = (root, root + 7, root + 12)
        return [_note(p, start, length * 0.9, vel, context) for p in pitches]
    if style == "arp":
        index = int(round((start - chord.start_beats) / max(length / 0.95, 1e-6)))
        cycle = list(voices) + list(voices[1:-1][::-1])
        return [_note(cycle[index % len(cycle)], start, length * 1.4, vel, context)]
    if style == "strum":
        upstroke = (start % 1.0) > 1e-6
        order = voices[::-1] if upstroke else voices
        pitches = (voices[0] - 12,) + tuple(order) if not upstroke else tuple(order)
        return [_note(p, start + 0.02 * i, length - 0.02 * i, vel - 8 * upstroke, context)
                for i, p in enumerate(pitches)]
    return [_note(p, start, length, vel, context) for p in voices]


def _note(pitch: int, start: float, length: float, vel: int, context: CompositionContext) -> Note:
    return Note(pitch, start, max(0.05, length), max(1, vel), chromatic=not in_key(pitch, context))

