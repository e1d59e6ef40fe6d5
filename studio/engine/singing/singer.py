"""The singer: one line of speech re-timed onto its notes and re-pitched by WORLD.

Every syllable's vowel starts on its first note; the consonants before it keep their spoken
length and end there, the consonants after it end where the syllable's last note ends (or
where the next syllable's consonants begin). Vowels are held to fill their notes: the start
of the vowel plays as spoken, its envelope is held, and its end plays as spoken before the
coda. F0 follows the notes with short glides and optional vibrato; loudness follows the
notes' velocity and the section's energy. The voice's formant shift, tilt and breathiness
act on the envelope and aperiodicity before WORLD synthesises the line.
"""

from __future__ import annotations

import numpy as np
import pyworld

from studio.engine.singing.breath_filter import band_pass
from studio.engine.singing.presets import VoiceParams
from studio.engine.singing.score import LineScore
from studio.engine.singing.world import FRAME_S, Analysis, line_analysis

MAX_CONSONANTS_S = 0.3  # the consonants on one side of a vowel never take longer than this
MIN_VOWEL_S = 0.06
HOLD_AT = 0.35  # of the spoken vowel: where its envelope is held
VOWEL_LEVEL = 3e-3  # the mean power of a vowel frame's envelope, before dynamics
BREATH_S = 0.3
RELEASE_FRAMES, ATTACK_FRAMES = 8, 2  # 40 ms and 10 ms
SILENT = 1e-16


def sing_line(score: LineScore, params: VoiceParams, seed: int) -> tuple[np.ndarray, int, int]:
    """(mono float32 audio, its sample rate, the sample where the first note starts)."""
    analysis = line_analysis(score.text, score.syllable_words, params.speech_voice,
                             params.speech_pitch)
    plan = _Plan(score, analysis)
    f0 = _f0_curve(score, params, plan.times, seed) * plan.voiced
    envelope, aperiodicity = plan.spectra(analysis)
    _shape(envelope, aperiodicity, params, analysis.sample_rate)
    fades = _fades(plan.silent)
    envelope *= (_gains(score, plan.times, plan.vowel, envelope) * fades * fades)[:, None]
    envelope[plan.silent] = SILENT
    aperiodicity[plan.silent] = 1.0
    audio = pyworld.synthesize(np.ascontiguousarray(f0), np.ascontiguousarray(envelope),
                               np.ascontiguousarray(aperiodicity), analysis.sample_rate,
                               FRAME_S * 1000.0)
    origin = round(plan.lead_s * analysis.sample_rate)
    if score.breath > 0.0:
        _add_breath(audio, score, params, plan, analysis.sample_rate, seed)
    return audio.astype(np.float32), analysis.sample_rate, origin


