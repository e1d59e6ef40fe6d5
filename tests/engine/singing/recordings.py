"""Recordings of a person's voice made for the tests: espeak-ng speech with its vocal tract
made larger or smaller by WORLD."""

import numpy as np
import pyworld

from studio.engine.singing.espeak import speak


def voice_recording(voice, pitch, warp):
    """About 11 s of a person speaking, made as espeak-ng speech whose envelope WORLD
    moves by `warp` along frequency (a larger or smaller vocal tract)."""
    text = ("when the evening light is falling on the water I remember every summer that we "
            "spent beside the river singing songs about the places we would go")
    speech = speak(text, voice, 120, pitch)
    x = speech.audio.astype(np.float64)
    f0, times = pyworld.harvest(x, speech.sample_rate, f0_floor=40.0, frame_period=5.0)
    envelope = pyworld.cheaptrick(x, f0, times, speech.sample_rate)
    aperiodicity = pyworld.d4c(x, f0, times, speech.sample_rate)
    bins = np.arange(envelope.shape[1])
    envelope = np.stack([np.interp(bins / warp, bins, frame) for frame in envelope])
    audio = pyworld.synthesize(f0, envelope, aperiodicity, speech.sample_rate, 5.0)
    return np.tile(audio, 2)[: round(11.0 * speech.sample_rate)], speech.sample_rate
