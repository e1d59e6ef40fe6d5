"""Measures of a song's arrangement craft, read from its notes, lyrics and sections the way
an arranger reads a score: which instruments rest, whether the last chorus lifts, how the
song ends, how the drums move, whether the parts leave the voice room, whether the chorus
has a hook. Each is a pure function of a Composition; scripts/arranger_report.py prints
them for a suite of prompts and tests/test_arrangement_craft.py holds them to thresholds.

The band and its form
    silent_section_lanes(c) -> (silent, total); notes_per_bar(c, section)
    chorus_lift(c) -> last chorus's notes per bar over the first's
    ending(c) -> "ring-out" | "fade" | "cut"; ends_in_ring_out(c); ends_in_fade(c)
Drums
    drum_bar_patterns(c, section); section_pattern_count(c, section)
    varied_drum_sections(c) -> (varied, counted); off_grid_share(c); ghost_notes(c)
    drum_kit(c); has_backbeat(c); groove_identity(c); grooves_differ(a, b)
Room, melody and words
    vocal_crowding(c); chorus_hooks(c); line_repeats(c, section); motif_repeats(notes)
    vocal_rests(c); lowest_note(c, lane); line_openings(c); opening_spread(songs)
Figures that describe rather than judge
    bass_root_share(c); bass_on_kicks(c); keys_doubling_pad(c); vocal_on_beat_share(c);
    verse_melody_kept(c)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from studio.engine import resources
from studio.engine.composing import feel
from studio.engine.model import Composition, Note, Section

BAND_LANES = ("drums", "bass", "keys", "pad", "strings", "horns", "lead")
# the lanes whose rests are the arranger's choice: the lead already sits out where the
# voice sings, so its rests say nothing of the arrangement
ARRANGED_LANES = ("drums", "bass", "keys", "pad", "strings", "horns")
CHORUS_KINDS = ("chorus", "drop")  # a dance track's drop is its chorus
KICKS = (35, 36)
SNARES = (37, 38, 40)  # side stick, acoustic and electric snare
CLAPS = (39,)
BACKBEAT_SNARES = (38, 40)
MACHINE_KITS = (24, 25, 48)  # electronic, TR-808, orchestral: no drummer's ghost notes
CRASHES = (49, 52, 55, 57)  # crash, china, splash: phrase marks, not the pattern
RINGING_CYMBALS = CRASHES + (51, 59)
GHOST_VELOCITY = 50
SIXTEENTH = 0.25
_GRIDS = (0.25, 1.0 / 6.0)  # straight sixteenths and sixteenth triplets
_ON_GRID = 1e-3  # beats: closer than this to a grid point is on the grid
_EPSILON = 1e-6


# ------------------------------------------------------------------ helpers

def _section_notes(c: Composition, section: Section, lane: str) -> tuple[Note, ...]:
    part = c.parts.get((section.id, lane))
    return part.notes if part is not None else ()


def _band_lanes(c: Composition) -> list[str]:
    return [lane for lane in BAND_LANES if lane in c.lanes]


def _overlap(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return max(0.0, min(a_end, b_end) - max(a_start, b_start))


def _union_length(spans: Iterable[tuple[float, float]]) -> float:
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def _bar_of(start_beats: float, bar_beats: float) -> tuple[int, float]:
    """(bar, position in the bar) of an onset, read to the nearest sixteenth so that a
    stroke played a little ahead of a barline still counts in the bar it belongs to."""
    quantized = round(start_beats / SIXTEENTH) * SIXTEENTH
    bar = int(math.floor(quantized / bar_beats + _EPSILON))
    return bar, round(quantized - bar * bar_beats, 6)


# ------------------------------------------------------------------ the band and its form

def silent_section_lanes(c: Composition,
                         lanes: Sequence[str] = ARRANGED_LANES) -> tuple[int, int]:
    """How many of the band's section-lanes play no note at all, out of how many: an
    instrument sitting out a section (a verse without drums, a bridge without bass) is
    what makes the song change shape. Lanes not in the song are not counted."""
    lanes = [lane for lane in lanes if lane in c.lanes]
    silent = sum(1 for s in c.sections for lane in lanes if not _section_notes(c, s, lane))
    return silent, len(lanes) * len(c.sections)


def notes_per_bar(c: Composition, section: Section) -> float:
    """Notes of every lane (the voice too) per bar of a section: how busy it sounds."""
    count = sum(len(_section_notes(c, section, lane)) for lane in c.lanes)
    return count / max(1, section.bars)


def chorus_lift(c: Composition) -> float | None:
    """Notes per bar of the last chorus over the first (None with fewer than two): above
    1 the last chorus adds a layer or plays denser, so the song climbs to its end."""
    choruses = [s for s in c.sections if s.kind in CHORUS_KINDS]
    if len(choruses) < 2:
        return None
    first = notes_per_bar(c, choruses[0])
    return notes_per_bar(c, choruses[-1]) / first if first else None


def _bar_velocities(c: Composition, lane: str, bars: int) -> list[float]:
    """Mean velocity of a lane's notes in each of the song's last `bars` bars (0: none)."""
    bar_beats = c.context.meter.beats_per_bar
    first_bar = round(c.total_beats / bar_beats) - bars
    sums = [[0.0, 0] for _ in range(bars)]
    for note in c.lane_notes(lane):
        index = int(note.start_beats // bar_beats) - first_bar
        if 0 <= index < bars:
            sums[index][0] += note.velocity
            sums[index][1] += 1
    return [total / count if count else 0.0 for total, count in sums]


def ends_in_fade(c: Composition, bars: int = 4) -> bool:
    """The band fades out: every instrument still playing in the song's last bar plays it
    softer than any of the bars before it among the last `bars`, and at most 70% as loud
    as the first of them (instruments may drop out on the way)."""
    fading = []
    for lane in _band_lanes(c):
        per_bar = _bar_velocities(c, lane, bars)
        if not per_bar[-1]:
            continue
        velocities = [v for v in per_bar if v > 0]
        fading.append(velocities[-1] <= min(velocities) + _EPSILON
                      and velocities[-1] <= 0.7 * velocities[0])
    return bool(fading) and all(fading)


def ends_in_ring_out(c: Composition) -> bool:
    """The band stops on a final hit that rings: no instrument starts a note in the last
    half bar of the song, and of the notes struck with the last hit one is held a beat or
    more (or is a cymbal left to ring). A band still playing its groove in the last half
    bar is cut off by the barline."""
    notes = [(lane, n) for lane in _band_lanes(c) for n in c.lane_notes(lane)]
    if not notes:
        return False
    last_onset = max(n.start_beats for _, n in notes)
    # a little room for a final hit played late
    if c.total_beats - last_onset < c.context.meter.beats_per_bar / 2 - 0.1:
        return False
    struck = [(lane, n) for lane, n in notes if n.start_beats >= last_onset - 0.5]
    return any(n.pitch in RINGING_CYMBALS if lane == "drums" else n.duration_beats >= 1.0
               for lane, n in struck)


def ending(c: Composition) -> str:
    """How the song ends: "ring-out" (a final hit held), "fade" (the band dies away) or
    "cut" (the band plays on to the last barline and stops dead)."""
    if ends_in_ring_out(c):
        return "ring-out"
    return "fade" if ends_in_fade(c) else "cut"


# ------------------------------------------------------------------ drums

def drum_bar_patterns(c: Composition, section: Section) -> list[frozenset[tuple[int, float]]]:
    """The drum pattern of each bar of a section: which drum plays on which sixteenth
    (velocities, timing feel and crashes aside). Two bars with the same pattern sound like
    one bar played again."""
    bar_beats = c.context.meter.beats_per_bar
    bars: list[set[tuple[int, float]]] = [set() for _ in range(section.bars)]
    for note in _section_notes(c, section, "drums"):
        if note.pitch in CRASHES:
            continue
        bar, position = _bar_of(note.start_beats, bar_beats)
        if 0 <= bar < section.bars:
            bars[bar].add((note.pitch, position))
    return [frozenset(bar) for bar in bars]


def section_pattern_count(c: Composition, section: Section) -> int:
    """Distinct drum patterns a section plays besides its last bar (the fill or the
    ending), silent bars aside."""
    return len({p for p in drum_bar_patterns(c, section)[:-1] if p})


def varied_drum_sections(c: Composition, min_bars: int = 4) -> tuple[int, int]:
    """Of the sections of `min_bars` bars or more where the drums play, how many play two
    or more patterns besides the fill bar (a groove that moves), out of how many."""
    counted = [s for s in c.sections
               if s.bars >= min_bars and _section_notes(c, s, "drums")]
    varied = sum(1 for s in counted if section_pattern_count(c, s) >= 2)
    return varied, len(counted)


def _on_grid(position_beats: float, swing: float) -> bool:
    for step in _GRIDS:
        if abs(position_beats - round(position_beats / step) * step) < _ON_GRID:
            return True
    whole = math.floor(position_beats + _ON_GRID)
    swung = feel.swing_beats(whole + 0.5, swing)
    return swing > 0 and abs(position_beats - swung) < _ON_GRID


def off_grid_share(c: Composition) -> float | None:
    """Share of drum onsets off the grid (straight or triplet sixteenths, or the song's
    swung eighths): a drummer's feel, a snare laid back or hats pushed, rather than a
    machine's exact steps. None without drums."""
    swing = feel.swing_amount(c.context)
    onsets = [n.start_beats for s in c.sections for n in _section_notes(c, s, "drums")]
    if not onsets:
        return None
    return sum(1 for t in onsets if not _on_grid(t, swing)) / len(onsets)


