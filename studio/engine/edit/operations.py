"""Iteration: the operations that change one part of a song and keep the rest.

Each operation takes a composition and returns a new one with a `Change` that says what it
touched, so the caller commits one version and re-renders only what is stale. Parts that
the person locked are inputs, never outputs: no operation regenerates them, and a key
change transposes them. This module holds those on what the song plays; those on how it
sounds (mix, effects, buses, master, voice) are in sound_settings, and the instruments that
play it in instruments; OPERATIONS names them all, for callers told an operation by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps

from studio.engine import resources
from studio.engine.composing.arrangement import derive_energies, energy_curve
from studio.engine.composing.grooves import groove_names_for
from studio.engine.composing.harmony import harmonize, section_chords
from studio.engine.edit.change import (
    Change,
    check_lane,
    copy_song,
    find_section,
    section_label,
)
from studio.engine.edit.instruments import set_drum_kit, set_lane_program
from studio.engine.edit.sound_settings import (
    LOUDNESS_RANGE,
    VOICE_RANGES,
    set_buses,
    set_lane_fx,
    set_lane_mix,
    set_mastering,
    set_note_expression,
    set_note_expressions,
    set_voice,
)
from studio.engine.limits import SECTION_BARS_RANGE, TEMPO_RANGE_BPM
from studio.engine.lyrics.plan import is_sung
from studio.engine.lyrics.providers import LyricsProvider
from studio.engine.lyrics.stage import (
    fit_lyrics,
    fit_song_lyrics,
    write_lyrics,
    write_section_lyrics,
)
from studio.engine.model import (
    LANE_ORDER,
    Composition,
    Key,
    Lane,
    Mood,
    Note,
    Part,
    Section,
)
from studio.engine.orchestrator import make_lanes, place_part
from studio.engine.song_check import ImpossibleSong, check_song
from studio.engine.sound.mastering import preset_name
from studio.engine.sound.mix import bus_defaults, lane_fx_defaults

GROOVE_LANES = ("drums", "bass", "keys")  # the lanes that play a section's groove

__all__ = ["LOUDNESS_RANGE", "OPERATIONS", "VOICE_RANGES", "Change"]


def regenerate_section(composition: Composition, section_id: int) -> tuple[Composition, Change]:
    """New parts for every unlocked lane of one section (the next variation of each). The
    words stay: the vocal gets a new melody for the same lyrics (see regenerate_lyrics)."""
    section = find_section(composition, section_id)
    song = copy_song(composition)
    stale = _regenerate(song, [section.id], list(song.lanes), next_variation=True)
    return song, Change("regenerate-section", f"Regenerate {section_label(composition, section)}",
                        stale)


def vary_lane(composition: Composition, section_id: int, lane: str) -> tuple[Composition, Change]:
    """A new variation of one lane in one section."""
    section = find_section(composition, section_id)
    check_lane(composition, lane)
    song = copy_song(composition)
    stale = _regenerate(song, [section.id], [lane], next_variation=True)
    return song, Change("vary-lane", f"Vary {lane} in {section_label(composition, section)}", stale)


def extend(composition: Composition, kind: str = "chorus", *, bars: int | None = None,
           at: int | None = None) -> tuple[Composition, Change]:
    """A new section of `kind` inserted at index `at` (default: before the outro, or last)."""
    table = resources.table("sections")
    if kind not in table:
        raise ValueError(f"'{kind}' is not a section kind (known: {', '.join(table)})")
    song = copy_song(composition)
    if at is None:
        kinds = [s.kind for s in song.sections]
        at = kinds.index("outro") if "outro" in kinds else len(kinds)
    new_id = max((s.id for s in song.sections), default=-1) + 1
    level = table[kind]["energy"] + 0.12 * song.context.mood.arousal
    segments = _segments(song)
    segments.insert(at, (level - table[kind]["rise"] / 2, level + table[kind]["rise"] / 2))
    song.sections.insert(at, Section(new_id, kind, bars or table[kind]["bars"], 0.0,
                                     groove=_neighbour_groove(song.sections, at)))
    _set_curve(song, segments)
    song.sections[at] = replace(song.sections[at],
                                chords=section_chords(song.context, song.sections, at))
    if "vocal" in song.lanes and is_sung(song.sections[at]):
        song.lyrics[new_id] = write_section_lyrics(song, new_id)
    stale = _regenerate(song, [new_id], list(song.lanes), next_variation=False)
    return song, Change("extend", f"Add a {kind}", stale)


def delete_section(composition: Composition, section_id: int) -> tuple[Composition, Change]:
    section = find_section(composition, section_id)
    if len(composition.sections) == 1:
        raise ValueError("a song needs at least one section")
    song = copy_song(composition)
    index = song.sections.index(section)
    segments = _segments(song)
    del segments[index], song.sections[index]
    for lane in song.lanes:
        song.parts.pop((section.id, lane), None)
    song.lyrics.pop(section.id, None)
    _set_curve(song, segments)
    # Later sections move but keep their audio: the renderer places sections by their bars.
    return song, Change("delete-section", f"Delete {section_label(composition, section)}")


def duplicate_section(composition: Composition, section_id: int) -> tuple[Composition, Change]:
    """A copy of a section, with the same parts, right after it."""
    section = find_section(composition, section_id)
    song = copy_song(composition)
    index = song.sections.index(section)
    new_id = max(s.id for s in song.sections) + 1
    segments = _segments(song)
    segments.insert(index + 1, segments[index])
    song.sections.insert(index + 1, replace(section, id=new_id))
    for lane in song.lanes:
        part = song.parts.get((section.id, lane))
        if part is not None:
            song.parts[(new_id, lane)] = replace(part, section_id=new_id)
    if section.id in song.lyrics:
        song.lyrics[new_id] = song.lyrics[section.id].for_section(new_id)
    _set_curve(song, segments)
    return song, Change("duplicate-section", f"Duplicate {section_label(composition, section)}",
                        frozenset((new_id, lane) for lane in song.lanes))


def move_section(composition: Composition, section_id: int,
                 to_index: int) -> tuple[Composition, Change]:
    """A section moved to another place in the arrangement, with its parts, words and energy.
    Nothing is stale: the renderer places each section's audio by its bars."""
    section = find_section(composition, section_id)
    song = copy_song(composition)
    index = song.sections.index(section)
    to_index = max(0, min(len(song.sections) - 1, to_index))
    if to_index == index:
        raise ValueError(f"{section_label(composition, section)} is already there")
    segments = _segments(song)
    segments.insert(to_index, segments.pop(index))
    song.sections.insert(to_index, song.sections.pop(index))
    _set_curve(song, segments)
    return song, Change("move-section", f"Move {section_label(composition, section)} to place "
                                        f"{to_index + 1}")


