"""How the drums leave a section: a fill sized by the change into the next section and
played as the style plays them, a build's snare roll, a break's silence and pickup, the
final hit of an ending.

A fill is a few strokes at the end of the section's last bar, in bar-relative beats, and
the beat from which the groove under it stops (a soft pickup keeps the groove going).
Styles (grooves.toml [drum_feel] `fills`): toms roll down the groove's fill voices, snare
rolls on the snare (an electronic build), hats rolls the hi-hat in thirty-seconds (trap),
soft never plays toms: a cymbal swell into a hook, a soft pickup, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.engine import resources
from studio.engine.composing import feel, groove_library, grooves
from studio.engine.model import Meter, Section

SNARE, SIDE_STICK, CLOSED_HAT, CRASH = 38, 37, 42, 49
SWELL = 57  # the second crash, rolled softly: a mallet swell


@dataclass(frozen=True)
class Stroke:
    """A drum stroke in beats (bar- or section-relative), before humanising and timing."""

    start_beats: float
    note: int
    velocity: int
    kick: bool = False
    ghost: bool = False


@dataclass(frozen=True)
class Fill:
    """The strokes of a fill, the beat of the bar from which it plays and the kinds of drum
    (feel.DRUM_KINDS) of the groove that stop under it."""

    start_beats: float
    strokes: tuple[Stroke, ...]
    clears: frozenset[str] = frozenset(feel.DRUM_KINDS)


def transition_size(section: Section, next_section: Section | None) -> str:
    """How big the change into the next section is: none (the song ends or the next
    section's drums rest), small, medium, or full (into a hook or a big jump)."""
    if next_section is None or next_section.density.get("drums", 1.0) <= 0.0:
        return "none"
    table = resources.table("grooves")["transition"]
    jump = next_section.energy - section.energy
    if next_section.kind in table["hook_kinds"] or jump >= table["full_jump"]:
        return "full"
    medium = jump >= table["medium_jump"] or -jump >= table["medium_drop"]
    return "medium" if medium else "small"


def fill(name: str, meter: Meter, section: Section, next_section: Section | None,
         style: str, rng: np.random.Generator) -> Fill | None:
    """The fill at the end of the section's last bar, or None when the groove plays on."""
    size = transition_size(section, next_section)
    if size == "none":
        return None
    bar_beats = meter.beats_per_bar
    if style == "soft":
        return _soft(size, bar_beats, section.energy, rng)
    if style == "hats":
        return _hat_roll(size, name, meter, section.energy)
    snare_only = style == "snare"
    if style == "toms" and size != "full":
        # a drummer does not fill every change alike: over a small one a short tom fill, a
        # snare pickup or the groove alone; over a medium one mostly toms, sometimes the snare
        draw = rng.random()
        if size == "small" and draw < 0.25:
            return None
        snare_only = draw >= (0.65 if size == "small" else 0.7)
    # a whole bar of fill only where the section is long enough to carry it
    whole_bar = section.energy >= 0.5 and section.bars >= 4
    if style == "toms" and size == "full" and whole_bar and groove_library.is_imported(name) \
            and rng.random() < 0.7:
        own = _style_file_fill(name, meter, section.energy, rng)  # a bar of the file's own
        if own is not None:
            return own
    span = {"small": 1.0, "medium": bar_beats / 2,
            "full": bar_beats if whole_bar else bar_beats / 2}[size]
    return _roll(name, meter, section.energy, min(span, bar_beats), snare_only, rng)


def build(name: str, meter: Meter, energy: float, style: str,
          rng: np.random.Generator) -> Fill:
    """A build into a hook: the last bar a snare roll rising from eighths to sixteenths and
    from soft to loud, the kick on the beats (a cymbal swell in a gentle style); a drum kit
    may take the roll's last beat down the toms."""
    bar_beats = meter.beats_per_bar
    if style == "soft":
        return _swell(bar_beats, bar_beats, energy)
    groove = grooves.groove_for_meter(name, meter)
    kick = groove.kick_note
    toms = [v for v in groove.fill_voices if feel.drum_kind(v) == "toms"]
    down_the_toms = style == "toms" and len(toms) >= 2 and rng.random() < 0.5
    strokes = [Stroke(beat * 0.5, SNARE, round(52 + 60 * beat * 0.5 / bar_beats))
               for beat in range(int(bar_beats))]  # eighths through the first half
    sixteenths = range(int(bar_beats * 2))
    for step in sixteenths:
        at = bar_beats / 2 + step * 0.25
        voice = toms[(step - len(sixteenths) + 4) * len(toms) // 4] \
            if down_the_toms and step >= len(sixteenths) - 4 else SNARE
        strokes.append(Stroke(at, voice, round(84 + 34 * step * 0.25 / (bar_beats / 2))))
    strokes += [Stroke(float(beat), kick, grooves.velocity_at(104, energy), True)
                for beat in range(int(bar_beats))]
    return Fill(0.0, tuple(strokes))


def break_tail(name: str, meter: Meter, energy: float, pickup: bool) -> Fill:
    """A break: the second half of the last bar is silent, but for a pickup of two snare
    sixteenths when the drums lead the band back in."""
    bar_beats = meter.beats_per_bar
    strokes = ()
    if pickup:
        strokes = (Stroke(bar_beats - 0.5, SNARE, grooves.velocity_at(84, energy)),
                   Stroke(bar_beats - 0.25, SNARE, grooves.velocity_at(100, energy)))
    return Fill(bar_beats / 2, strokes)


def final_hit(name: str, meter: Meter, energy: float) -> Fill:
    """An ending: a crash with the kick on the last bar's first beat, and nothing after."""
    kick = grooves.groove_for_meter(name, meter).kick_note
    loud = grooves.velocity_at(118, max(energy, 0.6))
    return Fill(0.0, (Stroke(0.0, CRASH, loud), Stroke(0.0, kick, loud, True)))


def _roll(name: str, meter: Meter, energy: float, span_beats: float, snare_only: bool,
          rng: np.random.Generator) -> Fill:
    """A roll over the last span_beats of the bar: down the groove's fill voices (or on
    the snare alone), faster and louder with energy, a kick under each beat."""
    groove = grooves.groove_for_meter(name, meter)
    level = grooves.fill_level(energy)
    step_beats = grooves.step_beats()
    bar_beats = meter.beats_per_bar
    start = bar_beats - span_beats
    roll = np.arange(start, bar_beats - 1e-9, level.roll_steps * step_beats)
    voices = (SNARE,) if snare_only else groove.fill_voices
    if not snare_only and span_beats <= 1.0 and rng.random() < 0.5:
        voices = voices[len(voices) // 2:]  # a short fill may start on the toms
    strokes = []
    for index, position in enumerate(roll):
        rise = index / max(1, len(roll) - 1)
        table_velocity = round(level.velocity_start
                               + rise * (level.velocity_end - level.velocity_start))
        strokes.append(Stroke(float(position), voices[index * len(voices) // len(roll)],
                              grooves.velocity_at(table_velocity, energy)))
    beat_beats = 1.5 if meter.is_compound else 1.0
    kick_velocity = grooves.velocity_at(level.velocity_end, energy)
    strokes += [Stroke(float(b), groove.kick_note, kick_velocity, True)
                for b in np.arange(0.0, bar_beats - 1e-9, beat_beats) if b >= start - 1e-9]
    return Fill(start, tuple(strokes))


def _style_file_fill(name: str, meter: Meter, energy: float,
                     rng: np.random.Generator) -> Fill | None:
    """One of the fills the groove's style file has, at the section's energy."""
    own = groove_library.grooves_of([groove_library.file_of(name)], str(meter)).get("fill")
    if not own:
        return None
    hits = grooves.bar_hits(own[int(rng.integers(len(own)))], meter, energy)
    if not hits:
        return None
    return Fill(0.0, tuple(Stroke(h.position_beats, h.note, h.velocity, h.kick)
                           for h in hits))


def _hat_roll(size: str, name: str, meter: Meter, energy: float) -> Fill:
    """A trap turnaround: the hats roll in thirty-seconds over the last beat (two beats
    into a hook, with a snare pickup under the last of them)."""
    bar_beats = meter.beats_per_bar
    span = 1.0 if size == "small" else 2.0
    start = bar_beats - min(span, bar_beats)
    positions = np.arange(start, bar_beats - 1e-9, 0.125)
    strokes = [Stroke(float(p), CLOSED_HAT,
                      grooves.velocity_at(round(70 + 40 * i / max(1, len(positions) - 1)),
                                          energy))
               for i, p in enumerate(positions)]
    if size == "full":
        strokes += [Stroke(bar_beats - 0.5, SNARE, grooves.velocity_at(96, energy)),
                    Stroke(bar_beats - 0.25, SNARE, grooves.velocity_at(110, energy))]
    kick = grooves.groove_for_meter(name, meter).kick_note
    strokes.append(Stroke(start, kick, grooves.velocity_at(104, energy), True))
    return Fill(start, tuple(strokes))


def _soft(size: str, bar_beats: float, energy: float, rng: np.random.Generator) -> Fill | None:
    """A gentle style's way into the next section: nothing or a soft pickup over a small
    change, a pickup over a medium one, a cymbal swell into a hook."""
    if size == "full":
        return _swell(bar_beats, min(2.0, bar_beats), energy)
    if size == "small" and rng.random() < 0.5:
        return None
    note = SIDE_STICK if energy < 0.5 else SNARE
    count = 1 if size == "small" else 2
    strokes = tuple(Stroke(bar_beats - 0.5 * (count - i), note,
                           grooves.velocity_at(70 + 10 * i, energy)) for i in range(count))
    return Fill(bar_beats - 0.5 * count, strokes, frozenset())  # the groove plays on


def _swell(bar_beats: float, span_beats: float, energy: float) -> Fill:
    """A cymbal swell: a soft roll on a crash rising over the span, the groove's time
    keepers giving way to it."""
    positions = np.arange(bar_beats - span_beats, bar_beats - 1e-9, 0.25)
    top = max(78, grooves.velocity_at(100, energy))  # heard even out of a quiet section
    strokes = tuple(Stroke(float(p), SWELL, round(30 + (top - 30) * i / max(1, len(positions) - 1)))
                    for i, p in enumerate(positions))
    return Fill(bar_beats - span_beats, strokes, frozenset({"hats", "cymbals"}))