def ghost_notes(c: Composition) -> int:
    """Snare strokes softer than velocity 50 between the beats: the quiet taps that fill
    a backbeat groove."""
    count = 0
    for section in c.sections:
        for note in _section_notes(c, section, "drums"):
            off_beat = abs(note.start_beats - round(note.start_beats)) > 0.1
            if note.pitch in SNARES and note.velocity < GHOST_VELOCITY and off_beat:
                count += 1
    return count


def drum_kit(c: Composition) -> int:
    """The General MIDI kit the drums play: the person's choice, else the style's."""
    if c.context.drum_kit is not None:
        return c.context.drum_kit
    return int(resources.genre(c.context.primary_genre).get("drum_kit", 0))


def has_backbeat(c: Composition) -> bool:
    """A drummer plays a backbeat: the kit is one a drummer plays (not a drum machine or
    orchestral percussion) and in at least half the bars where the drums play, the snare
    sounds on a beat after the first (two and four; three in a half-time feel)."""
    if drum_kit(c) in MACHINE_KITS:
        return False
    meter = c.context.meter
    beat = 1.5 if meter.is_compound else 1.0
    backbeats = {round(k * beat, 6) for k in range(1, round(meter.beats_per_bar / beat))}
    with_drums = backbeat_bars = 0
    for section in c.sections:
        for pattern in drum_bar_patterns(c, section):
            if not pattern:
                continue
            with_drums += 1
            backbeat_bars += any(p in BACKBEAT_SNARES and pos in backbeats for p, pos in pattern)
    return with_drums > 0 and 2 * backbeat_bars >= with_drums


