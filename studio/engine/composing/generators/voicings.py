"""Chord voicings as a style plays them: which chord tones sound and how they are spread.

    chord_tones(chord, context, extended) -> pitch classes, root first (7ths and 9ths added
                                             from the key when `extended`)
    voicing(pcs, previous, low, high, shape) -> pitches: the voicing of that shape in
                                                [low, high] nearest the previous one
    voicings(section, low, high, shape, context, extended) -> one voicing per chord
    voicing_style(context) -> (keys shape, pad shape, extended)

Shapes: "close" (stacked within an octave), "spread" (drop-2 or open root position: the
chord spans more than an octave), "shell" (root, third and seventh: a jazz left hand),
"rootless" (the colour tones without the root, as a pianist comps over a bass player),
"fifths" (root, fifth and octave: the open sound of rock). Voicings are chosen chord by
chord to move the voices as little as possible; a section starts from the voicing nearest
the register's centre, so a section's voicings depend only on its own chords.
"""

from __future__ import annotations

import numpy as np

from studio.engine import resources
from studio.engine.model import Chord, CompositionContext, Section

SHAPES = ("close", "spread", "shell", "rootless", "fifths")
LOW_SECOND_COST = 12.0  # a second between low voices costs as much as an octave of movement
# Families whose keys play 7ths and 9ths, and the shape of their keys and pad voicings.
_EXTENDED_FAMILIES = ("jazz", "rnb-soul-funk", "blues")
_EXTENDED_STYLES = ("deep-house", "lo-fi", "jazz-rap", "chillout", "city-pop", "neo-soul",
                    "trip-hop", "bossa-nova", "smooth-jazz", "acid-jazz")
_KEYS_SHAPE = {"jazz": "shell", "blues": "shell", "rnb-soul-funk": "rootless",
               "rock": "fifths", "classical-cinematic": "spread"}
# a rock band's guitars play open fifths; its pad holds the third they leave out, so the
# chord is still heard major or minor
_PAD_SHAPE: dict[str, str] = {}


def voicing_style(context: CompositionContext) -> tuple[str, str, bool]:
    """(keys shape, pad shape, extended) for the song's style: shells in jazz and blues,
    rootless 7th/9th voicings in r&b and soul, open fifths on rock's keys (its pad keeps the
    third), a spread piano in cinematic music, close keys over spread pads elsewhere."""
    style = context.primary_genre
    family = resources.genre(style)["family"]
    extended = family in _EXTENDED_FAMILIES or style in _EXTENDED_STYLES
    keys_shape = _KEYS_SHAPE.get(family, "rootless" if extended else "close")
    return keys_shape, _PAD_SHAPE.get(family, "spread"), extended


def chord_tones(chord: Chord, context: CompositionContext, extended: bool) -> tuple[int, ...]:
    """The chord's pitch classes, root first; extended adds the key's 7th and 9th above the
    root (a 9th a semitone above the root is left out: it grates)."""
    pcs = chord.pitch_classes
    if not extended or chord.quality in ("sus2", "sus4", "aug"):
        return pcs
    scale = context.key.scale_pcs
    added = []
    if chord.root_pc in scale:
        degree = scale.index(chord.root_pc)
        seventh, ninth = scale[(degree + 6) % 7], scale[(degree + 1) % 7]
    else:
        seventh = (chord.root_pc + (10 if chord.quality != "maj" else 11)) % 12
        ninth = (chord.root_pc + 2) % 12
    if len(pcs) == 3:
        added.append(seventh)
    if (ninth - chord.root_pc) % 12 == 2:
        added.append(ninth)
    return pcs + tuple(pc for pc in added if pc not in pcs)


