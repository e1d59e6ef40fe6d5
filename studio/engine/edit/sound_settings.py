"""Operations on how the song sounds rather than what it plays: a lane's mix and effects,
the buses, the master, and the singing voice (down to one note's expression)."""

from __future__ import annotations

from dataclasses import fields, replace

from studio.engine.edit.change import (
    KEEP,
    Change,
    check_lane,
    copy_song,
    find_section,
    section_label,
    sung_parts,
)
from studio.engine.limits import LOUDNESS_RANGE as LOUDNESS_RANGE
from studio.engine.limits import VOICE_RANGES as VOICE_RANGES
from studio.engine.model import Buses, Composition, NoteExpression, Voice, VoiceProfile
from studio.engine.singing.presets import default_preset, preset_names
from studio.engine.sound.mastering import loudness_target, master_preset
from studio.engine.sound.mix import fx_settings


def set_lane_mix(composition: Composition, lane: str, **settings) -> tuple[Composition, Change]:
    """A mix change (gain_db, pan, mute, solo) of one lane: no part changes, no render."""
    song = copy_song(composition)
    target = song.lanes[check_lane(composition, lane)]
    for name, value in settings.items():
        if name not in ("gain_db", "pan", "mute", "solo"):
            raise ValueError(f"'{name}' is not a mix setting (gain_db, pan, mute, solo)")
        setattr(target, name, value)
    described = ", ".join(f"{k} {v}" for k, v in settings.items())
    return song, Change("mix", f"Mix {lane}: {described}")


def set_lane_fx(composition: Composition, lane: str, **settings) -> tuple[Composition, Change]:
    """A change of one lane's effects (see model.LaneFx): no part changes; the mix redoes."""
    song = copy_song(composition)
    target = song.lanes[check_lane(composition, lane)]
    target.fx = fx_settings(target.fx, **settings)
    described = ", ".join(f"{k} {v:g}" for k, v in settings.items())
    return song, Change("mix", f"Effects on {lane}: {described}")


def set_buses(composition: Composition, **settings) -> tuple[Composition, Change]:
    """A change of the song's reverb or delay bus (see model.Buses)."""
    known = {f.name for f in fields(Buses)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"no bus setting {', '.join(sorted(unknown))} "
                         f"(settings: {', '.join(sorted(known))})")
    song = copy_song(composition)
    song.buses = replace(song.buses, **{k: float(v) for k, v in settings.items()})
    described = ", ".join(f"{k} {v:g}" for k, v in settings.items())
    return song, Change("mix", f"Buses: {described}")


def set_mastering(composition: Composition, *, preset: str | None = None,
                  target_lufs: float | str | None = None) -> tuple[Composition, Change]:
    """Another mastering preset, or loudness target: LUFS, or a name (streaming, club,
    broadcast). The true-peak ceiling stays at -1 dBTP."""
    song = copy_song(composition)
    mastering = song.mastering
    if preset is not None:
        master_preset(song.context, preset)  # refuses an unknown name
        mastering = replace(mastering, preset=preset)
    if isinstance(target_lufs, str):
        target_lufs = loudness_target(target_lufs)
    if target_lufs is not None:
        if not LOUDNESS_RANGE[0] <= target_lufs <= LOUDNESS_RANGE[1]:
            raise ValueError(f"a loudness target of {target_lufs:g} LUFS is out of range: "
                             f"choose {LOUDNESS_RANGE[0]:g} to {LOUDNESS_RANGE[1]:g}")
        mastering = replace(mastering, target_lufs=float(target_lufs))
    song.mastering = mastering
    return song, Change("master", f"Master: {mastering.preset}, {mastering.target_lufs:g} LUFS")


