"""What one MMA groove plays, read back from the MIDI files MMA rendered it to: drums as GM
notes, the pitched tracks as bass, comp, pad and arp parts in semitones from middle C, on a grid
of 1/24 quarter note, with the pattern's length in bars and its swing (used by
scripts/import_styles.py)."""

from __future__ import annotations

from collections import Counter

import mido

TICKS = 192  # MMA writes 192 ticks a beat
GRID = 24  # positions a quarter note
GM_DRUMS = range(27, 88)  # General MIDI (level 2) percussion keys
CHORD_SPREAD_TICKS = 40  # notes of one strummed chord start within this of its first note
CHORD_JOIN = 3  # grid positions (1/8 quarter): chords of two tracks this close are one
PAD_BAR_SHARE = 0.75  # a chord track whose median chord lasts this much of a bar is a pad
SUSTAINED_NAMES = ("SUS", "PAD")  # MMA's names for its held chord tracks (Chord-Sus) are pads
PARTS = ("drums", "bass", "comp", "pad", "arp")
PART_OF_TRACK = {"BASS": "bass", "WALK": "bass", "CHORD": "comp", "PLECTRUM": "comp",
                 "ARPEGGIO": "arp", "SCALE": "arp", "ARIA": "arp", "SOLO": "arp",
                 "MELODY": "arp"}
RIFF_PITCH = 48  # a second bass track whose middle note is C3 or above plays a riff, not bass


def read_track(midi: mido.MidiFile) -> tuple[list[tuple], dict[str, int]]:
    """Notes (start, end, pitch, velocity, program, drum) in ticks, and the markers' ticks."""
    notes, markers, sounding = [], {}, {}
    for track in midi.tracks:
        tick, program = 0, {}
        for message in track:
            tick += message.time
            if message.type == "marker":
                markers[message.text] = tick
            elif message.type == "program_change":
                program[message.channel] = message.program
            elif message.type == "note_on" and message.velocity:
                key = (message.channel, message.note)
                sounding.setdefault(key, []).append((tick, message.velocity,
                                                     program.get(message.channel, 0)))
            elif message.type in ("note_on", "note_off"):
                key = (message.channel, message.note)
                if sounding.get(key):
                    start, velocity, prog = sounding[key].pop(0)
                    notes.append((start, tick, message.note, velocity, prog,
                                  message.channel == 9))
    return sorted(notes), markers


def chord_hits(notes: list[tuple]) -> list[list]:
    """Group a chord track's notes into hits [start, end, velocity, pitches] (strums joined)."""
    hits: list[list] = []
    for start, end, pitch, velocity, _, _ in notes:
        hit = hits[-1] if hits else None
        if hit and start - hit[0] < CHORD_SPREAD_TICKS and pitch not in hit[3]:
            hit[1], hit[2] = max(hit[1], end), max(hit[2], velocity)
            hit[3].append(pitch)
        else:
            hits.append([start, end, velocity, [pitch]])
    return hits


class Window:
    """The middle pass of one groove's sequence, and its ticks as quarter-note grid positions."""

    def __init__(self, setting: tuple, start: int):
        size, time, meter = setting
        self.quarters = meter[0] * 4 / meter[1]  # a bar of the written meter
        self.scale = self.quarters / time  # quarter notes an MMA beat (compound meters differ)
        self.bar_ticks = round(time * TICKS)
        self.low = start + size * self.bar_ticks
        self.high = self.low + size * self.bar_ticks
        self.bar = round(self.quarters * GRID)
        self.cycle = size * self.bar

    def notes(self, notes: list[tuple]) -> list[tuple]:
        """The notes that start in the window; a note held longer than a whole pass (MMA's
        Unify joins a sustained track's repeated chords) is cut into one a bar."""
        inside = [n for n in notes if self.low <= n[0] < self.high]
        for start, end, *rest in notes:
            if start < self.low < end and end - start > self.high - self.low:
                inside += [(bar, min(end, bar + self.bar_ticks), *rest)
                           for bar in range(self.low, min(end, self.high), self.bar_ticks)]
        return sorted(inside)

    def position(self, tick: int) -> int:
        return round((tick - self.low) * self.scale * GRID / TICKS) % self.cycle

    def length(self, ticks: int) -> int:
        return max(1, round(ticks * self.scale * GRID / TICKS))


