"""The composition model: one set of dataclasses that every stage reads and writes.

Times inside the model are in beats (quarter notes) relative to the start of the section that
holds them; they become seconds only at render time, so a tempo change moves everything
together. Source fields and derived data are kept apart: section start positions, for example,
are derived from the bar counts and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from studio.engine import theory

LANE_ORDER = ("drums", "bass", "keys", "pad", "strings", "horns", "lead", "vocal")
DEFAULT_LANES = ("drums", "bass", "keys", "pad", "lead", "vocal")


@dataclass(frozen=True)
class Key:
    """A key: tonic spelled as a note name ("F#", "Bb") and a mode name from theory.MODES."""

    tonic: str
    mode: str = "major"

    @property
    def tonic_pc(self) -> int:
        return theory.pitch_class(self.tonic)

    @property
    def scale_pcs(self) -> tuple[int, ...]:
        return theory.scale_pitch_classes(self.tonic_pc, self.mode)

    @property
    def name(self) -> str:
        return f"{self.tonic} {self.mode}"

    def spell(self, pc: int) -> str:
        """A pitch class as this key writes it ("Cb" in Eb minor, "B" in G major)."""
        return theory.spell(pc, self.tonic, self.mode)

    def chord_name(self, chord: Chord) -> str:
        return self.spell(chord.root_pc) + theory.CHORD_SUFFIX[chord.quality]


@dataclass(frozen=True)
class Meter:
    numerator: int = 4
    denominator: int = 4

    @property
    def beats_per_bar(self) -> float:
        """Length of a bar in quarter-note beats (6/8 is 3.0)."""
        return self.numerator * 4.0 / self.denominator

    @property
    def is_compound(self) -> bool:
        return self.denominator == 8 and self.numerator % 3 == 0

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def strong_beats(meter: Meter) -> tuple[float, ...]:
    """Positions in a bar (quarter-note beats) that carry the metre's main accents."""
    if meter.is_compound:
        return tuple(i * 1.5 for i in range(meter.numerator // 3))
    if meter.numerator == 4:
        return (0.0, 2.0)
    if meter.numerator == 5:
        return (0.0, 3.0)  # three and two, as a 5/4 jazz tune counts it
    return (0.0,)


def is_strong(position_beats: float, meter: Meter) -> bool:
    in_bar = position_beats % meter.beats_per_bar
    return any(abs(in_bar - s) < 1e-6 for s in strong_beats(meter))


@dataclass(frozen=True)
class Mood:
    """Valence (sad -1 .. happy +1), arousal (calm -1 .. excited +1) and descriptive tags."""

    valence: float = 0.0
    arousal: float = 0.0
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompositionContext:
    """The musical facts every stage shares. Tempo is in quarter notes per minute.

    `programs` (lane -> General MIDI program) and `drum_kit` are the instruments the person
    chose (in the prompt, by Refine or in the mixer); every other lane plays the style's.
    """

    key: Key
    tempo_bpm: float
    meter: Meter
    genre_blend: dict[str, float]
    mood: Mood
    length_bars: int
    seed: int
    lanes: tuple[str, ...] = DEFAULT_LANES
    energy_curve: tuple[tuple[float, float], ...] = ()
    prompt: str = ""
    programs: dict[str, int] = field(default_factory=dict)
    drum_kit: int | None = None
    # The styles of the blend as guessed from the prompt's meaning, with their similarity
    # (0..1), when the prompt named none; empty when it named one (or nothing was guessed).
    understood: tuple[tuple[str, float], ...] = ()

    @property
    def primary_genre(self) -> str:
        return max(sorted(self.genre_blend), key=lambda g: self.genre_blend[g])

    @property
    def length_s(self) -> float:
        return self.length_bars * self.meter.beats_per_bar * 60.0 / self.tempo_bpm


@dataclass(frozen=True)
class Note:
    """One note. `chromatic` marks a pitch outside the key that a generator chose on purpose."""

    pitch: int
    start_beats: float
    duration_beats: float
    velocity: int
    chromatic: bool = False

    @property
    def end_beats(self) -> float:
        return self.start_beats + self.duration_beats


@dataclass(frozen=True)
class Chord:
    """A chord of a section: root pitch class, quality name from theory.CHORD_INTERVALS."""

    root_pc: int
    quality: str
    start_beats: float
    duration_beats: float
    numeral: str = ""

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return theory.chord_pitch_classes(self.root_pc, self.quality)

    @property
    def name(self) -> str:
        return theory.chord_name(self.root_pc, self.quality)


@dataclass(frozen=True)
class Section:
    """One arrangement section. `id` is stable across edits and seeds the section's randomness.

    `energy` is derived from the context's energy curve. `valence_offset` makes one section
    darker (< 0) or brighter than the song, `feel` is "" or "half-time", and `density`
    thins (< 1) or thickens (> 1) one lane's playing here, by lane name (0: the lane rests).
    `marks` are the arrangement's words for the section's place in the song, which the
    generators read (SECTION_MARKS).
    """

    id: int
    kind: str
    bars: int
    energy: float
    chords: tuple[Chord, ...] = ()
    groove: str = ""
    valence_offset: float = 0.0
    feel: str = ""
    density: dict[str, float] = field(default_factory=dict)
    marks: tuple[str, ...] = ()


# What a section's marks say of it: each generator reads those that concern its lane.
SECTION_MARKS = {
    "build": "it leads into a hook: it rises at its end (a roll, a riser, a pickup)",
    "break": "its last beats are silent before the next section (drums may pick up)",
    "lift": "the last of its kind: it lifts over the earlier ones (a layer, a higher voicing)",
    "sparse": "it is the song's first statement of its kind and plays thinned",
    "drop-kick": "the kick rests (a breakdown)",
    "ending": "the song ends with it: the last bar is a final hit that rings out",
    "fade": "the song ends with it: the section fades out",
}


@dataclass(frozen=True)
class Part:
    """The notes of one lane in one section, section-relative beats."""

    lane: str
    section_id: int
    notes: tuple[Note, ...]
    variation: int = 0
    locked: bool = False


@dataclass(frozen=True)
class LaneFx:
    """A lane's effects: an insert chain (high-pass at `low_cut_hz`, 0 for none; shelves at
    200 Hz and 6 kHz; a compressor, off at ratio 1) and its sends (0..1) to the song's
    reverb and delay buses, taken after the fader."""

    low_cut_hz: float = 0.0
    low_shelf_db: float = 0.0
    high_shelf_db: float = 0.0
    comp_threshold_db: float = 0.0
    comp_ratio: float = 1.0
    reverb_send: float = 0.0
    delay_send: float = 0.0


@dataclass(frozen=True)
class VoiceProfile:
    """What a person's recording says about their voice, as numbers (so singing in it needs
    no recording): pitch range and median, the first formant's estimated position, the
    spectral envelope's centroid, and breathiness (0 clear .. 1 all breath). `recording_id`
    names the recording in the project file it was made from (-1: none kept)."""

    name: str
    f0_median_hz: float
    f0_low_hz: float
    f0_high_hz: float
    formant_hz: float
    centroid_hz: float
    breathiness: float
    recording_id: int = -1


@dataclass(frozen=True)
class NoteExpression:
    """How one vocal note is sung, where it differs from the voice: the note is the
    `note_index`th of its section's vocal part; `vibrato` and `portamento` stand for the
    voice's own for this note (its vibrato depth, its glide into the note; None keeps the
    voice's)."""

    section_id: int
    note_index: int
    vibrato: float | None = None
    portamento: float | None = None


@dataclass(frozen=True)
class Voice:
    """The singing voice of the vocal lane: a preset of resources/voices.toml, how much
    vibrato (0 is none), glide and breath it sings with (1 is the preset's), optionally a
    person's profile it moves toward (by `profile_amount`), and per-note expression."""

    preset: str = "high soft"
    vibrato: float = 1.0
    portamento: float = 1.0
    breath: float = 1.0
    profile: VoiceProfile | None = None
    profile_amount: float = 1.0
    notes: tuple[NoteExpression, ...] = ()


@dataclass
class Lane:
    """A row of the arrangement: one instrument with its mix settings and effects. The vocal
    lane sings with `voice` (None: the default voice)."""

    name: str
    program: int
    is_drums: bool = False
    gain_db: float = 0.0
    pan: float = 0.0
    mute: bool = False
    solo: bool = False
    fx: LaneFx = LaneFx()
    voice: Voice | None = None


@dataclass(frozen=True)
class Buses:
    """The song's send effects: a reverb (room size, damping, width, 0..1) and a delay
    (time in beats, so it follows the tempo, and feedback)."""

    reverb_room: float = 0.5
    reverb_damping: float = 0.5
    reverb_width: float = 1.0
    delay_beats: float = 0.75
    delay_feedback: float = 0.3


@dataclass(frozen=True)
class Mastering:
    """How the master is made: a preset of resources/mastering.toml (tone, glue compression,
    limiting), the loudness target and the true-peak ceiling."""

    preset: str = "balanced"
    target_lufs: float = -14.0
    ceiling_dbtp: float = -1.0


@dataclass(frozen=True)
class Syllable:
    """One sung syllable: its written piece, the word it belongs to (index in its line), its
    lexical stress (1 primary, 2 secondary, 0 none), and the notes it is sung on: the index
    of the first in its section's vocal part, and how many (more than one is a melisma).
    Before a melody exists, `note_index` is -1."""

    text: str
    word_index: int
    stress: int
    note_index: int = -1
    note_count: int = 1


@dataclass(frozen=True)
class LyricLine:
    """One sung line. `role` is "hook" (the chorus's first line), "refrain" (a line the form
    repeats outside a chorus) or ""."""

    text: str
    syllables: tuple[Syllable, ...]
    section_id: int
    role: str = ""


@dataclass(frozen=True)
class SectionLyrics:
    """The lines of one sung section and their rhyme scheme, one letter per line: lines
    with the same letter rhyme, X rhymes with nothing. `source` says who wrote them ("local",
    an outside provider's name, or "user"); `variation` picks the writer's seed."""

    section_id: int
    lines: tuple[LyricLine, ...]
    scheme: str
    source: str = "local"
    variation: int = 0

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.lines)

    def for_section(self, section_id: int) -> SectionLyrics:
        """The same lyrics sung in another section (a repeated chorus)."""
        lines = tuple(replace(line, section_id=section_id) for line in self.lines)
        return replace(self, section_id=section_id, lines=lines)


@dataclass(frozen=True)
class VocalPart:
    """The vocal notes of one section and its lyrics with every syllable on its notes."""

    section_id: int
    notes: tuple[Note, ...]
    lyrics: SectionLyrics

    def line_notes(self, line_index: int) -> tuple[Note, ...]:
        """The notes one line is sung on, melisma notes included."""
        syllables = self.lyrics.lines[line_index].syllables
        first = syllables[0].note_index
        last = syllables[-1].note_index + syllables[-1].note_count
        return self.notes[first:last]


@dataclass
class Composition:
    """A song. `lyrics` holds the words of each sung section by section id; their syllables
    point at the notes of the same section's part in the "vocal" lane."""

    title: str
    context: CompositionContext
    sections: list[Section] = field(default_factory=list)
    lanes: dict[str, Lane] = field(default_factory=dict)
    parts: dict[tuple[int, str], Part] = field(default_factory=dict)
    mastering: Mastering = Mastering()
    lyrics: dict[int, SectionLyrics] = field(default_factory=dict)
    buses: Buses = Buses()

    def vocals(self) -> dict[int, VocalPart]:
        """The sung sections' vocal notes with their aligned lyrics, by section id, in order."""
        result = {}
        for section in self.sections:
            lyrics = self.lyrics.get(section.id)
            part = self.parts.get((section.id, "vocal"))
            if lyrics is not None and part is not None:
                result[section.id] = VocalPart(section.id, part.notes, lyrics)
        return result

    def section_start_beats(self, section_id: int) -> float:
        """Derived: where a section starts, from the bar counts of the sections before it."""
        beats = 0.0
        for section in self.sections:
            if section.id == section_id:
                return beats
            beats += section.bars * self.context.meter.beats_per_bar
        raise KeyError(f"no section with id {section_id}")

    @property
    def total_beats(self) -> float:
        return sum(s.bars for s in self.sections) * self.context.meter.beats_per_bar

    def lane_notes(self, lane: str) -> list[Note]:
        """All notes of one lane in song beats, in time order."""
        notes: list[Note] = []
        start = 0.0
        for section in self.sections:
            part = self.parts.get((section.id, lane))
            if part is not None:
                notes.extend(
                    Note(n.pitch, n.start_beats + start, n.duration_beats, n.velocity, n.chromatic)
                    for n in part.notes
                )
            start += section.bars * self.context.meter.beats_per_bar
        notes.sort(key=lambda n: (n.start_beats, n.pitch))
        return notes
