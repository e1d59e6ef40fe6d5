"""The SoundFont instrument: a lane's part played by a General MIDI program, a section at a time.

Notes are scheduled by hand rather than with the synth's own sequencer, which drifts (tens of
milliseconds over a song): the synth generates exactly up to each event's sample, then the
event is applied, so every note starts on the sample its beat position names.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import tinysoundfont

from studio.engine import resources
from studio.engine.model import Composition, CompositionContext, Lane, Note
from studio.engine.sound.instrument import TAIL_S

SYNTH_GAIN_DB = -8.0  # five dense lanes at unity gain still sum below full scale
DRUM_CHANNEL = 9
DRUM_BANK = 128


@cache
def soundfont_path() -> Path:
    """The General MIDI SoundFont that ships with pretty_midi (found without importing it)."""
    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pretty_midi is not installed, so there is no SoundFont")
    return Path(spec.submodule_search_locations[0]) / "TimGM6mb.sf2"


def drum_kit(context: CompositionContext) -> int:
    """The drum kit preset (bank 128) chosen for the song, else its primary genre's; 0 when
    neither names one."""
    if context.drum_kit is not None:
        return context.drum_kit
    return int(resources.genres().get(context.primary_genre, {}).get("drum_kit", 0))


class SoundFontSynth:
    """One lane's SoundFont instrument (an Instrument), rendering a section at a time from a
    clean state."""

    SILENCE = 1e-5  # -100 dBFS: a tail below this has ended
    BLOCK = 2048

    def __init__(self, lane: Lane, context: CompositionContext, sample_rate: int) -> None:
        self.synth, self.channel = _synth_for(lane, context, sample_rate)
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
        frames = np.zeros((length + round(TAIL_S * self.sample_rate), 2), dtype=np.float32)
        position = 0
        for sample, is_on, pitch, velocity in _events(notes, context.tempo_bpm,
                                                      self.sample_rate, length):
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


def _synth_for(
    lane: Lane, context: CompositionContext, sample_rate: int
) -> tuple[tinysoundfont.Synth, int]:
    """A synth with the lane's instrument selected, and the channel it plays on."""
    synth = tinysoundfont.Synth(gain=SYNTH_GAIN_DB, samplerate=sample_rate)
    sfid = synth.sfload(str(soundfont_path()))
    if lane.is_drums:
        channel, bank, preset = DRUM_CHANNEL, DRUM_BANK, drum_kit(context)
    else:
        channel, bank, preset = 0, 0, lane.program
    # a SoundFont without the requested preset falls back to the bank's first one
    if synth.sfpreset_name(sfid, bank, preset) is None:
        preset = 0
    synth.program_select(channel, sfid, bank, preset, is_drums=lane.is_drums)
    return synth, channel


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
