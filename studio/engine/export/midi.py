"""MIDI export: the composition as a type 1 Standard MIDI File, one track per lane.

Track 0 carries the song's title, tempo, metre and key; each lane's track carries its name,
its program and its notes; the vocal track also carries the lyrics, a syllable per note.
The same composition always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import mido

from studio.engine import theory
from studio.engine.model import Composition, Key, Meter, Note
from studio.engine.sound.mix import ordered_lanes
from studio.engine.sound.soundfont import DRUM_CHANNEL, drum_kit

TICKS_PER_BEAT = 480
# mido's key names by accidentals, -7 (seven flats) .. +7 (seven sharps)
_MAJOR_KEYS = "Cb Gb Db Ab Eb Bb F C G D A E B F# C#".split()
_MINOR_KEYS = "Abm Ebm Bbm Fm Cm Gm Dm Am Em Bm F#m C#m G#m D#m A#m".split()


def key_signature(key: Key) -> str:
    """mido's name of a key's signature; other modes use their parent major key's signature."""
    parent_pc = (key.tonic_pc - theory.MODE_OFFSET[key.mode]) % 12
    sharps = parent_pc * 7 % 12  # steps round the circle of fifths from C, 0..11
    if theory.prefers_flats(key.tonic, key.mode):
        accidentals = sharps - 12 if sharps >= 5 else sharps
    else:
        accidentals = sharps - 12 if sharps > 7 else sharps
    if key.mode == "minor":
        return _MINOR_KEYS[accidentals + 7]
    return _MAJOR_KEYS[accidentals + 7]


def time_signature(meter: Meter) -> mido.MetaMessage:
    """The metre, with the metronome clicking on the felt beat (a dotted quarter in 6/8)."""
    beat_quarters = 4.0 / meter.denominator * (3 if meter.is_compound else 1)
    return mido.MetaMessage(
        "time_signature",
        numerator=meter.numerator,
        denominator=meter.denominator,
        clocks_per_click=round(24 * beat_quarters),
        notated_32nd_notes_per_beat=8,
    )


def to_midi(composition: Composition) -> mido.MidiFile:
    """A type 1 MIDI file at 480 ticks per beat: a conductor track, then one track per lane."""
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    end_tick = _ticks(composition.total_beats)
    context = composition.context
    conductor = [
        mido.MetaMessage("track_name", name=_latin1(composition.title)),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(context.tempo_bpm)),
        time_signature(context.meter),
        mido.MetaMessage("key_signature", key=key_signature(context.key)),
    ]
    midi.tracks.append(_track(conductor, [], end_tick))
    for name, (channel, program) in _channels(composition).items():
        header = [
            mido.MetaMessage("track_name", name=_latin1(name)),
            mido.Message("program_change", channel=channel, program=program),
        ]
        events = _note_events(composition.lane_notes(name), channel)
        if name == "vocal":
            events = sorted(events + _lyric_events(composition), key=lambda e: (e[0], e[1]))
        midi.tracks.append(_track(header, events, end_tick))
    return midi


def _lyric_events(composition: Composition) -> list[tuple[int, int, mido.MetaMessage]]:
    """A lyrics meta event per syllable at its first note's onset (order 0: before the
    note-on it names). A word's inner syllables end in "-", as karaoke files write them."""
    events = []
    for section_id, vocal in composition.vocals().items():
        start = composition.section_start_beats(section_id)
        for line in vocal.lyrics.lines:
            for position, syllable in enumerate(line.syllables):
                following = line.syllables[position + 1] if position + 1 < len(line.syllables) \
                    else None
                joined = following is not None and following.word_index == syllable.word_index
                text = syllable.text + ("-" if joined else "")
                tick = _ticks(start + vocal.notes[syllable.note_index].start_beats)
                events.append((tick, 0, mido.MetaMessage("lyrics", text=_latin1(text))))
    return events


def _channels(composition: Composition) -> dict[str, tuple[int, int]]:
    """Lane -> (channel, program) in track order: drums on 9, others 0, 1, 2... skipping 9."""
    melodic = iter(c for c in range(16) if c != DRUM_CHANNEL)
    channels = {}
    for name in ordered_lanes(composition.lanes):
        lane = composition.lanes[name]
        if lane.is_drums:
            channels[name] = (DRUM_CHANNEL, drum_kit(composition.context))
            continue
        channel = next(melodic, None)
        if channel is None:
            raise ValueError("a MIDI file has 15 channels for pitched lanes; this song has more")
        channels[name] = (channel, lane.program)
    return channels


def write_midi(composition: Composition, path: str | Path) -> Path:
    """Write the composition's MIDI file; returns the path written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_midi(composition).save(path)
    return path


def _latin1(text: str) -> str:
    """Text a MIDI meta event can hold: mido writes latin-1, so other characters become '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _ticks(beats: float) -> int:
    return max(0, round(beats * TICKS_PER_BEAT))


def _note_events(notes: list[Note], channel: int) -> list[tuple[int, int, mido.Message]]:
    """(tick, order, message): note-offs sort before note-ons on the same tick."""
    events = []
    for note in notes:
        start = _ticks(note.start_beats)
        end = max(_ticks(note.end_beats), start + 1)
        pitch, velocity = min(max(note.pitch, 0), 127), min(max(note.velocity, 1), 127)
        events.append(
            (start, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity))
        )
        events.append((end, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    events.sort(key=lambda e: (e[0], e[1], e[2].note))
    return events


def _track(
    header: list[mido.MetaMessage | mido.Message],
    events: list[tuple[int, int, mido.Message]],
    end_tick: int,
) -> mido.MidiTrack:
    """A track: header messages at tick 0, timed events as deltas, the end at the song's end."""
    track = mido.MidiTrack(header)
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(end_tick - now, 0)))
    return track