def set_section_bars(composition: Composition, section_id: int,
                     bars: int) -> tuple[Composition, Change]:
    """A section made longer or shorter: new chords over its bars, its unlocked lanes
    written again and its words fitted to the new length."""
    section = find_section(composition, section_id)
    low, high = SECTION_BARS_RANGE
    if not low <= bars <= high:
        raise ValueError(f"a section is {low} to {high} bars long, not {bars}")
    if bars == section.bars:
        raise ValueError(f"{section_label(composition, section)} is already {bars} bars long")
    locked = [lane for lane in composition.lanes
              if (p := composition.parts.get((section.id, lane))) is not None and p.locked]
    if locked:
        raise ValueError(f"{', '.join(locked)} in {section_label(composition, section)} is locked: "
                         "unlock it to change the section's length")
    song = copy_song(composition)
    index = song.sections.index(section)
    segments = _segments(song)
    song.sections[index] = replace(section, bars=int(bars))
    _set_curve(song, segments)
    song.sections[index] = replace(song.sections[index], chords=section_chords(
        song.context, song.sections, index))
    if section.id in song.lyrics:
        try:
            song.lyrics[section.id] = fit_lyrics(song, section.id,
                                                 "\n".join(song.lyrics[section.id].texts))
        except ValueError:  # the old lines do not fit the shorter section: new ones do
            del song.lyrics[section.id]
            song.lyrics[section.id] = write_section_lyrics(song, section.id)
    stale = _regenerate(song, [section.id], list(song.lanes), next_variation=False)
    return song, Change("resize-section", f"{section_label(composition, section).capitalize()} "
                                          f"{section.bars} -> {bars} bars",
                        stale | {(section.id, lane) for lane in song.lanes})


