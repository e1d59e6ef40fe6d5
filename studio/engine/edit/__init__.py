"""Editing: operations that change one part of a song and keep the rest, and refine in words.

Every operation takes a composition and returns (a new composition, Change); the Change says
what it touched, so the caller commits one version and re-renders only what is stale.

What the song plays (operations)
    regenerate_section, vary_lane, extend, delete_section, duplicate_section, move_section,
    set_section_bars, set_section_energy, set_locked, set_notes, change_tempo, change_key,
    change_style, add_lane, shape_section, regenerate_lyrics, set_lyrics, set_song_lyrics
    OPERATIONS: every operation (these and the ones below) by name

How the song sounds (sound_settings)
    set_lane_mix, set_lane_fx, set_buses, set_mastering, set_voice, set_note_expression,
    set_note_expressions; LOUDNESS_RANGE, VOICE_RANGES: the ranges they accept

Which instruments play it (instruments)
    set_lane_program(composition, lane, program), set_drum_kit(composition, kit)

What every operation shares (change)
    Change(kind, message, stale, all_audio); copy_song, find_section, check_lane,
    section_label

Refine in words (instructions, phrases, vocabulary, refine_report)
    refine(composition, text) -> RefineResult: an instruction ("more energy in the chorus")
        applied as operations; plan(composition, text) -> the steps it would take
    refine_report.report_refine(composition, result) -> RefineReport: the words used, those
        that could not be, and the nearest things refine can do (by the prompt-reading
        model); imported from its module, as it loads that model when asked
    phrases.READERS: what each phrase of resources/refine.toml does (instrument_phrases:
        those that name instruments); vocabulary: the words
"""

from studio.engine.edit.change import Change, check_lane, copy_song, find_section, section_label
from studio.engine.edit.instructions import RefineResult, plan, refine
from studio.engine.edit.instruments import set_drum_kit, set_lane_program
from studio.engine.edit.operations import (
    OPERATIONS,
    add_lane,
    change_key,
    change_style,
    change_tempo,
    delete_section,
    duplicate_section,
    extend,
    move_section,
    regenerate_lyrics,
    regenerate_section,
    set_locked,
    set_lyrics,
    set_notes,
    set_section_bars,
    set_section_energy,
    set_song_lyrics,
    shape_section,
    vary_lane,
)
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

__all__ = [
    "LOUDNESS_RANGE", "OPERATIONS", "VOICE_RANGES", "Change", "RefineResult", "add_lane",
    "change_key", "change_style", "change_tempo", "check_lane", "copy_song", "delete_section",
    "duplicate_section", "extend", "find_section", "move_section", "plan", "refine",
    "regenerate_lyrics", "regenerate_section", "section_label", "set_buses", "set_drum_kit",
    "set_lane_fx", "set_lane_mix", "set_lane_program", "set_locked", "set_lyrics",
    "set_mastering", "set_note_expression", "set_note_expressions", "set_notes",
    "set_section_bars", "set_section_energy", "set_song_lyrics", "set_voice", "shape_section",
    "vary_lane",
]
