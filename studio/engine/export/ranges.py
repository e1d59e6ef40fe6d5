"""Part of a song for export: a section or a time range as samples, and the audio, the MIDI
file and the LRC lyrics cut to it.

A cut keeps what sounds inside the range and moves it to start at time 0: notes that cross an
edge are clipped to it, lyric lines are kept by their first note's time, and the conductor's
settings (tempo, metre, key, track names, programs) stay at the start so the cut plays alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np
import soxr

from studio.engine.export.lyric_files import line_times_s
from studio.engine.export.midi import to_midi
from studio.engine.model import Composition, VocalPart
from studio.engine.sound.stems import section_starts, stem_samples

# meta events that belong to a moment (a syllable, a marker) rather than set the state after it
_TIMED_META = frozenset({"lyrics", "text", "marker", "cue_marker"})


@dataclass(frozen=True)
class SampleRange:
    """Samples [start, end) of a render at `sample_rate`."""

    start: int
    end: int
    sample_rate: int

    @property
    def start_s(self) -> float:
        return self.start / self.sample_rate

    @property
    def end_s(self) -> float:
        return self.end / self.sample_rate


def resolve_range(composition: Composition, sample_rate: int, total_samples: int, *,
                  section_id: int | None = None, start_s: float | None = None,
                  end_s: float | None = None) -> SampleRange:
    """The samples a section (by id) or a time range covers in a render of `total_samples`;
    the whole render when neither is given. A missing start is 0, a missing end the render's
    end. Raises ValueError naming the values when the range is empty or leaves the song."""
    if section_id is not None and (start_s is not None or end_s is not None):
        raise ValueError(f"export section {section_id} or a time range, not both")
    if section_id is not None:
        start, end = section_range(composition, sample_rate, section_id)
    else:
        for name, seconds in (("start", start_s), ("end", end_s)):
            if seconds is not None and not math.isfinite(seconds):
                raise ValueError(f"the range {name} {seconds} is not a time in seconds")
        start = 0 if start_s is None else round(start_s * sample_rate)
        end = total_samples if end_s is None else round(end_s * sample_rate)
    length_s = total_samples / sample_rate
    if not 0 <= start < total_samples:
        raise ValueError(f"the range start {start / sample_rate:g} s is outside the song "
                         f"(0 to {length_s:.3f} s)")
    if end > total_samples:
        raise ValueError(f"the range end {end / sample_rate:g} s is outside the song "
                         f"(0 to {length_s:.3f} s)")
    if end <= start:
        raise ValueError(f"the range from {start / sample_rate:g} s to {end / sample_rate:g} s "
                         "is empty: its start must come before its end")
    return SampleRange(start, end, sample_rate)


def section_range(composition: Composition, sample_rate: int, section_id: int) -> tuple[int, int]:
    """First sample and end of a section: the next section's start, or for the last one the
    end of the render (the song and its release tail)."""
    starts = section_starts(composition, sample_rate)
    ids = [sid for sid, _ in starts]
    if section_id not in ids:
        raise ValueError(f"the song has no section {section_id}; its section ids are {ids}")
    index = ids.index(section_id)
    if index + 1 < len(starts):
        return starts[index][1], starts[index + 1][1]
    return starts[index][1], stem_samples(composition, sample_rate)


def range_audio(audio: np.ndarray, span: SampleRange, out_rate: int) -> np.ndarray:
    """The range of (channels, samples) audio at the output rate: a view when the rate is
    the render's, else resampled by soxr at its very high quality."""
    signal = audio[:, span.start:span.end]
    if out_rate == span.sample_rate:
        return signal
    # channels-first rows go to soxr as they are (its split-channel layout), no copy
    return soxr.resample(signal.T, span.sample_rate, out_rate, quality="VHQ").T


def write_midi_range(composition: Composition, span: SampleRange, path: str | Path) -> Path:
    """The song's MIDI file cut to the range."""
    path = Path(path)
    midi = to_midi(composition)
    cut_midi(midi, *range_ticks(composition, span, midi.ticks_per_beat)).save(path)
    return path


def range_ticks(composition: Composition, span: SampleRange,
                ticks_per_beat: int) -> tuple[int, int]:
    """The range in MIDI ticks at the song's tempo."""
    ticks_per_second = composition.context.tempo_bpm / 60.0 * ticks_per_beat
    return round(span.start_s * ticks_per_second), round(span.end_s * ticks_per_second)


def cut_midi(midi: mido.MidiFile, start_tick: int, end_tick: int) -> mido.MidiFile:
    """Ticks [start_tick, end_tick) of a MIDI file, moved to start at tick 0 and ending at the
    range's length. Notes crossing an edge are clipped to it; settings from before the range
    (tempo, metre, key, names, programs, controllers) are kept at tick 0; lyrics, text and
    markers outside the range are left out."""
    cut = mido.MidiFile(type=midi.type, ticks_per_beat=midi.ticks_per_beat)
    cut.tracks.extend(_cut_track(track, start_tick, end_tick) for track in midi.tracks)
    return cut


def _cut_track(track: mido.MidiTrack, start: int, end: int) -> mido.MidiTrack:
    events = []
    now = 0
    for message in track:
        now += message.time
        if message.type != "end_of_track":
            events.append((now, message))
    notes = _notes_in_range(events, start, end)
    cut = mido.MidiTrack()
    now = 0
    for index, (tick, message) in enumerate(events):
        if _is_note(message):
            if index not in notes:
                continue
        elif tick >= end or (tick < start and message.type in _TIMED_META):
            continue
        # clamping keeps the order: the events were sorted by tick and stay sorted
        moved = min(max(tick, start), end) - start
        cut.append(message.copy(time=moved - now))
        now = moved
    cut.append(mido.MetaMessage("end_of_track", time=end - start - now))
    return cut


def _notes_in_range(events: list[tuple[int, mido.Message]], start: int, end: int) -> set[int]:
    """Indices of the note-on and note-off events of every note sounding inside the range
    (a note-on is paired with the next note-off of its channel and pitch)."""
    sounding: dict[tuple[int, int], list[int]] = {}
    inside = set()
    for index, (tick, message) in enumerate(events):
        if not _is_note(message):
            continue
        key = (message.channel, message.note)
        if message.type == "note_on" and message.velocity > 0:
            sounding.setdefault(key, []).append(index)
        elif sounding.get(key):
            on = sounding[key].pop(0)
            if events[on][0] < end and tick > start:
                inside.update((on, index))
    return inside


def _is_note(message: mido.Message) -> bool:
    return message.type in ("note_on", "note_off")


def lrc_range_text(composition: Composition, vocals: dict[int, VocalPart],
                   span: SampleRange) -> str | None:
    """LRC of the lines whose first note falls in the range, timed from the range's start;
    None when no line does."""
    lines = [(seconds - span.start_s, text)
             for seconds, text in line_times_s(composition, vocals)
             if span.start_s <= seconds < span.end_s]
    if not lines:
        return None
    rows = [f"[ti:{composition.title}]", f"[length:{_stamp(span.end_s - span.start_s)[:5]}]"]
    rows += [f"[{_stamp(seconds)}]{text}" for seconds, text in lines]
    return "\n".join(rows) + "\n"


def _stamp(seconds: float) -> str:
    """mm:ss.xx, as lyric_files writes whole-song LRC times."""
    hundredths = int(round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"