def set_section_energy(composition: Composition, section_id: int, *,
                       start: float | None = None,
                       end: float | None = None) -> tuple[Composition, Change]:
    """The energy curve at a section's start and/or end set (0.05 to 1), and its unlocked
    lanes written again to follow it."""
    section = find_section(composition, section_id)
    if start is None and end is None:
        raise ValueError("set the energy at the section's start, its end, or both")
    song = copy_song(composition)
    index = song.sections.index(section)
    segments = _segments(song)
    first, last = segments[index]
    segments[index] = (_clip(first if start is None else start),
                       _clip(last if end is None else end))
    _set_curve(song, segments)
    stale = _regenerate(song, [section.id], list(song.lanes), next_variation=False)
    energy = song.sections[index].energy
    return song, Change("shape-section", f"Energy of {section_label(composition, section)} "
                                         f"{energy:.2f}", stale)


def set_locked(composition: Composition, section_id: int, lane: str,
               locked: bool = True) -> tuple[Composition, Change]:
    song = copy_song(composition)
    key = (find_section(composition, section_id).id, check_lane(composition, lane))
    song.parts[key] = replace(song.parts[key], locked=locked)
    verb = "Lock" if locked else "Unlock"
    return song, Change("lock", f"{verb} {lane} in {section_label(composition, song.parts[key])}")


def set_notes(composition: Composition, section_id: int, lane: str,
              notes: list) -> tuple[Composition, Change]:
    """A part's notes as a person edited them (Note objects, or [pitch, start beats, length
    in beats, velocity] rows). The part is locked, so no regeneration undoes the edit; the
    vocal line is edited through its lyrics instead, since its notes carry syllables."""
    section = find_section(composition, section_id)
    check_lane(composition, lane)
    if lane == "vocal":
        raise ValueError("the vocal notes carry the lyrics' syllables: change the words, or "
                         "ask for a new variation of the melody")
    length = section.bars * composition.context.meter.beats_per_bar
    made = []
    for note in notes:
        if not isinstance(note, Note):
            pitch, start, duration, velocity = note[:4]
            note = Note(int(pitch), float(start), float(duration), int(velocity))
        if not (0 <= note.pitch <= 127 and 1 <= note.velocity <= 127 and note.duration_beats > 0
                and 0 <= note.start_beats < length):
            raise ValueError(f"a note at beat {note.start_beats:g} (pitch {note.pitch}, "
                             f"velocity {note.velocity}) does not fit a {section.bars}-bar "
                             "section")
        scale = composition.context.key.scale_pcs
        made.append(replace(note, chromatic=note.pitch % 12 not in scale and lane != "drums"))
    song = copy_song(composition)
    old = song.parts.get((section.id, lane))
    song.parts[(section.id, lane)] = Part(lane, section.id, tuple(sorted(
        made, key=lambda n: (n.start_beats, n.pitch))), old.variation if old else 0, locked=True)
    return song, Change("edit-notes", f"Edit {lane} in {section_label(composition, section)}",
                        frozenset({(section.id, lane)}))


def change_tempo(composition: Composition, tempo_bpm: float) -> tuple[Composition, Change]:
    """A new tempo: every note keeps its beat, so only the audio changes."""
    low, high = TEMPO_RANGE_BPM
    if not low <= tempo_bpm <= high:
        raise ValueError(f"a tempo of {tempo_bpm:g} bpm is out of range: choose {low:g} to "
                         f"{high:g} bpm")
    song = copy_song(composition)
    song.context = replace(song.context, tempo_bpm=float(tempo_bpm))
    return song, Change("context", f"Tempo {tempo_bpm:g} bpm", all_audio=True)