def groove_identity(c: Composition) -> tuple:
    """What a listener recognises as the song's groove: for each section kind, the kick,
    snare and clap strokes of the pattern its first section plays most (every stroke when
    it has none of them). Two seeds of a prompt with the same identity play the same beat."""
    identity = {}
    for section in c.sections:
        if section.kind in identity:
            continue
        patterns = [p for p in drum_bar_patterns(c, section)[:-1] if p] \
            or [p for p in drum_bar_patterns(c, section) if p]
        if not patterns:
            continue
        common = Counter(patterns).most_common(1)[0][0]
        skeleton = [(p, pos) for p, pos in common if p in KICKS + SNARES + CLAPS]
        # hand percussion alone (congas, timbales) is the groove itself
        identity[section.kind] = tuple(sorted(skeleton or common))
    return tuple(sorted(identity.items()))


def grooves_differ(a: Composition, b: Composition) -> bool:
    """Two songs play different grooves: of the section kinds both have drums in, at least
    half play another kick and snare pattern (a form with one more kind of section does
    not make a new groove by itself)."""
    first, second = dict(groove_identity(a)), dict(groove_identity(b))
    shared = [kind for kind in first if kind in second]
    changed = sum(first[kind] != second[kind] for kind in shared)
    return bool(shared) and 2 * changed >= len(shared)