class _Plan:
    """Output frames of a line: for each, the source frame it sings (fractional) or none."""

    def __init__(self, score: LineScore, analysis: Analysis) -> None:
        onsets, codas = self._consonants(score, analysis)
        self.lead_s = onsets[0] + (BREATH_S + 0.05 if score.lead_s >= onsets[0] + 0.3 else 0.0)
        end_s = max(n.end_s for notes in score.syllables for n in notes) + codas[-1] + 0.05
        count = int(np.ceil((self.lead_s + end_s) / FRAME_S)) + 1
        self.times = np.arange(count) * FRAME_S - self.lead_s
        self.source = np.full(count, -1.0)
        self.vowel = np.zeros(count, dtype=bool)
        # a held vowel frame's aperiodicity comes from this source frame (-1: as mapped)
        self.aperiodicity_from = np.full(count, -1)
        self._noise = analysis.aperiodicity.mean(axis=1)
        self.first_onset_s = -onsets[0]
        for index, notes in enumerate(score.syllables):
            onset, vowel, coda = analysis.units[index]
            start, end = notes[0].start_s, self._syllable_end(score, index, onsets)
            self._map(_chain(onset), start - onsets[index], start)
            vowel_end = max(start + MIN_VOWEL_S / 2, end - codas[index])
            self._map_vowel(vowel, start, vowel_end)
            self._map(_chain(coda), vowel_end, end)
        self.silent = self.source < 0
        voiced_source = np.interp(np.maximum(self.source, 0), np.arange(len(analysis.f0_hz)),
                                  analysis.f0_hz) > 0
        self.voiced = (~self.silent & (voiced_source | self.vowel)).astype(np.float64)

    @staticmethod
    def _consonants(score: LineScore, analysis: Analysis) -> tuple[list[float], list[float]]:
        """Seconds of consonants before and after each syllable's vowel, shortened where
        the notes leave them too little room."""
        onsets = [min(MAX_CONSONANTS_S, _length(u[0])) for u in analysis.units]
        codas = [min(MAX_CONSONANTS_S, _length(u[2])) for u in analysis.units]
        onsets[0] = min(onsets[0], max(0.0, score.lead_s))
        for i, notes in enumerate(score.syllables):
            start, end = notes[0].start_s, notes[-1].end_s
            following = score.syllables[i + 1][0].start_s if i + 1 < len(score.syllables) \
                else None
            room = (min(end, following) if following is not None else end) - start
            intrusion = 0.0 if following is None else max(0.0, onsets[i + 1] - (following - end))
            need, spare = codas[i] + intrusion, room - min(MIN_VOWEL_S, room / 2)
            if need > spare > 0.0 or spare <= 0.0:
                scale = max(0.0, spare) / need if need > 0 else 0.0
                codas[i] *= scale
                if following is not None:
                    onsets[i + 1] *= scale if intrusion > 0 else 1.0
        return onsets, codas

    @staticmethod
    def _syllable_end(score: LineScore, index: int, onsets: list[float]) -> float:
        end = score.syllables[index][-1].end_s
        if index + 1 < len(score.syllables):
            end = min(end, score.syllables[index + 1][0].start_s - onsets[index + 1])
        return end

    def _frames(self, start_s: float, end_s: float) -> np.ndarray:
        lo = int(np.ceil((start_s + self.lead_s) / FRAME_S - 1e-9))
        hi = int(np.ceil((end_s + self.lead_s) / FRAME_S - 1e-9))
        return np.arange(max(lo, 0), min(hi, len(self.times)))

    def _map(self, span: tuple[float, float], start_s: float, end_s: float) -> None:
        """Source frames span[0]..span[1] spread evenly over start_s..end_s."""
        frames = self._frames(start_s, end_s)
        if frames.size and end_s > start_s and span[1] > span[0]:
            where = (self.times[frames] - start_s) / (end_s - start_s)
            self.source[frames] = span[0] + where * (span[1] - span[0] - 1e-6)

    def _map_vowel(self, span: tuple[float, float], start_s: float, end_s: float) -> None:
        """The vowel's start as spoken, its envelope held, its end as spoken. The held part
        takes its aperiodicity from the vowel's most periodic frame: a short spoken vowel's
        hold point may still carry the noise of the consonant before it, and held for a
        whole note that noise would turn the sung vowel to a whisper."""
        frames = self._frames(start_s, end_s)
        spoken = (span[1] - span[0]) * FRAME_S
        self.vowel[frames] = True
        if spoken <= 0.0:
            return
        hold = span[0] + HOLD_AT * (span[1] - span[0])
        head, tail = HOLD_AT * spoken, (1.0 - HOLD_AT) * spoken
        if end_s - start_s <= spoken:
            self._map(span, start_s, end_s)
            return
        self._map((span[0], hold), start_s, start_s + head)
        held = self._frames(start_s + head, end_s - tail)
        self.source[held] = hold
        first, last = int(np.ceil(span[0])), min(int(np.ceil(span[1])), len(self._noise))
        if last > first:
            self.aperiodicity_from[held] = first + int(np.argmin(self._noise[first:last]))
        self._map((hold, span[1]), end_s - tail, end_s)

    def spectra(self, analysis: Analysis) -> tuple[np.ndarray, np.ndarray]:
        """Envelope and aperiodicity of every output frame, between source frames linearly."""
        source = np.clip(self.source, 0, len(analysis.f0_hz) - 1)
        low = np.floor(source).astype(int)
        high = np.minimum(low + 1, len(analysis.f0_hz) - 1)
        weight = (source - low)[:, None]
        envelope = analysis.envelope[low] * (1 - weight) + analysis.envelope[high] * weight
        aperiodicity = (analysis.aperiodicity[low] * (1 - weight)
                        + analysis.aperiodicity[high] * weight)
        held = self.aperiodicity_from >= 0
        aperiodicity[held] = analysis.aperiodicity[self.aperiodicity_from[held]]
        return envelope, aperiodicity