def change_key(composition: Composition, key: Key) -> tuple[Composition, Change]:
    """A new key. In the same mode everything is transposed; a new mode re-derives the chords
    and regenerates unlocked parts, while locked parts are transposed to the new tonic."""
    song = copy_song(composition)
    shift = (key.tonic_pc - song.context.key.tonic_pc + 6) % 12 - 6
    same_mode = key.mode == song.context.key.mode
    song.context = replace(song.context, key=key)
    if same_mode:
        song.sections = [replace(s, chords=tuple(replace(c, root_pc=(c.root_pc + shift) % 12)
                                                 for c in s.chords)) for s in song.sections]
        song.parts = {k: _transposed(p, shift) for k, p in song.parts.items()}
        stale = frozenset(song.parts)
    else:
        song.parts = {k: _transposed(p, shift) if p.locked else p for k, p in song.parts.items()}
        song.sections = harmonize(song.context, song.sections)
        stale = _regenerate(song, [s.id for s in song.sections], list(song.lanes), False)
        stale |= {k for k, p in song.parts.items() if p.locked}
    return song, Change("context", f"Key {key.name}", frozenset(stale))


def change_style(composition: Composition, *, mood: Mood | None = None,
                 genre_blend: dict[str, float] | None = None) -> tuple[Composition, Change]:
    """A new mood or genre blend: the energy curve, instruments, chords and every unlocked
    part are derived again; sections keep their kinds, lengths and ids."""
    song = copy_song(composition)
    context = song.context
    if mood is not None:
        context = replace(context, mood=mood)
    if genre_blend is not None:
        total = sum(genre_blend.values())
        context = replace(context, genre_blend={g: w / total for g, w in genre_blend.items()})
    song.context = context
    _rebuild_curve(song)
    # instruments follow the new style; so do effects, buses and the master preset the
    # person left as the old style set them
    before = make_lanes(replace(composition.context, lanes=tuple(song.lanes)))
    after = make_lanes(replace(context, lanes=tuple(song.lanes)))
    song.lanes = {n: replace(lane, program=after[n].program,
                             fx=after[n].fx if lane.fx == before[n].fx else lane.fx)
                  for n, lane in song.lanes.items()}
    if song.buses == bus_defaults(composition.context):
        song.buses = bus_defaults(context)
    if song.mastering.preset == preset_name(composition.context):
        song.mastering = replace(song.mastering, preset=preset_name(context))
    song.sections = harmonize(context, song.sections)
    stale = _regenerate(song, [s.id for s in song.sections], list(song.lanes), False)
    what = "mood" if mood is not None else "genre blend"
    return song, Change("context", f"Change the {what}", stale)


def add_lane(composition: Composition, name: str,
             program: int | None = None) -> tuple[Composition, Change]:
    """A lane the genre did not bring (strings, say), generated in every section."""
    if name in composition.lanes:
        raise ValueError(f"the song already has a {name} lane")
    defaults = resources.table("lanes").get(name)
    if defaults is None:
        raise ValueError(f"no lane called '{name}' (known: {', '.join(resources.table('lanes'))})")
    chosen = {**resources.genre(composition.context.primary_genre)["lanes"],
              **composition.context.programs}
    if program is None:
        # the instrument chosen for the lane or the genre's, else the lane's own default
        program = chosen.get(name, defaults.get("program", 0))
    song = copy_song(composition)
    if program != chosen.get(name, defaults.get("program", 0)):
        # kept in the context, so a change of style leaves the person's instrument playing
        song.context = replace(song.context, programs={**song.context.programs, name: program})
    lanes = {**song.lanes, name: Lane(name, program, is_drums=name == "drums",
                                      gain_db=defaults["gain_db"], pan=defaults["pan"],
                                      fx=lane_fx_defaults(song.context, name))}
    song.lanes = {n: lanes[n] for n in LANE_ORDER if n in lanes}
    song.context = replace(song.context, lanes=tuple(song.lanes))
    if name == "vocal":
        song.lyrics = write_lyrics(song)
    stale = _regenerate(song, [s.id for s in song.sections], [name], next_variation=False)
    return song, Change("add-lane", f"Add {name}", stale)