# ------------------------------------------------------------------ room, melody and words

def vocal_crowding(c: Composition, lanes: Sequence[str] = ("keys", "pad"),
                   semitones: int = 2) -> float | None:
    """Share of sung time while one of `lanes` sounds a note within `semitones` of the
    sung note: the accompaniment sitting on the voice, where it masks the words. None when
    nothing is sung."""
    sung = c.lane_notes("vocal")
    if not sung:
        return None
    others = [n for lane in lanes if lane in c.lanes for n in c.lane_notes(lane)]
    crowded = total = 0.0
    for v in sung:
        total += v.duration_beats
        spans = [(max(n.start_beats, v.start_beats), min(n.end_beats, v.end_beats))
                 for n in others if abs(n.pitch - v.pitch) <= semitones
                 and _overlap(n.start_beats, n.end_beats, v.start_beats, v.end_beats) > 0]
        crowded += _union_length(spans)
    return crowded / total if total else None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _count_apart(keys: list) -> Counter:
    """How often each key occurs in a run of windows, overlapping occurrences not
    counted twice (four notes of one pitch repeated are not a motif said three times)."""
    counts: Counter = Counter()
    next_free: dict = {}
    for index, key in enumerate(keys):
        if index >= next_free.get(key, 0):
            counts[key] += 1
            next_free[key] = index + 4
    return counts


def motif_repeats(notes: Sequence[Note]) -> int:
    """The most times a 4-note motif returns in a run of sung notes, as the same pitches,
    or as the same intervals on the same rhythm (a motif moved to another step); a motif
    of one pitch alone is a recitation, not counted."""
    notes = sorted(notes, key=lambda n: n.start_beats)
    by_pitch, by_shape = [], []
    for i in range(len(notes) - 3):
        window = notes[i:i + 4]
        pitches = tuple(n.pitch for n in window)
        if len(set(pitches)) < 2:
            by_pitch.append(None)
            by_shape.append(None)
            continue
        steps = tuple(b - a for a, b in zip(pitches, pitches[1:], strict=False))
        rhythm = tuple(round((b.start_beats - a.start_beats) / SIXTEENTH)
                       for a, b in zip(window, window[1:], strict=False))
        by_pitch.append(pitches)
        by_shape.append((steps, rhythm))
    counts = [n for keys in (by_pitch, by_shape)
              for key, n in _count_apart(keys).items() if key is not None]
    return max(counts, default=0)


def line_repeats(c: Composition, section: Section) -> int:
    """The most times one lyric line is sung in a section (words alone, case aside)."""
    lyrics = c.lyrics.get(section.id)
    if lyrics is None or not lyrics.lines:
        return 0
    return max(Counter(" ".join(_words(t)) for t in lyrics.texts).values())


def chorus_hooks(c: Composition, times: int = 3) -> list[bool]:
    """For each sung chorus, whether it has a hook: a lyric line or a 4-note motif it
    returns to `times` times or more, the thing a listener sings back."""
    hooks = []
    for section in c.sections:
        if section.kind != "chorus" or section.id not in c.lyrics:
            continue
        notes = _section_notes(c, section, "vocal")
        hooks.append(line_repeats(c, section) >= times or motif_repeats(notes) >= times)
    return hooks


def vocal_rests(c: Composition, shortest_beats: float = SIXTEENTH) -> list[float]:
    """The rests between consecutive sung notes of each section, in beats (a gap shorter
    than a sixteenth is articulation, not a rest): where the singer breathes and a line
    lands."""
    rests = []
    for section in c.sections:
        notes = sorted(_section_notes(c, section, "vocal"), key=lambda n: n.start_beats)
        for a, b in zip(notes, notes[1:], strict=False):
            gap = b.start_beats - a.end_beats
            if gap >= shortest_beats - _EPSILON:
                rests.append(gap)
    return rests


