"""The vocal lane's instrument: sings each section's lyrics on its vocal notes, line by line.

VoiceSynth is an Instrument like SoundFontSynth (a section at a time, its bars then what is
still sung past them); the singing itself is the singing package's. Each line is sung on its
own and kept in a LineCache under a hash of everything it depends on, so an edit of one word
sings only that line again. A section with notes but no words plays through the SoundFont's
"voice oohs" as before.
"""

from __future__ import annotations

import hashlib

import numpy as np
import soxr

from studio.engine.model import Composition, CompositionContext, Lane
from studio.engine.singing.presets import voice_params
from studio.engine.singing.score import LineCache, LineScore, line_scores, octave_shift, sung_voice
from studio.engine.singing.singer import sing_line
from studio.engine.singing.world import Unsaid
from studio.engine.sound.instrument import TAIL_S
from studio.engine.sound.soundfont import SoundFontSynth

GAIN = 0.5  # the sung level beside the SoundFont lanes


class VoiceSynth:
    """The singing voice of a lane, rendering a section at a time."""

    def __init__(self, lane: Lane, context: CompositionContext, sample_rate: int,
                 cache: LineCache | None = None) -> None:
        self.lane = lane
        self.voice = sung_voice(lane)
        self.params = voice_params(self.voice)
        self.sample_rate = sample_rate
        self.cache = cache if cache is not None else LineCache()
        self._fallback: SoundFontSynth | None = None

    def render_part(self, composition: Composition, section_id: int) -> np.ndarray:
        """(2, samples) of one section: its bars, then whatever is still sung past them."""
        context = composition.context
        section = next(s for s in composition.sections if s.id == section_id)
        samples_per_beat = 60.0 / context.tempo_bpm * self.sample_rate
        length = round(section.bars * context.meter.beats_per_bar * samples_per_beat)
        lyrics = composition.lyrics.get(section_id)
        part = composition.parts.get((section_id, self.lane.name))
        if part is not None and part.notes and lyrics is None:
            if self._fallback is None:
                self._fallback = SoundFontSynth(self.lane, context, self.sample_rate)
            return self._fallback.render_part(composition, section_id)
        limit = length + round(TAIL_S * self.sample_rate)
        mono = np.zeros(limit, dtype=np.float32)
        end = length
        shift = octave_shift(composition, self.params)
        for score, first_beats in line_scores(composition, section_id, self.voice, shift):
            audio, origin = self._line(score, context.seed)
            start = round(first_beats * samples_per_beat) - origin
            cut = max(0, -start)
            stop = min(limit, start + len(audio))
            if stop > start + cut:
                mono[start + cut:stop] += audio[cut:stop - start]
                end = max(end, stop)
        mono = mono[:end] * np.float32(GAIN)
        return np.ascontiguousarray(np.stack([mono, mono]))

    def _line(self, score: LineScore, song_seed: int) -> tuple[np.ndarray, int]:
        """A line's audio at the output rate and the sample where its first note starts."""
        recipe = repr((score, self.params, self.sample_rate, song_seed))
        key = hashlib.blake2b(recipe.encode(), digest_size=16).hexdigest()
        found = self.cache.get(key)
        if found is not None:
            return found
        seed = int(key[:8], 16)
        try:
            audio, rate, origin = sing_line(score, self.params, seed)
        except Unsaid:  # words with nothing to say ("..."): the line stays silent
            audio, rate, origin = np.zeros(0, dtype=np.float32), self.sample_rate, 0
        if rate != self.sample_rate:
            audio = soxr.resample(audio, rate, self.sample_rate).astype(np.float32)
            origin = round(origin * self.sample_rate / rate)
        self.cache.sung += 1
        self.cache.put(key, (audio, origin))
        return audio, origin


