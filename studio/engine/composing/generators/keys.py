"""The keys and pad generators: chord voicings with smooth voice leading, in a genre's style.

Voicings are chosen chord by chord to move the voices as little as possible; each section
starts from the voicing nearest the register's centre, so a section's voicings depend only on
its own chords and can be regenerated alone. Keys styles (styles.toml `keys_style`): block,
arp, strum, power, chug, comp; block, comp and strum play the comping rhythm of a groove
imported from a style file. The pad holds each chord; strings hold or re-bow it.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources
from studio.engine.composing import groove_library
from studio.engine.composing.generators.common import (
    feel_notes,
    in_key,
    section_groove,
    velocity,
)
from studio.engine.model import Chord, CompositionContext, Lane, Note, Section, strong_beats

KEYS_RANGE = (52, 79)
PAD_RANGE = (55, 79)
STRINGS_RANGE = (60, 86)
POWER_RANGE = (40, 64)
_RHYTHM_STYLES = ("block", "comp", "strum")  # styles that take an imported groove's rhythm


def voicing(pitch_classes: tuple[int, ...], previous: tuple[int, ...] | None,
            low: int, high: int) -> tuple[int, ...]:
    """Close-position voicing in [low, high] nearest the previous voicing (or the centre)."""
    centre = (low + high) / 2
    best: tuple[float, tuple[int, ...]] | None = None
    for rotation in range(len(pitch_classes)):
        order = pitch_classes[rotation:] + pitch_classes[:rotation]
        for bass in range(low, low + 12):
            if bass % 12 != order[0]:
                continue
            chord = _stack(order, bass)
            if chord[-1] > high:
                continue
            cost = _movement(chord, previous) if previous else abs(np.mean(chord) - centre)
            if best is None or (cost, chord) < best:
                best = (cost, chord)
    return best[1] if best else _stack(pitch_classes, low)


def _stack(order: tuple[int, ...], bass: int) -> tuple[int, ...]:
    pitches = [bass]
    for pc in order[1:]:
        pitches.append(pitches[-1] + (pc - pitches[-1]) % 12 or 12)
    return tuple(pitches)


def _movement(chord: tuple[int, ...], previous: tuple[int, ...]) -> float:
    if len(chord) == len(previous):
        return float(sum(abs(a - b) for a, b in zip(chord, previous, strict=True)))
    return abs(float(np.mean(chord) - np.mean(previous))) * len(chord)


def voicings(section: Section, low: int, high: int) -> list[tuple[int, ...]]:
    result: list[tuple[int, ...]] = []
    for chord in section.chords:
        result.append(voicing(chord.pitch_classes, result[-1] if result else None, low, high))
    return result


def generate(context: CompositionContext, section: Section, lane: Lane,
             rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    style = resources.genre(context.primary_genre)["keys_style"]
    low, high = POWER_RANGE if style in ("power", "chug") else KEYS_RANGE
    notes: list[Note] = []
    pattern = _comp_pattern(context, rng)
    imported = _imported_rhythm(context, section, style)
    for chord, voices in zip(section.chords, voicings(section, low, high), strict=True):
        if imported:
            hits = _rhythm_hits(imported, chord)
        else:
            hits = _hits(style, chord, context, section.energy, pattern)
        for start, length in hits:
            notes.extend(_play(style, chord, voices, start, length, section.energy, context))
    return feel_notes(context, notes)


def generate_pad(context: CompositionContext, section: Section, lane: Lane,
                 rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    notes = []
    for chord, voices in zip(section.chords, voicings(section, *PAD_RANGE), strict=True):
        kept = voices if section.energy >= 0.3 else voices[:3]
        vel = velocity(section.energy, 0.0, 40, 45)
        notes.extend(Note(p, chord.start_beats, chord.duration_beats * 0.98, vel,
                          chromatic=not in_key(p, context)) for p in kept)
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def generate_strings(context: CompositionContext, section: Section, lane: Lane,
                     rng: np.random.Generator, next_section: Section | None) -> tuple[Note, ...]:
    """A string section: held voicings above the pad, re-bowed each half bar when loud."""
    notes = []
    bow_beats = context.meter.beats_per_bar / 2 if section.energy >= 0.6 else None
    for chord, voices in zip(section.chords, voicings(section, *STRINGS_RANGE), strict=True):
        vel = velocity(section.energy, 0.2, 40, 55)
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
    bar_beats = context.meter.beats_per_bar
    if energy < 0.4:
        return bar_beats
    if energy < 0.7:
        return strong_beats(context.meter)[1] if len(strong_beats(context.meter)) > 1 else 1.0
    return 1.0


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

