"""The check of a song against what the studio can make (the limits table).

check_song(composition) raises ImpossibleSong naming the first thing out of bounds: a project
file's version, a crash's unsaved edits or a song an edit made is checked before anything is
shown, sung or rendered from it. It reads every note once: a two-minute song of 4000 notes
is checked in about a millisecond. A song has at most as many lanes as LANE_ORDER names, each
once.
"""

from __future__ import annotations

import math

from studio.engine import limits, resources, theory
from studio.engine.model import LANE_ORDER, Composition, Lane, Part, Section, Voice
from studio.engine.singing.presets import preset_names as voice_presets
from studio.engine.sound.mastering import preset_names as master_presets


class ImpossibleSong(ValueError):
    """A song holds something the studio cannot make; the message names it and its value."""


def check_song(song: Composition) -> None:
    """ImpossibleSong when anything in the song is beyond the limits (see the module)."""
    _check_sections(song)
    _check_context(song)
    for name, lane in song.lanes.items():
        _one_of("lane", name, LANE_ORDER)
        if lane.name != name:
            raise ImpossibleSong(f"the lane {name!r} is named {lane.name!r}")
        _check_lane(lane)
    sections = {section.id: section for section in song.sections}
    for key, part in song.parts.items():
        _check_part(song, sections.get(key[0]), key, part)
    _check_lyrics(song)
    _within("the mastering's loudness target", song.mastering.target_lufs,
            limits.LOUDNESS_RANGE, " LUFS")
    _within("the mastering's ceiling", song.mastering.ceiling_dbtp,
            limits.CEILING_RANGE_DBTP, " dBTP")
    _one_of("mastering preset", song.mastering.preset, master_presets())
    for name, bounds in limits.BUS_RANGES.items():
        _within(f"the buses' {name.replace('_', ' ')}", getattr(song.buses, name), bounds)


def check_recording(seconds: float, sample_rate: int, channels: int) -> None:
    """ImpossibleSong when a kept recording is not one the studio could have kept."""
    _within("its sample rate", sample_rate, limits.RECORDING_RATE_RANGE_HZ, " Hz")
    _within("its number of channels", channels, (1, limits.RECORDING_CHANNELS_MAX))
    _within("its length", round(seconds, 1), limits.RECORDING_RANGE_S, " s")


def _within(what: str, value, bounds: tuple, unit: str = "") -> None:
    low, high = bounds
    try:
        fits = not isinstance(value, bool) and low <= value <= high  # NaN fits nowhere
    except TypeError:
        fits = False
    if not fits:
        said = f"{value:g}" if isinstance(value, float) else repr(value)
        raise ImpossibleSong(f"{what} is {said}{unit}, where the studio makes {low:g} to "
                             f"{high:g}{unit}")


def _one_of(what: str, value, known) -> None:
    if value not in known:
        raise ImpossibleSong(f"the {what} is {value!r}, which the studio does not know")


def _check_context(song: Composition) -> None:
    context = song.context
    _within("the tempo", context.tempo_bpm, limits.TEMPO_RANGE_BPM, " bpm")
    meter = (context.meter.numerator, context.meter.denominator)
    if meter not in limits.SUPPORTED_METERS:
        raise ImpossibleSong(f"the meter is {meter[0]}/{meter[1]}, which the studio does not "
                             "make (it makes 2/4, 3/4, 4/4, 5/4, 6/8 and 12/8)")
    try:
        theory.pitch_class(context.key.tonic)
    except (ValueError, AttributeError):
        raise ImpossibleSong(f"the key's tonic is {context.key.tonic!r}, not a note "
                             "name") from None
    _one_of("mode", context.key.mode, theory.MODES)
    if not context.genre_blend:
        raise ImpossibleSong("the genre blend is empty")
    for genre, weight in context.genre_blend.items():
        _one_of("style", genre, resources.genres())
        _within(f"the weight of {genre}", weight, (0.0, 1.0))
    _within("the mood's valence", context.mood.valence, limits.MOOD_RANGE)
    _within("the mood's arousal", context.mood.arousal, limits.MOOD_RANGE)
    for lane, program in context.programs.items():
        _within(f"the program chosen for {lane}", program, limits.PROGRAM_RANGE)
    if context.drum_kit is not None:
        _within("the drum kit", context.drum_kit, limits.PROGRAM_RANGE)
    for bar, energy in context.energy_curve:
        _within("a point of the energy curve", energy, limits.ENERGY_RANGE)
        _within("a bar of the energy curve", bar, (0, limits.SONG_BARS_MAX))


def _check_sections(song: Composition) -> None:
    if not song.sections:
        raise ImpossibleSong("the song has no sections")
    kinds = resources.table("sections")
    ids = set()
    total = 0
    for section in song.sections:
        label = _label(section)
        _one_of("section kind", section.kind, kinds)
        if section.id in ids:
            raise ImpossibleSong(f"two sections have the id {section.id}")
        ids.add(section.id)
        _within(f"the length of {label}", section.bars, limits.SECTION_BARS_RANGE, " bars")
        total += section.bars
        _within(f"the energy of {label}", section.energy, limits.ENERGY_RANGE)
        for lane, amount in section.density.items():
            _within(f"the density of {lane} in {label}", amount, (0.0, 4.0))
        for chord in section.chords:
            _within(f"a chord root of {label}", chord.root_pc, (0, 11))
            _one_of(f"chord quality in {label}", chord.quality, theory.CHORD_INTERVALS)
    _within("the song's length", total, (1, limits.SONG_BARS_MAX), " bars")


