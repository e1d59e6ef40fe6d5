"""Small compositions built by hand, for tests that need a song without running generators."""

from __future__ import annotations

from studio.engine import resources
from studio.engine.model import (
    Chord,
    Composition,
    CompositionContext,
    Key,
    Lane,
    Meter,
    Mood,
    Note,
    Part,
    Section,
)

# i - VI - III - VII in A minor, one chord per bar: (root pitch class, quality, numeral)
PROGRESSION = ((9, "min", "i"), (5, "maj", "VI"), (0, "maj", "III"), (7, "maj", "VII"))
KINDS = ("intro", "verse", "chorus", "bridge", "outro")
_KICK, _SNARE, _HAT = 36, 38, 42
LANES = ("drums", "bass", "keys", "pad", "lead")  # hand-made songs have no words to sing


def make_context(
    *,
    tempo_bpm: float = 120.0,
    key: Key | None = None,
    meter: Meter | None = None,
    genre: str = "pop",
    length_bars: int = 8,
    lanes: tuple[str, ...] = LANES,
) -> CompositionContext:
    return CompositionContext(
        key=key or Key("A", "minor"),
        tempo_bpm=tempo_bpm,
        meter=meter or Meter(4, 4),
        genre_blend={genre: 0.8, "rock": 0.2} if genre != "rock" else {"rock": 1.0},
        mood=Mood(valence=-0.2, arousal=0.3, tags=("wistful", "driving")),
        length_bars=length_bars,
        seed=1234,
        lanes=lanes,
        energy_curve=((0.0, 0.3), (float(length_bars), 0.8)),
        prompt="a wistful driving pop song",
    )


def genre_lanes(genre: str, names: tuple[str, ...] = LANES) -> dict[str, Lane]:
    """Lanes with the style's General MIDI programs from resources/styles.toml."""
    programs = resources.genre(genre)["lanes"]
    return {n: Lane(name=n, program=programs[n], is_drums=n == "drums") for n in names}


def make_song(
    *,
    sections: int = 3,
    bars_per_section: int = 2,
    tempo_bpm: float = 120.0,
    lanes: tuple[str, ...] = LANES,
    genre: str = "pop",
    title: str = "Test Song",
) -> Composition:
    """A song of a few sections with simple notes in every lane (4/4, A minor)."""
    context = make_context(
        tempo_bpm=tempo_bpm, genre=genre, length_bars=sections * bars_per_section, lanes=lanes
    )
    song = Composition(title=title, context=context, lanes=genre_lanes(genre, lanes))
    for index in range(sections):
        section = _section(index, bars_per_section)
        song.sections.append(section)
        for lane in lanes:
            notes = tuple(_LANE_WRITERS[lane](section))
            song.parts[(section.id, lane)] = Part(lane=lane, section_id=section.id, notes=notes)
    return song


def single_note_song(
    *,
    lane: str = "keys",
    pitch: int = 60,
    start_beats: float = 2.0,
    duration_beats: float = 1.0,
    bars: int = 2,
    tempo_bpm: float = 120.0,
    extra_starts_beats: tuple[float, ...] = (),
) -> Composition:
    """One lane holding one note (and optional further notes of the same pitch), one section."""
    context = make_context(tempo_bpm=tempo_bpm, length_bars=bars, lanes=(lane,))
    song = Composition(title="One Note", context=context, lanes=genre_lanes("pop", (lane,)))
    song.sections.append(_section(0, bars))
    starts = (start_beats, *extra_starts_beats)
    notes = tuple(Note(pitch, s, duration_beats, 100) for s in starts)
    song.parts[(0, lane)] = Part(lane=lane, section_id=0, notes=notes)
    return song


def _section(index: int, bars: int) -> Section:
    chords = tuple(
        Chord(root, quality, bar * 4.0, 4.0, numeral)
        for bar, (root, quality, numeral) in (
            (b, PROGRESSION[b % len(PROGRESSION)]) for b in range(bars)
        )
    )
    kind = KINDS[index % len(KINDS)]
    return Section(id=index, kind=kind, bars=bars, energy=0.4 + 0.1 * (index % 5), chords=chords)


def _drums(section: Section) -> list[Note]:
    notes = []
    for bar in range(section.bars):
        for eighth in range(8):
            beat = bar * 4.0 + eighth * 0.5
            notes.append(Note(_HAT, beat, 0.25, 70 if eighth % 2 else 90))
            if eighth in (0, 4):
                notes.append(Note(_KICK, beat, 0.25, 110))
            if eighth in (2, 6):
                notes.append(Note(_SNARE, beat, 0.25, 100))
    return notes


def _bass(section: Section) -> list[Note]:
    return [
        Note(36 + chord.root_pc, chord.start_beats + beat, 0.9, 100)
        for chord in section.chords
        for beat in range(4)
    ]


def _keys(section: Section) -> list[Note]:
    return [
        Note(60 + (chord.root_pc + step) % 12, chord.start_beats + half * 2.0, 1.8, 80)
        for chord in section.chords
        for half in range(2)
        for step in (0, 3 if chord.quality == "min" else 4, 7)
    ]


def _pad(section: Section) -> list[Note]:
    return [
        Note(48 + (chord.root_pc + step) % 12, chord.start_beats, chord.duration_beats, 70)
        for chord in section.chords
        for step in (0, 7, 12)
    ]


def _lead(section: Section) -> list[Note]:
    scale = (69, 71, 72, 74, 76, 77, 79, 81)
    return [
        Note(scale[(bar * 3 + step) % len(scale)], bar * 4.0 + step * 0.5, 0.45, 90)
        for bar in range(section.bars)
        for step in range(8)
    ]


_LANE_WRITERS = {"drums": _drums, "bass": _bass, "keys": _keys, "pad": _pad, "lead": _lead}