def shape_section(composition: Composition, section_id: int, *, energy_delta: float = 0.0,
                  valence_offset: float | None = None, feel: str | None = None,
                  density: dict[str, float] | None = None,
                  lanes: list[str] | None = None,
                  style: str | None = None) -> tuple[Composition, Change]:
    """Reshape one section (its energy, darkness, feel, a lane's density, or the groove of
    another style: its drums, bass and keys play that style's usual groove) and regenerate
    the named lanes (all unlocked lanes by default; the groove's lanes for a style) there;
    chords change only with darkness."""
    section = find_section(composition, section_id)
    song = copy_song(composition)
    index = song.sections.index(section)
    if energy_delta:
        segments = _segments(song)
        segments[index] = tuple(_clip(e + energy_delta) for e in segments[index])
        _set_curve(song, segments)
    changes = {}
    if valence_offset is not None:
        changes["valence_offset"] = valence_offset
    if feel is not None:
        changes["feel"] = feel
    if density is not None:
        changes["density"] = {**song.sections[index].density, **density}
    if style is not None:
        changes["groove"] = groove_names_for(style, song.context.meter)[0]
        lanes = lanes or [lane for lane in GROOVE_LANES if lane in song.lanes]
    song.sections[index] = replace(song.sections[index], **changes)
    if valence_offset is not None:
        song.sections[index] = replace(song.sections[index], chords=section_chords(
            song.context, song.sections, index))
    stale = _regenerate(song, [section.id], lanes or list(song.lanes), next_variation=False)
    label = section_label(composition, section)
    message = f"Play {label} with the {style} groove" if style else f"Reshape {label}"
    return song, Change("shape-section", message, stale)


def regenerate_lyrics(composition: Composition, section_id: int,
                      provider: LyricsProvider | None = None) -> tuple[Composition, Change]:
    """New words for one sung section (the next variation), and its melody fitted to them.
    A chorus is one chorus however often it comes back: every chorus singing the same words
    gets the new ones."""
    section = find_section(composition, section_id)
    old = composition.lyrics.get(section.id)
    if old is None:
        raise ValueError(f"{section_label(composition, section)} has no lyrics to rewrite"
                         + ("" if "vocal" in composition.lanes else ": the song has no vocal lane"))
    group = [section.id]
    if section.kind == "chorus":
        group = [s.id for s in composition.sections if s.kind == "chorus"
                 and s.id in composition.lyrics and composition.lyrics[s.id].texts == old.texts]
    _check_unlocked(composition, group)
    song = copy_song(composition)
    for sid in group:
        del song.lyrics[sid]
    written = write_section_lyrics(song, section.id, provider, variation=old.variation + 1)
    for sid in group:
        song.lyrics[sid] = written.for_section(sid)
    stale = _regenerate(song, group, ["vocal"], next_variation=False)
    return song, Change("lyrics", f"New lyrics for {section_label(composition, section)}",
                        stale | {(sid, "vocal") for sid in group})


def set_lyrics(composition: Composition, section_id: int,
               text: str) -> tuple[Composition, Change]:
    """A person's own lines (one per text line) for one section; the melody is fitted to
    them. Raises LyricsFitError when a line cannot be sung in its bars."""
    section = find_section(composition, section_id)
    check_lane(composition, "vocal")
    _check_unlocked(composition, [section.id])
    song = copy_song(composition)
    song.lyrics[section.id] = fit_lyrics(song, section.id, text)
    stale = _regenerate(song, [section.id], ["vocal"], next_variation=False)
    return song, Change("lyrics", f"Edit the lyrics of {section_label(composition, section)}",
                        stale | {(section.id, "vocal")})


def set_song_lyrics(composition: Composition, text: str) -> tuple[Composition, Change]:
    """A person's lyrics for the whole song (blocks split by blank lines or headings such as
    "[Chorus]"); sections the text does not reach keep theirs."""
    check_lane(composition, "vocal")
    fitted = fit_song_lyrics(composition, text)
    if not fitted:
        raise ValueError("the text has no lines to sing")
    _check_unlocked(composition, list(fitted))
    song = copy_song(composition)
    song.lyrics.update(fitted)
    stale = _regenerate(song, list(fitted), ["vocal"], next_variation=False)
    return song, Change("lyrics", "Set the song's lyrics",
                        stale | {(sid, "vocal") for sid in fitted})


# -- helpers ---------------------------------------------------------------------------------

