"""The SoundFont instrument: a lane's part played by a General MIDI program, a section at a time.

Notes are scheduled by hand rather than with the synth's own sequencer, which drifts (tens of
milliseconds over a song): the synth generates exactly up to each event's sample, then the
event is applied, so every note starts on the sample its beat position names.

The SoundFont is loaded once per process and sample rate and shared by every lane: FluidR3
takes some 300 MB once loaded. Lanes render one at a time on it (a lock keeps it so), each
selecting its program first and silencing every voice after, so a section sounds as it would
on a synth of its own.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
import tinysoundfont

from studio.engine import resources
from studio.engine.model import Composition, CompositionContext, Lane, Note
from studio.engine.sound.instrument import TAIL_S
from studio.engine.sound.soundfont_file import (
    DRUM_BANK,
    kit_played,
    presets,
    program_played,
    soundfont_path,
)

SYNTH_GAIN_DB = -8.0  # five dense lanes at unity gain still sum below full scale
DRUM_CHANNEL = 9

__all__ = ["DRUM_BANK", "DRUM_CHANNEL", "SYNTH_GAIN_DB", "SoundFontSynth", "drum_kit",
           "soundfont_path", "soundfont_report"]


def drum_kit(context: CompositionContext) -> int:
    """The drum kit preset (bank 128) chosen for the song, else its primary genre's; 0 when
    neither names one."""
    if context.drum_kit is not None:
        return context.drum_kit
    return int(resources.genres().get(context.primary_genre, {}).get("drum_kit", 0))


def soundfont_report(composition: Composition) -> dict:
    """What an export says of the instruments: the SoundFont played and, for a song with
    drums, the kit asked for and the kit played (the standard kit when the file lacks it)."""
    path = soundfont_path()
    report: dict = {"soundfont": path.name}
    if "drums" in composition.lanes:
        asked = drum_kit(composition.context)
        played = kit_played(asked, path)
        report["drum_kit"] = {"asked": asked, "played": played,
                              "name": presets(path).get((DRUM_BANK, played), "")}
        if played != asked:
            report["drum_kit"]["note"] = (f"{path.name} has no drum kit {asked}: the "
                                          "standard kit played instead")
    return report


class SoundFontSynth:
    """One lane's SoundFont instrument (an Instrument), rendering a section at a time from a
    clean state."""

    SILENCE = 1e-5  # -100 dBFS: a tail below this has ended
    BLOCK = 2048

    def __init__(self, lane: Lane, context: CompositionContext, sample_rate: int) -> None:
        self.synth, self._sfid, self._lock = _loaded(str(soundfont_path()), sample_rate)
        if lane.is_drums:
            self.channel, bank, preset = DRUM_CHANNEL, DRUM_BANK, kit_played(drum_kit(context))
        else:
            self.channel, bank, preset = 0, 0, program_played(lane.program)
        self._program = (bank, preset, lane.is_drums)
        self.sample_rate = sample_rate
        self.lane_name = lane.name

    def render_part(self, composition: Composition, section_id: int) -> np.ndarray:
        """(2, samples) of one section of this lane: its bars, then its release tail."""
        context = composition.context
        section = next(s for s in composition.sections if s.id == section_id)
        samples_per_beat = 60.0 / context.tempo_bpm * self.sample_rate
        length = round(section.bars * context.meter.beats_per_bar * samples_per_beat)
        part = composition.parts.get((section_id, self.lane_name))
        notes = list(part.notes) if part else []
        with self._lock:
            return self._render(notes, context.tempo_bpm, length)

    def _render(self, notes: list[Note], tempo_bpm: float, length: int) -> np.ndarray:
        bank, preset, is_drums = self._program
        self.synth.program_select(self.channel, self._sfid, bank, preset, is_drums=is_drums)
        frames = np.zeros((length + round(TAIL_S * self.sample_rate), 2), dtype=np.float32)
        position = 0
        for sample, is_on, pitch, velocity in _events(notes, tempo_bpm, self.sample_rate,
                                                      length):
            _generate(self.synth, frames, position, sample)
            position = sample
            if is_on:
                self.synth.noteon(self.channel, pitch, velocity)
            else:
                self.synth.noteoff(self.channel, pitch)
        _generate(self.synth, frames, position, length)
        end = self._render_tail(frames, length)
        self._reset()
        return np.ascontiguousarray(frames[:end].T)

    def _reset(self) -> None:
        """Silence every voice and let the quick releases run out, so the next section starts
        from the same state as on a fresh synth."""
        self.synth.sounds_off()
        scratch = np.zeros((self.BLOCK, 2), dtype=np.float32)
        for _ in range(4):
            _generate(self.synth, scratch, 0, self.BLOCK)

    def _render_tail(self, frames: np.ndarray, start: int) -> int:
        """Render releases block by block until they fall silent; where the audio ends."""
        position = start
        while position < frames.shape[0]:
            stop = min(frames.shape[0], position + self.BLOCK)
            _generate(self.synth, frames, position, stop)
            if not np.any(np.abs(frames[position:stop]) > self.SILENCE):
                return position
            position = stop
        return position


def preload(sample_rate: int) -> None:
    """Load the SoundFont for renders at `sample_rate` now (a worker's start-up): the first
    song then does not wait for it."""
    _loaded(str(soundfont_path()), sample_rate)


@lru_cache(maxsize=2)  # a song renders at one rate; a second covers an export's other rate
def _loaded(path: str, sample_rate: int) -> tuple[tinysoundfont.Synth, int, threading.Lock]:
    """The process's synth with the SoundFont loaded, its SoundFont id and the lock its
    renders take turns on."""
    synth = tinysoundfont.Synth(gain=SYNTH_GAIN_DB, samplerate=sample_rate)
    return synth, synth.sfload(path), threading.Lock()


def _events(
    notes: list[Note], tempo_bpm: float, sample_rate: int, end_sample: int
) -> list[tuple[int, bool, int, int]]:
    """(sample, is_on, pitch, velocity) in play order; note-offs first on a shared sample.

    Notes are cut at the song's end so the tail holds only their release, and every note
    lasts at least one sample so its note-off never sorts before its own note-on.
    """
    samples_per_beat = 60.0 / tempo_bpm * sample_rate
    events = []
    for note in notes:
        start = round(note.start_beats * samples_per_beat)
        if start >= end_sample or start < 0:
            continue
        end = min(max(round(note.end_beats * samples_per_beat), start + 1), end_sample)
        pitch = min(max(note.pitch, 0), 127)
        events.append((start, True, pitch, min(max(note.velocity, 1), 127)))
        events.append((end, False, pitch, 0))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


def _generate(synth: tinysoundfont.Synth, frames: np.ndarray, start: int, stop: int) -> None:
    if stop > start:
        synth.generate(stop - start, memoryview(frames[start:stop]).cast("B"))