def set_voice(composition: Composition, *, preset: str | None = None, profile=KEEP,
              profile_amount: float | None = None, vibrato: float | None = None,
              portamento: float | None = None,
              breath: float | None = None) -> tuple[Composition, Change]:
    """The vocal lane's voice changed: another preset, a person's profile (a VoiceProfile or
    its dict; None sings the preset alone), how far it moves toward the profile (0..1), its
    vibrato, glide and breath (1 is the preset's). The notes stay; the vocal sings again."""
    check_lane(composition, "vocal")
    if preset is not None and preset not in preset_names():
        raise ValueError(f"there is no voice preset '{preset}' (choose from "
                         f"{', '.join(preset_names())})")
    if isinstance(profile, dict):
        profile = VoiceProfile(**profile)
    if profile is not KEEP and profile is not None and not isinstance(profile, VoiceProfile):
        raise ValueError(f"a voice profile is a VoiceProfile or its dict, not {profile!r}")
    amounts = {name: _in_range(name, value) for name, value in (
        ("profile_amount", profile_amount), ("vibrato", vibrato), ("portamento", portamento),
        ("breath", breath)) if value is not None}
    changes = {**amounts, **({"preset": preset} if preset is not None else {}),
               **({"profile": profile} if profile is not KEEP else {})}
    if not changes:
        raise ValueError("name something of the voice to change")
    old = composition.lanes["vocal"].voice or Voice(default_preset())
    voice = replace(old, **changes)
    if voice == old:
        raise ValueError("the voice is already so")
    song = copy_song(composition)
    song.lanes["vocal"].voice = voice
    return song, Change("voice", f"Voice: {_voice_message(old, voice)}", sung_parts(song))


def set_note_expression(composition: Composition, section_id: int, note_index: int, *,
                        vibrato=KEEP, portamento=KEEP) -> tuple[Composition, Change]:
    """How one vocal note is sung: its vibrato depth and its glide into it, as multiples of
    the voice's (None: the voice's own again). Only that section sings again."""
    return set_note_expressions(composition, section_id, [
        {"note_index": note_index,
         **({"vibrato": vibrato} if vibrato is not KEEP else {}),
         **({"portamento": portamento} if portamento is not KEEP else {})}])


def set_note_expressions(composition: Composition, section_id: int,
                         edits: list[dict]) -> tuple[Composition, Change]:
    """Several notes' expression in one section at once (one edit of the piano roll): each
    a dict with `note_index` and `vibrato` and/or `portamento` (see set_note_expression)."""
    section = find_section(composition, section_id)
    part = composition.parts.get((section.id, "vocal"))
    if part is None:
        raise ValueError(f"{section_label(composition, section)} has no vocal notes")
    old = composition.lanes["vocal"].voice or Voice(default_preset())
    overrides = {n.note_index: n for n in old.notes if n.section_id == section.id}
    for edit in edits:
        edit = dict(edit)
        index = edit.pop("note_index")
        if not 0 <= index < len(part.notes):
            raise ValueError(f"the vocal of {section_label(composition, section)} has "
                             f"{len(part.notes)} notes: there is no note {index}")
        unknown = set(edit) - {"vibrato", "portamento"}
        if unknown or not edit:
            raise ValueError("a note's expression is its vibrato and portamento, not "
                             f"{', '.join(sorted(unknown)) or 'nothing'}")
        values = {k: None if v is None else _in_range(k, v) for k, v in edit.items()}
        expression = replace(overrides.get(index, NoteExpression(section.id, index)), **values)
        overrides[index] = expression
        if expression.vibrato is None and expression.portamento is None:
            del overrides[index]  # the voice's own again
    notes = tuple(sorted([n for n in old.notes if n.section_id != section.id]
                         + list(overrides.values()), key=lambda n: (n.section_id, n.note_index)))
    if notes == old.notes:
        raise ValueError("the notes are already sung so")
    song = copy_song(composition)
    song.lanes["vocal"].voice = replace(old, notes=notes)
    count = len(edits)
    what = f"note {edits[0]['note_index'] + 1}" if count == 1 else f"{count} notes"
    return song, Change("voice", f"Expression of {what} in {section_label(composition, section)}",
                        frozenset({(section.id, "vocal")}))


def _in_range(name: str, value: float) -> float:
    low, high = VOICE_RANGES[name]
    if not low <= float(value) <= high:
        raise ValueError(f"{name.replace('_', ' ')} {float(value):g} is out of range: choose "
                         f"{low:g} to {high:g}")
    return float(value)


def _voice_message(old: Voice, new: Voice) -> str:
    said = []
    if new.preset != old.preset:
        said.append(new.preset)
    if new.profile != old.profile:
        said.append(f"sung as '{new.profile.name}'" if new.profile else "no profile")
    for name, label in (("profile_amount", "profile strength"), ("vibrato", "vibrato"),
                        ("portamento", "glide"), ("breath", "breath")):
        if getattr(new, name) != getattr(old, name):
            said.append(f"{label} {getattr(new, name):.0%}")
    return ", ".join(said)