def _regenerate(song: Composition, section_ids: list[int], lanes: list[str],
                next_variation: bool) -> frozenset[tuple[int, str]]:
    """Generate the unlocked parts of the given sections and lanes in place; the stale keys."""
    stale = set()
    for section in [s for s in song.sections if s.id in section_ids]:
        before = {lane: song.parts.get((section.id, lane)) for lane in song.lanes}
        for lane in lanes:
            old = song.parts.get((section.id, lane))
            if old is not None and old.locked:
                continue
            variation = (old.variation + 1 if next_variation else old.variation) if old else 0
            part = place_part(song, section, lane, variation)
            if old is None or old.notes != part.notes:
                stale.add((section.id, lane))
                if lane == "vocal":
                    _forget_expression(song, section.id)
        for lane, was in before.items():  # a new vocal remakes the lanes that make room for it
            now = song.parts.get((section.id, lane))
            if now is not None and (was is None or was.notes != now.notes):
                stale.add((section.id, lane))
    return frozenset(stale)


def _forget_expression(song: Composition, section_id: int) -> None:
    """New vocal notes in a section: what was said of its old notes no longer applies."""
    lane = song.lanes.get("vocal")
    voice = lane.voice if lane is not None else None
    if voice is not None and any(n.section_id == section_id for n in voice.notes):
        lane.voice = replace(voice, notes=tuple(n for n in voice.notes
                                                if n.section_id != section_id))


def _check_unlocked(composition: Composition, section_ids: list[int]) -> None:
    """Words and melody go together: a locked vocal part keeps its words."""
    for sid in section_ids:
        part = composition.parts.get((sid, "vocal"))
        if part is not None and part.locked:
            raise ValueError(f"the vocal of {section_label(composition, part)} is locked: "
                             "unlock it to change its words")


def _segments(song: Composition) -> list[tuple[float, float]]:
    """The energy curve as (start, end) energy per section, in section order."""
    curve = song.context.energy_curve
    if len(curve) != 2 * len(song.sections):
        return [(s.energy, s.energy) for s in song.sections]
    return [(curve[2 * i][1], curve[2 * i + 1][1]) for i in range(len(song.sections))]


def _set_curve(song: Composition, segments: list[tuple[float, float]]) -> None:
    """Write the curve back at the sections' (possibly moved) bars and re-derive energies."""
    points, start = [], 0
    for section, (first, last) in zip(song.sections, segments, strict=True):
        points += [(float(start), round(first, 4)), (float(start + section.bars), round(last, 4))]
        start += section.bars
    song.context = replace(song.context, energy_curve=tuple(points))
    song.sections = derive_energies(song.sections, song.context.energy_curve)


def _rebuild_curve(song: Composition) -> None:
    kinds = [s.kind for s in song.sections]
    curve = energy_curve(kinds, [s.bars for s in song.sections], song.context)
    song.context = replace(song.context, energy_curve=curve)
    song.sections = derive_energies(song.sections, curve)


def _transposed(part: Part, shift: int) -> Part:
    notes = part.notes if part.lane == "drums" else tuple(
        Note(n.pitch + shift, n.start_beats, n.duration_beats, n.velocity, n.chromatic)
        for n in part.notes)
    return replace(part, notes=notes)


def _neighbour_groove(sections: list[Section], at: int) -> str:
    near = sections[at - 1] if at > 0 else (sections[at] if sections else None)
    return near.groove if near else ""


def _clip(energy: float) -> float:
    return min(1.0, max(0.05, energy))


def _within_limits(operation: Callable) -> Callable:
    """The operation, refusing (ValueError) a song beyond what the studio makes (limits):
    what a person's edits make is what a project file may hold."""
    @wraps(operation)
    def checked(composition: Composition, *args, **kwargs) -> tuple[Composition, Change]:
        song, change = operation(composition, *args, **kwargs)
        try:
            check_song(song)
        except ImpossibleSong as error:
            raise ValueError(f"{change.message} is refused: {error}") from None
        return song, change
    return checked


OPERATIONS: dict[str, Callable[..., tuple[Composition, Change]]] = {
    op.__name__: _within_limits(op) for op in (
        regenerate_section, vary_lane, extend, delete_section, duplicate_section, move_section,
        set_section_bars, set_section_energy, set_locked, set_notes, change_tempo, change_key,
        change_style, add_lane, shape_section, regenerate_lyrics, set_lyrics, set_song_lyrics,
        set_lane_mix, set_lane_fx, set_buses, set_mastering, set_voice, set_note_expression,
        set_note_expressions, set_lane_program, set_drum_kit)}
__all__ += list(OPERATIONS)
