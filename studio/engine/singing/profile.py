"""Voice profiles: what a person's recording says about their voice.

`analyse_profile` measures at least MIN_SECONDS of someone singing or speaking with WORLD:
the F0 median and range of the voiced frames, the first formant's position (the envelope's
peak between 250 Hz and 1 kHz, median over voiced frames), the envelope's centroid, and
breathiness (the aperiodicity between 1 and 4 kHz). The numbers go into the composition's
Voice (use_profile), so singing needs no recording. Keeping the recording in the project file,
and taking a profile from another project file, is studio.voice_profiles's part.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from studio.engine.limits import RECORDING_RANGE_S
from studio.engine.model import Composition, Voice, VoiceProfile

MIN_SECONDS = RECORDING_RANGE_S[0]
ANALYSIS_RATE = 16000  # formants and breath lie below 8 kHz
MIN_VOICED_S = 2.0
SILENCE_RMS = 1e-4
# What espeak-ng's voices say to be measured (speaker_profile), the yardstick of a person's.
REFERENCE_TEXT = ("the quick brown fox jumps over the lazy dog while seven singers hold a "
                  "long bright note above the morning river")


def analyse_profile(audio: np.ndarray, sample_rate: int, name: str = "my voice") -> VoiceProfile:
    """A profile from a recording (mono, (channels, samples) or, as sound files are read,
    (samples, channels)); ValueError when it is shorter than MIN_SECONDS, silent, or has too
    little voice in it."""
    mono = np.asarray(audio, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=int(np.argmin(mono.shape)))
    seconds = mono.size / float(sample_rate)
    if seconds < MIN_SECONDS:
        raise ValueError(f"a voice profile needs at least {MIN_SECONDS:.0f} s of singing or "
                         f"speaking; this recording is {seconds:.1f} s long")
    if seconds > RECORDING_RANGE_S[1]:
        raise ValueError(f"a voice profile is made from at most {RECORDING_RANGE_S[1] / 60:.0f} "
                         f"minutes of singing or speaking; this recording is "
                         f"{seconds / 60:.1f} minutes long: cut it shorter")
    if not np.isfinite(mono).all() or float(np.sqrt(np.mean(mono ** 2))) < SILENCE_RMS:
        raise ValueError("the recording is silent: there is no voice to analyse")
    return measure(mono, sample_rate, name)


def measure(audio: np.ndarray, sample_rate: int, name: str) -> VoiceProfile:
    """The profile's numbers, whatever the recording's length."""
    # imported here: the window reads profiles but never measures one (WORLD is native code)
    import soxr

    from studio.engine.singing.world import analyse

    x = soxr.resample(audio.astype(np.float32), sample_rate, ANALYSIS_RATE)
    x = x / max(float(np.abs(x).max()), 1e-9) * 0.5
    f0, envelope, aperiodicity = analyse(x, ANALYSIS_RATE)
    power = envelope.sum(axis=1)
    voiced = (f0 > 0) & (power > 1e-3 * np.median(power[f0 > 0])) if np.any(f0 > 0) else f0 > 0
    if voiced.sum() * 0.005 < MIN_VOICED_S:
        raise ValueError("the recording has too little voice in it (less than "
                         f"{MIN_VOICED_S:.0f} s of voiced sound)")
    freqs = np.linspace(0.0, ANALYSIS_RATE / 2.0, envelope.shape[1])
    spectra = envelope[voiced]
    band = (freqs >= 250.0) & (freqs <= 1000.0)
    formant = float(np.median(freqs[band][np.argmax(spectra[:, band], axis=1)]))
    upto = freqs <= 5000.0
    centroid = (spectra[:, upto] * freqs[upto]).sum(axis=1) / spectra[:, upto].sum(axis=1)
    breath_band = (freqs >= 1000.0) & (freqs <= 4000.0)
    pitch = f0[voiced]
    return VoiceProfile(
        name=name, f0_median_hz=round(float(np.median(pitch)), 2),
        f0_low_hz=round(float(np.percentile(pitch, 5)), 2),
        f0_high_hz=round(float(np.percentile(pitch, 95)), 2),
        formant_hz=round(formant, 1), centroid_hz=round(float(np.median(centroid)), 1),
        breathiness=round(float(np.median(aperiodicity[voiced][:, breath_band])), 3))


@lru_cache(maxsize=16)
def speaker_profile(speech_voice: str, pitch: int) -> VoiceProfile:
    """The profile of one of the speech voices, the reference a person's is compared with."""
    from studio.engine.singing.speech import speak  # loads the synthesiser: only when measured

    speech = speak(REFERENCE_TEXT, speech_voice, 140, pitch)
    return measure(speech.audio, speech.sample_rate, speech_voice)


def read_recording(path: str | Path) -> tuple[np.ndarray, int]:
    """A recording from a sound file as (channels, samples) float32 and its rate; ValueError
    naming the file when it cannot be read."""
    import soundfile  # imported here: only reading a recording needs libsndfile

    path = Path(path)
    try:
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as error:  # soundfile's errors are RuntimeErrors
        raise ValueError(f"'{path.name}' cannot be read as audio: {error}") from None
    return np.ascontiguousarray(audio.T), rate


def record(seconds: float, sample_rate: int = 44100) -> np.ndarray:
    """Record from the default input device: mono float32 (1, samples)."""
    import sounddevice  # imported here: only recording needs PortAudio

    audio = sounddevice.rec(round(seconds * sample_rate), samplerate=sample_rate, channels=1,
                            dtype="float32")
    sounddevice.wait()
    return np.ascontiguousarray(audio.T)


def use_profile(composition: Composition, profile: VoiceProfile | None) -> None:
    """Sing the composition in a profile (None: the preset alone)."""
    lane = composition.lanes["vocal"]
    lane.voice = replace(lane.voice or Voice(), profile=profile)
