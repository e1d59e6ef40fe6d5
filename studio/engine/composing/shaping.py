"""The band's shape: arrangement as subtraction and contrast, by a section's place in the song.

    shape_band(sections, context, rng) -> sections   the lanes that rest (density 0), marks
    shape_part(composition, section, lane, notes) -> notes   a generated part as marks ask

The leanings of every style family are data (resources/arrangement.toml): which lanes rest in
an intro, a first verse, a bridge or a breakdown, which hooks a break comes before, how the
song ends, what layers lift the last hook.

What shape_part does for each mark (model.SECTION_MARKS; generators read the others):
  lift     the lanes of `lift_octave` add a voice an octave above their top note; the drums
           add the `lift_percussion` overdub (a tambourine, a shaker)
  break    the other lanes fall silent over the section's last `break_beats` (the drums make
           their own break and pickup)
  fade     every lane's velocities ramp down over the section to `fade_floor`
  ending   on the last bar's first beat every lane plays a final hit and the pitched lanes hold
           it to the end of the song; later onsets are cut
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.engine import resources
from studio.engine.composing import feel
from studio.engine.model import Composition, CompositionContext, Note, Section

# Onsets this near a beat count as on it (microtiming and anticipations of the final hit).
_NEAR_BEATS = 0.25
_TOP_PITCH = 96
_OCTAVE_VELOCITY = 0.8
_OVERDUB_VELOCITY = (72, 52)  # on the beat, off it
_OVERDUB_BEATS = 0.1


def leanings(genre: str) -> dict:
    """The arrangement leanings of a style: its family's row of resources/arrangement.toml
    over the defaults (rests merged role by role)."""
    table = resources.table("arrangement")
    family = table.get("family", {}).get(resources.genre(genre).get("family", ""), {})
    merged = {**table["default"], **family}
    merged["rests"] = {**table["default"]["rests"], **family.get("rests", {})}
    return merged


def shape_band(sections: list[Section], context: CompositionContext,
               rng: np.random.Generator) -> list[Section]:
    """The sections with the lanes that rest in them (density 0) and their marks: a sparse
    first verse, builds (and breaks) into hooks, a lifted last hook (every lane back, with
    the layers shape_part adds), kickless breakdowns and the song's ending or fade. Short
    sections (a short song's) keep every lane and play through."""
    lean = leanings(context.primary_genre)
    kinds = [s.kind for s in sections]
    band = [lane for lane in context.lanes if lane != "vocal"]
    ending = str(lean["endings"][int(rng.integers(len(lean["endings"])))])
    shaped = []
    for index, section in enumerate(sections):
        short = section.bars < int(lean["phrase_bars"])
        resting = [] if short else _resting(lean, _role(kinds, index), band)
        marks = _marks(kinds, index, lean, short, "drums" in resting)
        if index == len(sections) - 1:
            marks += (ending,)
        shaped.append(replace(section, density=dict.fromkeys(resting, 0.0), marks=marks))
    return shaped


def _marks(kinds: list[str], index: int, lean: dict, short: bool,
           drums_rest: bool) -> tuple[str, ...]:
    """A section's marks from its place among the song's kinds (the ending apart)."""
    hook = "chorus" if "chorus" in kinds else "drop"
    hooks = [i for i, k in enumerate(kinds) if k == hook]
    role = _role(kinds, index)
    marks = []
    if role == "first-verse":
        marks.append("sparse")
    if role in lean["kickless"] and not drums_rest:
        marks.append("drop-kick")
    if index + 1 in hooks and kinds[index] != hook:
        marks.append("build")
        last = index + 1 == hooks[-1]
        if not short and (lean["breaks"] == "all" or (lean["breaks"] == "last" and last)):
            marks.append("break")
    if len(hooks) > 1 and index == hooks[-1]:
        marks.append("lift")
    return tuple(marks)


def _role(kinds: list[str], index: int) -> str:
    """A section's role in the band's shape: its kind, the first verse apart (when a verse
    or a hook follows it to bring the rest of the band in: a song's only verse is not
    thinned)."""
    kind = kinds[index]
    later = set(kinds[index + 1:]) & {"verse", "chorus", "drop"}
    if kind == "verse" and kinds.index("verse") == index and later:
        return "first-verse"
    return kind


def _resting(lean: dict, role: str, band: list[str]) -> list[str]:
    """The song's lanes that rest in a role, keeping `min_lanes` of its band playing."""
    keep = min(len(band), int(lean["min_lanes"]))
    resting = []
    for lane in lean["rests"].get(role, ()):
        if lane in band and lane not in lean["always"] and len(band) - len(resting) > keep:
            resting.append(lane)
    return resting


def shape_part(composition: Composition, section: Section, lane: str,
               notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The lane's notes for the section as the arrangement shapes them."""
    if not section.marks or lane == "vocal":
        return notes
    lean = leanings(composition.context.primary_genre)
    bar_beats = composition.context.meter.beats_per_bar
    length = section.bars * bar_beats
    if "lift" in section.marks:
        notes = _lift(notes, lane, lean, length, feel.swing_amount(composition.context))
    if "break" in section.marks and lane != "drums":
        notes = silence_after(notes, length - float(lean["break_beats"]))
    if "fade" in section.marks:
        notes = fade(notes, length, float(lean["fade_floor"]))
    if "ending" in section.marks:
        notes = final_hit(notes, length - bar_beats, length, ring=lane != "drums")
    return tuple(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))


def _lift(notes: tuple[Note, ...], lane: str, lean: dict, length: float,
          swing: float) -> tuple[Note, ...]:
    if lane in lean["lift_octave"]:
        return octave_layer(notes)
    if lane == "drums" and lean["lift_percussion"] and notes:
        level = sorted(n.velocity for n in notes)[len(notes) // 2]  # the kit's own level
        return notes + overdub(int(lean["lift_percussion"]), float(lean["lift_step_beats"]),
                               length, swing, level)
    return notes


def octave_layer(notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The notes with a voice an octave above the top note of each onset (a higher voicing
    that lifts the last hook), where it stays in a bright but playable register."""
    tops: dict[float, Note] = {}
    for note in notes:
        kept = tops.get(note.start_beats)
        if kept is None or note.pitch > kept.pitch:
            tops[note.start_beats] = note
    added = tuple(replace(top, pitch=top.pitch + 12,
                          velocity=max(1, round(top.velocity * _OCTAVE_VELOCITY)))
                  for top in tops.values() if top.pitch + 12 <= _TOP_PITCH)
    return notes + added


def overdub(drum_note: int, step_beats: float, length: float,
            swing: float = 0.0, level: int = _OVERDUB_VELOCITY[0]) -> tuple[Note, ...]:
    """A percussion overdub every `step_beats` over the section, at the kit's `level` on the
    beat and softer off it, its off-beat eighths swung as the song swings."""
    positions = [i * step_beats for i in range(int(round(length / step_beats)))]
    soft = _OVERDUB_VELOCITY[1] / _OVERDUB_VELOCITY[0]
    return tuple(Note(drum_note, feel.swing_beats(at, swing), _OVERDUB_BEATS,
                      level if at % 1.0 == 0 else max(1, round(level * soft)))
                 for at in positions)


def silence_after(notes: tuple[Note, ...], cut_beats: float) -> tuple[Note, ...]:
    """The notes before `cut_beats`, those sounding past it cut there: a silence to the end."""
    kept = []
    for note in notes:
        if note.start_beats >= cut_beats - 1e-6:
            continue
        if note.end_beats > cut_beats:
            note = replace(note, duration_beats=cut_beats - note.start_beats)
        kept.append(note)
    return tuple(kept)


def fade(notes: tuple[Note, ...], length: float, floor: float) -> tuple[Note, ...]:
    """Velocities ramping from full at the section's start to `floor` of it at its end."""
    return tuple(replace(n, velocity=max(1, round(n.velocity * (
        1.0 - (1.0 - floor) * min(1.0, max(0.0, n.start_beats / length))))))
        for n in notes)


def final_hit(notes: tuple[Note, ...], hit_beats: float, end_beats: float,
              ring: bool = True) -> tuple[Note, ...]:
    """The notes up to a final hit at `hit_beats` and the hit itself, nothing after; with
    `ring` the hit (or, when nothing strikes there, what sounds across it) holds to
    `end_beats`."""
    before = [n for n in notes if n.start_beats < hit_beats - _NEAR_BEATS]
    hit = [n for n in notes if abs(n.start_beats - hit_beats) <= _NEAR_BEATS]
    if not ring:
        return tuple(before + hit)
    if not hit:
        held = [n for n in before if n.end_beats > hit_beats]
        before = [n for n in before if n.end_beats <= hit_beats]
        hit = held
    return tuple(before + [replace(n, duration_beats=end_beats - n.start_beats) for n in hit])