def track_part(name: str, notes: list[tuple], window: Window) -> str:
    """The part a track plays: by its MMA type, a chord track by its name or how long it
    holds."""
    kind = name.split("-")[0]
    if kind == "DRUM" or notes[0][5]:
        return "drums"
    part = PART_OF_TRACK.get(kind, "arp")
    if part == "comp" and any(word in name for word in SUSTAINED_NAMES):
        return "pad"
    if part == "comp":
        lengths = sorted(hit[1] - hit[0] for hit in chord_hits(notes))
        held = lengths[len(lengths) // 2] * window.scale / TICKS
        return "pad" if held >= PAD_BAR_SHARE * window.quarters else "comp"
    return part


def track_parts(tracks: dict[str, list], window: Window) -> dict[str, str]:
    """Track name -> part; of several bass tracks, the ones above the lowest that sit high
    (guitars playing riffs in casio and kara styles) play arp."""
    parts = {name: track_part(name, notes, window) for name, notes in tracks.items()}
    middles = {name: sorted(n[2] for n in tracks[name])[len(tracks[name]) // 2]
               for name, part in parts.items() if part == "bass"}
    for name, middle in middles.items():
        if middle >= RIFF_PITCH and middle > min(middles.values()):
            parts[name] = "arp"
    return parts


def track_events(part: str, notes: list[tuple], window: Window) -> list[tuple]:
    """A track's notes as events of its part, on the grid (chords as tuples of semitones)."""
    where = window.position
    if part == "drums":
        return [(where(n[0]), n[2], n[3]) for n in notes if n[2] in GM_DRUMS]
    if part in ("comp", "pad"):
        return [(where(start), window.length(end - start), velocity,
                 tuple(sorted(p - 60 for p in pitches)))
                for start, end, velocity, pitches in chord_hits(notes)]
    return [(where(n[0]), n[2] - 60, window.length(n[1] - n[0]), n[3]) for n in notes]


def merged(part: str, events: list[tuple]) -> list[tuple]:
    """Events of several tracks as one part: a drum note once a beat, the loudest; chords that
    start within CHORD_JOIN of each other (tracks strummed or delayed apart) as one chord."""
    if part in ("bass", "arp"):
        return sorted(set(events))
    if part == "drums":
        loudest: dict[tuple, int] = {}
        for beat, note, velocity in events:
            loudest[beat, note] = max(velocity, loudest.get((beat, note), 0))
        return sorted((beat, note, velocity) for (beat, note), velocity in loudest.items())
    chords: list[tuple] = []
    for beat, length, velocity, notes in sorted(events):
        if chords and beat - chords[-1][0] <= CHORD_JOIN:
            first, held, loudest_velocity, chord = chords[-1]
            chords[-1] = (first, max(held, beat + length - first), max(loudest_velocity, velocity),
                          tuple(sorted(set(chord) | set(notes))))
        else:
            chords.append((beat, length, velocity, notes))
    return chords


def period_bars(parts: dict[str, list], size: int, bar: int) -> int:
    """The fewest bars whose pattern, repeated, plays the whole sequence."""
    for bars in (b for b in range(1, size) if size % b == 0):
        span = bars * bar
        if all({(e[0] % span, *e[1:]) for e in events if e[0] // span == k}
               == {e for e in events if e[0] < span}
               for events in parts.values() for k in range(1, size // bars)):
            return bars
    return size


def swing_of(onsets_quarters: list[float]) -> float:
    """How late the off-beat eighths fall: 0 on the half beat .. 1 on the last triplet."""
    offbeats = sorted(q % 1 for q in onsets_quarters if 0.45 <= q % 1 <= 0.72)
    if not offbeats:
        return 0.0
    middle = offbeats[len(offbeats) // 2]
    return round(min(1.0, max(0.0, (middle - 0.5) * 6)), 2)


def convert_groove(setting: tuple, start: int, tracks: dict[str, list]) -> dict:
    """One groove's middle pass as parts on the quarter-note grid (see the module doc)."""
    window = Window(setting, start)
    events: dict[str, list] = {part: [] for part in PARTS}
    programs: dict[str, Counter] = {part: Counter() for part in PARTS}
    onsets: set[tuple] = set()
    inside = {name: window.notes(notes) for name, notes in tracks.items()}
    inside = {name: notes for name, notes in inside.items() if notes}
    for name, part in track_parts(inside, window).items():
        events[part] += track_events(part, inside[name], window)
        programs[part].update(n[4] for n in inside[name] if part != "drums")
        starts = [hit[0] for hit in chord_hits(inside[name])] if part in ("comp", "pad") else [
            n[0] for n in inside[name]]  # a strummed chord's later notes are not late beats
        onsets |= {(name, (s - window.low) * window.scale / TICKS) for s in starts}
    parts = {part: merged(part, found) for part, found in events.items()}
    bars = period_bars(parts, setting[0], window.bar)
    return {
        "meter": list(setting[2]), "bars": bars,
        "swing": swing_of([q for _, q in onsets if q < bars * window.quarters]),
        **{part: [_json(e) for e in parts[part] if e[0] < bars * window.bar] for part in PARTS},
        "programs": {part: count.most_common(1)[0][0]
                     for part, count in programs.items() if count and parts[part]},
    }


def _json(event: tuple) -> list:
    """An event as the table writes it: positions and lengths in quarter notes, chords as lists
    (a drum event has 3 fields; a bass or arp note its length third, a chord second)."""
    if len(event) == 3:
        return [_beat(event[0]), *event[1:]]
    if isinstance(event[3], tuple):
        return [_beat(event[0]), _beat(event[1]), event[2], list(event[3])]
    return [_beat(event[0]), event[1], _beat(event[2]), event[3]]


def _beat(position: int) -> float | int:
    """A grid position as quarter notes, an integer when whole (keeps the JSON small)."""
    value = round(position / GRID, 4)
    return int(value) if value == int(value) else value
