"""WORLD analysis of speech: F0, spectral envelope and aperiodicity every FRAME_S, and the
speech's syllable units in frames. Lines are spoken and analysed once per process for each
text and voice (a chorus repeats its lines), then sung from the analysis."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyworld

from studio.engine.singing.speech import speak
from studio.engine.singing.units import spoken_words, units

FRAME_S = 0.005
SPEECH_RATE_WPM = 140
# Speech voices whose aperiodicity is measured every frame: Flite's low awb voice sings
# clearer words so (scripts/intelligibility.py, low bright 0.846 -> 0.853 with vowels held as
# the singer holds them); slt sings as clearly from every other frame.
EVERY_FRAME_VOICES = frozenset({"flite:awb"})


@dataclass(frozen=True)
class Analysis:
    """A line's speech in WORLD's terms, at `sample_rate`, with its units in frames."""

    sample_rate: int
    f0_hz: np.ndarray  # (frames,), 0 where unvoiced
    envelope: np.ndarray  # (frames, bins) power spectral envelope
    aperiodicity: np.ndarray  # (frames, bins), 0 periodic .. 1 noise
    units: tuple[tuple[tuple[tuple[float, float], ...], tuple[float, float],
                       tuple[tuple[float, float], ...]], ...]  # onset, vowel, coda in frames

    @property
    def bins(self) -> int:
        return self.envelope.shape[1]


def analyse(signal: np.ndarray, sample_rate: int,
            every_frame: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F0 (DIO refined by StoneMask), CheapTrick envelope and D4C aperiodicity, every FRAME_S.

    The envelope keeps every other bin of CheapTrick's (it is smooth at that spacing: 31 Hz
    at 16 kHz), so the voice is synthesised with half the FFT. Unless `every_frame`,
    aperiodicity is measured every other frame, in between linearly: the analysis then takes
    two thirds of the time, and a speech recogniser makes out as many of most voices' words
    (scripts/intelligibility.py)."""
    x = np.ascontiguousarray(signal, dtype=np.float64)
    period_ms = FRAME_S * 1000.0
    f0, times = pyworld.dio(x, sample_rate, f0_floor=40.0, f0_ceil=800.0,
                            frame_period=period_ms)
    f0 = pyworld.stonemask(x, f0, times, sample_rate)
    fft_size = pyworld.get_cheaptrick_fft_size(sample_rate)
    envelope = np.ascontiguousarray(
        pyworld.cheaptrick(x, f0, times, sample_rate, fft_size=fft_size)[:, ::2])
    if every_frame:
        return f0, envelope, pyworld.d4c(x, f0, times, sample_rate, fft_size=fft_size // 2)
    every = np.arange(0, len(f0), 2)
    if every[-1] != len(f0) - 1:
        every = np.append(every, len(f0) - 1)
    sparse = pyworld.d4c(x, np.ascontiguousarray(f0[every]),
                         np.ascontiguousarray(times[every]), sample_rate,
                         fft_size=fft_size // 2)
    aperiodicity = np.empty_like(envelope)
    aperiodicity[every] = sparse
    aperiodicity[1:-1:2] = (aperiodicity[0:-2:2] + aperiodicity[2::2]) / 2.0
    return f0, envelope, aperiodicity


class Unsaid(ValueError):
    """The speech voice says nothing for a line's words (only punctuation, say)."""


@lru_cache(maxsize=256)
def line_analysis(text: str, syllable_words: tuple[int, ...], voice: str,
                  pitch: int) -> Analysis:
    """The spoken line analysed, with one unit per syllable (treat the arrays as read-only)."""
    speech = speak(" ".join(spoken_words(text)), voice, SPEECH_RATE_WPM, pitch)
    if len(speech.audio) < speech.sample_rate * FRAME_S * 4:
        raise Unsaid(f"the speech voice said nothing for '{text}'")
    f0, envelope, aperiodicity = analyse(speech.audio, speech.sample_rate,
                                         voice in EVERY_FRAME_VOICES)
    step = speech.sample_rate * FRAME_S
    found = units(speech, list(syllable_words))

    def frames(span: tuple[int, int]) -> tuple[float, float]:
        return span[0] / step, span[1] / step

    framed = tuple((tuple(frames(s) for s in unit.onset), frames(unit.vowel),
                    tuple(frames(s) for s in unit.coda)) for unit in found)
    return Analysis(speech.sample_rate, f0, envelope, aperiodicity, framed)