def _check_lane(lane: Lane) -> None:
    _within(f"the program of {lane.name}", lane.program, limits.PROGRAM_RANGE)
    _within(f"the gain of {lane.name}", lane.gain_db, limits.GAIN_RANGE_DB, " dB")
    _within(f"the pan of {lane.name}", lane.pan, limits.PAN_RANGE)
    for name, bounds in limits.FX_RANGES.items():
        _within(f"the {name.replace('_', ' ')} of {lane.name}", getattr(lane.fx, name), bounds)
    if lane.voice is not None:
        _check_voice(lane.voice)


def _check_voice(voice: Voice) -> None:
    _one_of("voice preset", voice.preset, voice_presets())
    for name, bounds in limits.VOICE_RANGES.items():
        _within(f"the voice's {name.replace('_', ' ')}", getattr(voice, name), bounds)
    if voice.profile is not None:
        for name, bounds in limits.PROFILE_RANGES.items():
            _within(f"the voice profile's {name}", getattr(voice.profile, name), bounds)
    for expression in voice.notes:
        for name in ("vibrato", "portamento"):
            value = getattr(expression, name)
            if value is not None:
                _within(f"the {name} of vocal note {expression.note_index}", value,
                        limits.VOICE_RANGES[name])


def _check_part(song: Composition, section: Section | None, key: tuple[int, str],
                part: Part) -> None:
    if section is None or key[1] not in song.lanes:
        raise ImpossibleSong(f"a part of {key[1]} is in section {key[0]}, which the song "
                             "does not have" if section is None else
                             f"a part is in the lane {key[1]!r}, which the song does not have")
    label = f"{key[1]} in {_label(section)}"
    bar_beats = song.context.meter.beats_per_bar
    beats = section.bars * bar_beats
    _within(f"the number of notes of {label}", len(part.notes),
            (0, limits.NOTES_PER_BEAT_MAX * beats))
    last_end = beats + limits.NOTE_OVERHANG_BARS * bar_beats
    (low_pitch, high_pitch), (low_velocity, high_velocity) = (limits.PITCH_RANGE,
                                                              limits.VELOCITY_RANGE)
    for note in part.notes:
        # one comparison a field while all is well (a song has thousands of notes; this runs
        # on every version shown), the named check only for a note that fails it
        try:
            fits = (low_pitch <= note.pitch <= high_pitch
                    and low_velocity <= note.velocity <= high_velocity
                    and 0.0 <= note.start_beats <= beats and note.duration_beats > 0
                    and note.start_beats + note.duration_beats <= last_end)
        except TypeError:
            fits = False
        if not fits:
            _check_note(label, note, beats, last_end)


def _check_note(label: str, note, beats: float, last_end: float) -> None:
    _within(f"a pitch of {label}", note.pitch, limits.PITCH_RANGE)
    _within(f"a velocity of {label}", note.velocity, limits.VELOCITY_RANGE)
    _within(f"a note's start in {label}", note.start_beats, (0.0, beats), " beats")
    try:
        lasts = note.duration_beats > 0 and math.isfinite(note.duration_beats)
    except TypeError:
        lasts = False
    if not lasts:
        raise ImpossibleSong(f"a note of {label} lasts {note.duration_beats!r} beats")
    _within(f"a note's end in {label}", note.end_beats, (0.0, last_end), " beats")


def _check_lyrics(song: Composition) -> None:
    for section_id, words in song.lyrics.items():
        section = next((s for s in song.sections if s.id == section_id), None)
        if section is None:
            raise ImpossibleSong(f"there are words for section {section_id}, which the song "
                                 "does not have")
        label = _label(section)
        _within(f"the number of lines of {label}", len(words.lines),
                (0, limits.LINES_PER_BAR * section.bars))
        part = song.parts.get((section_id, "vocal"))
        notes = len(part.notes) if part is not None else 0
        for line in words.lines:
            _within(f"the length of a line of {label}", len(line.text),
                    (0, limits.LYRIC_LINE_CHARS), " characters")
            for syllable in line.syllables:
                first, count = syllable.note_index, syllable.note_count
                if first == -1:  # sung before a melody was written
                    continue
                try:
                    fits = first >= 0 and count >= 1 and first + count <= notes
                except TypeError:
                    fits = False
                if not fits:
                    raise ImpossibleSong(f"a syllable of {label} is sung on notes {first!r} "
                                         f"to {first!r} + {count!r}, where the vocal part "
                                         f"has {notes} notes")


def _label(section: Section) -> str:
    return f"the {section.kind} (section {section.id})"