def voicing(pcs: tuple[int, ...], previous: tuple[int, ...] | None, low: int, high: int,
            shape: str = "close") -> tuple[int, ...]:
    """The voicing of the shape in [low, high] nearest the previous voicing (or the centre),
    without seconds between low voices where it can: an extended chord leaves out its last
    colour tone rather than blur, and the range widens a little when nothing fits."""
    if shape == "spread" and len(pcs) >= 5:  # spread wide, a 9th chord leaves out its fifth
        pcs = pcs[:2] + pcs[3:]
    centre = (low + high) / 2
    best: tuple[float, tuple[int, ...]] | None = None
    for chord in _candidates(pcs, shape, low, high):
        if chord[0] < low or chord[-1] > high:
            continue
        cost = _movement(chord, previous) if previous else abs(float(np.mean(chord)) - centre)
        cost += LOW_SECOND_COST * _low_seconds(chord)
        if best is None or (cost, chord) < best:
            best = (cost, chord)
    if (best is None or _low_seconds(best[1])) and len(pcs) > 3:
        # no clear voicing of every tone fits: leave out the last colour tone
        fewer = voicing(pcs[:-1], previous, low, high, shape)
        if best is None or not _low_seconds(fewer):
            return fewer
    if best is None and high - low < 36:  # the range is too narrow for the shape: widen it
        return voicing(pcs, previous, low - 3, high + 3, shape)
    return best[1] if best else _stack(pcs, low + (pcs[0] - low) % 12)


def voicings(section: Section, low: int, high: int, shape: str = "close",
             context: CompositionContext | None = None,
             extended: bool = False) -> list[tuple[int, ...]]:
    """One voicing per chord of the section, each led smoothly from the one before."""
    result: list[tuple[int, ...]] = []
    for chord in section.chords:
        pcs = chord_tones(chord, context, extended) if context is not None else \
            chord.pitch_classes
        result.append(voicing(pcs, result[-1] if result else None, low, high, shape))
    return result


def _candidates(pcs: tuple[int, ...], shape: str, low: int,
                high: int) -> list[tuple[int, ...]]:
    root = pcs[0]
    third = pcs[1] if len(pcs) > 1 else root
    fifth = pcs[2] if len(pcs) > 2 else root
    colour = pcs[3:]
    out: list[tuple[int, ...]] = []
    for bottom in range(low - 12, high):
        if bottom % 12 != root:
            continue
        i3, i5 = (third - root) % 12, (fifth - root) % 12
        if shape == "fifths":
            out.append((bottom, bottom + 7, bottom + 12))
        elif shape == "shell":
            i7 = (colour[0] - root) % 12 if colour else i5
            out += [(bottom, bottom + i3, bottom + i7), (bottom, bottom + i7, bottom + 12 + i3)]
        elif shape == "spread":  # open root position: root, fifth, the third above, colour
            chord = [bottom, bottom + i5, bottom + 12 + i3]
            for pc in colour:
                chord.append(chord[-1] + ((pc - chord[-1]) % 12 or 12))
            out.append(tuple(chord))
    body = pcs if shape != "rootless" or len(pcs) < 4 else pcs[1:]
    if shape in ("close", "rootless", "spread"):
        for rotation in range(len(body)):
            order = body[rotation:] + body[:rotation]
            for bass in range(low - 12, high):
                if bass % 12 == order[0]:
                    close = _stack(order, bass)
                    out.append(_drop2(close) if shape == "spread" else close)
    return out


def _low_seconds(chord: tuple[int, ...]) -> int:
    """How many neighbouring voices a second apart sit below middle C, where seconds blur
    (the low interval limit)."""
    return sum(1 for a, b in zip(chord, chord[1:], strict=False) if b - a <= 2 and a < 60)


def _stack(order: tuple[int, ...], bass: int) -> tuple[int, ...]:
    pitches = [bass]
    for pc in order[1:]:
        pitches.append(pitches[-1] + ((pc - pitches[-1]) % 12 or 12))
    return tuple(pitches)


def _drop2(close: tuple[int, ...]) -> tuple[int, ...]:
    """The second voice from the top an octave lower: a close chord opened up."""
    if len(close) < 3:
        return close
    return tuple(sorted(close[:-2] + (close[-2] - 12, close[-1])))


def _movement(chord: tuple[int, ...], previous: tuple[int, ...]) -> float:
    if len(chord) == len(previous):
        return float(sum(abs(a - b) for a, b in zip(chord, previous, strict=True)))
    return abs(float(np.mean(chord) - np.mean(previous))) * len(chord)