def lowest_note(c: Composition, lane: str = "bass") -> int | None:
    """The lowest pitch a lane plays (a bass guitar's low E is MIDI 28)."""
    pitches = [n.pitch for n in c.lane_notes(lane)] if lane in c.lanes else []
    return min(pitches, default=None)


def line_openings(c: Composition, words: int = 3) -> set[str]:
    """The first `words` words of every sung line of a song."""
    openings = set()
    for lyrics in c.lyrics.values():
        for text in lyrics.texts:
            said = _words(text)
            if len(said) >= words:
                openings.add(" ".join(said[:words]))
    return openings


def opening_spread(songs: Sequence[Composition], words: int = 3) -> tuple[str, float]:
    """The line opening found in the most songs and the share of songs it is in: a frame
    such as "I can still see" in every song reads as a template."""
    counts = Counter(o for c in songs for o in line_openings(c, words))
    if not counts or not songs:
        return "", 0.0
    opening, count = counts.most_common(1)[0]
    return opening, count / len(songs)


# ------------------------------------------------------------------ descriptive figures

def _chord_root_at(section: Section, beat: float) -> int | None:
    for chord in section.chords:
        if chord.start_beats <= beat + _EPSILON < chord.start_beats + chord.duration_beats:
            return chord.root_pc
    return section.chords[-1].root_pc if section.chords else None


def bass_root_share(c: Composition) -> float | None:
    """Share of bass notes on the root of the chord they sound under."""
    roots = [(n.pitch % 12, _chord_root_at(s, n.start_beats))
             for s in c.sections for n in _section_notes(c, s, "bass")]
    roots = [(pc, root) for pc, root in roots if root is not None]
    return sum(pc == root for pc, root in roots) / len(roots) if roots else None


def bass_on_kicks(c: Composition) -> float | None:
    """Share of kick drum strokes the bass starts a note with (within a 32nd)."""
    kicks = [n.start_beats for n in c.lane_notes("drums") if n.pitch in KICKS]
    bass = sorted(n.start_beats for n in c.lane_notes("bass"))
    if not kicks or not bass:
        return None
    return sum(1 for k in kicks if any(abs(k - b) <= 0.125 for b in bass)) / len(kicks)


def keys_doubling_pad(c: Composition) -> float | None:
    """Share of the keys' sounding time the pad plays the very same pitch: the two
    doubling each other instead of taking registers and rhythms of their own."""
    keys, pad = c.lane_notes("keys"), c.lane_notes("pad")
    total = sum(n.duration_beats for n in keys)
    if not keys or not pad or not total:
        return None
    doubled = sum(_union_length((max(p.start_beats, k.start_beats), min(p.end_beats, k.end_beats))
                                for p in pad if p.pitch == k.pitch
                                and _overlap(p.start_beats, p.end_beats,
                                             k.start_beats, k.end_beats) > 0)
                  for k in keys)
    return doubled / total


def vocal_on_beat_share(c: Composition) -> float | None:
    """Share of sung notes that start on a beat (the rest anticipate or syncopate)."""
    starts = [n.start_beats for n in c.lane_notes("vocal")]
    if not starts:
        return None
    return sum(1 for t in starts if abs(t - round(t)) < 0.01) / len(starts)


def verse_melody_kept(c: Composition) -> float | None:
    """Share of the first verse's sung notes the second verse sings again (same pitch,
    same sixteenth): a verse melody the listener recognises the second time."""
    verses = [s for s in c.sections if s.kind == "verse" and _section_notes(c, s, "vocal")]
    if len(verses) < 2:
        return None
    first, second = (_section_notes(c, s, "vocal") for s in verses[:2])
    again = {(n.pitch, round(n.start_beats / SIXTEENTH)) for n in second}
    return sum((n.pitch, round(n.start_beats / SIXTEENTH)) in again for n in first) / len(first)