def _chain(spans: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """Adjacent consonant spans as one span of source frames."""
    return (spans[0][0], spans[-1][1]) if spans else (0.0, 0.0)


def _length(spans: tuple[tuple[float, float], ...]) -> float:
    return sum(b - a for a, b in spans) * FRAME_S


def _f0_curve(score: LineScore, params: VoiceParams, times: np.ndarray,
              seed: int) -> np.ndarray:
    """F0 in Hz of every frame: the notes' pitches with glides into legato notes, and
    vibrato that starts a little into each long note."""
    notes = [n for notes in score.syllables for n in notes]
    midi = np.full(times.shape, float(notes[0].pitch))
    rng = np.random.default_rng(seed)
    for previous, note in zip(notes, notes[1:], strict=False):
        glide = params.portamento_s * note.portamento
        legato = note.start_s - previous.end_s < 0.05
        if not legato or glide <= 0.0:
            midi[times >= note.start_s] = note.pitch
            continue
        centre = note.start_s - glide / 4  # arrive at the note's pitch close to its start
        x = np.clip((times - centre) / glide + 0.5, 0.0, 1.0)
        ramp = 0.5 - 0.5 * np.cos(np.pi * x)
        midi = np.where(times >= centre - glide / 2, midi + (note.pitch - previous.pitch) * ramp,
                        midi)
    for note in notes:
        depth = params.vibrato_cents * note.vibrato / 100.0
        rate = params.vibrato_hz * (1.0 + 0.04 * (rng.random() - 0.5))
        begin = note.start_s + params.vibrato_delay_s
        inside = (times >= begin) & (times < note.end_s)
        if depth > 0.0 and np.any(inside):
            t = times[inside] - begin
            midi[inside] += depth * np.minimum(1.0, t / 0.25) * np.sin(2 * np.pi * rate * t)
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _shape(envelope: np.ndarray, aperiodicity: np.ndarray, params: VoiceParams,
           sample_rate: int) -> None:
    """The voice's formant shift, tilt and breathiness, in place."""
    bins = envelope.shape[1]
    freqs = np.linspace(0.0, sample_rate / 2.0, bins)
    if abs(params.formant_shift - 1.0) > 1e-6:
        source = np.clip(np.arange(bins) / params.formant_shift, 0, bins - 1)
        low = np.floor(source).astype(int)
        high = np.minimum(low + 1, bins - 1)
        weight = source - low
        envelope[:] = envelope[:, low] * (1 - weight) + envelope[:, high] * weight
    octaves = np.log2(np.maximum(freqs, 1000.0) / 1000.0)
    envelope *= 10.0 ** (params.tilt_db * octaves / 10.0)
    if params.breathiness > 0.0:
        weight = np.sqrt(np.clip((freqs - 500.0) / 3000.0, 0.0, 1.0))
        aperiodicity += params.breathiness * weight * (1.0 - aperiodicity)


def _gains(score: LineScore, times: np.ndarray, vowel: np.ndarray,
           envelope: np.ndarray) -> np.ndarray:
    """Power gain of each frame: the line brought to a common vowel level, then each note's
    velocity and the section's energy (about 6 dB each over their ranges)."""
    vowel_power = envelope[vowel].mean(axis=1) if np.any(vowel) else envelope.mean(axis=1)
    level = VOWEL_LEVEL / max(float(np.median(vowel_power)), 1e-30)
    db = np.full(times.shape, 0.0)
    for notes in score.syllables:
        for note in notes:
            db[times >= note.start_s - 0.1] = (note.velocity - 90) / 40.0 * 6.0
    db += (score.energy - 0.5) * 6.0
    kernel = np.hanning(9)
    db = np.convolve(np.pad(db, 4, mode="edge"), kernel / kernel.sum(), mode="valid")
    return level * 10.0 ** (db / 10.0)


def _fades(silent: np.ndarray) -> np.ndarray:
    """Amplitude of each frame next to silence: sound fades out over RELEASE_FRAMES into a
    rest, and in over ATTACK_FRAMES after one, so a phrase never stops or starts with a
    click."""
    index = np.arange(len(silent))
    far = len(silent) + RELEASE_FRAMES
    following = np.minimum.accumulate(np.where(silent, index, far)[::-1])[::-1]
    previous = np.maximum.accumulate(np.where(silent, index, -far))
    return (np.clip((following - index) / RELEASE_FRAMES, 0.0, 1.0)
            * np.clip((index - previous) / ATTACK_FRAMES, 0.0, 1.0))


def _add_breath(audio: np.ndarray, score: LineScore, params: VoiceParams, plan: _Plan,
                sample_rate: int, seed: int) -> None:
    """An inhale before the line, when there is time for one: band-passed noise."""
    end_s = plan.first_onset_s - 0.05
    start_s = end_s - BREATH_S
    if start_s < -plan.lead_s:
        return
    first, last = (round((t + plan.lead_s) * sample_rate) for t in (start_s, end_s))
    rng = np.random.default_rng(seed + 1)
    noise = rng.standard_normal(last - first)
    noise = band_pass(noise, 900.0, 5000.0, sample_rate) * np.hanning(last - first) ** 1.5
    voice_rms = float(np.sqrt(np.mean(audio[last:] ** 2))) if last < len(audio) else 0.05
    noise *= score.breath * voice_rms * 10.0 ** (params.breath_db / 20.0) / max(
        float(np.sqrt(np.mean(noise ** 2))), 1e-9)
    audio[first:last] += noise
