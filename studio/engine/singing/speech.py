"""The spoken line the singer starts from, by one of two synthesisers: a voice named
"flite:NAME" is Flite's (flite.VOICES), any other espeak-ng's (a language and a variant)."""

from __future__ import annotations

from studio.engine.singing.espeak import Speech

FLITE = "flite:"


def speak(text: str, voice: str, rate_wpm: int = 140, pitch: int = 50) -> Speech:
    """The speech of `text` with its phonemes' timing; `pitch` (0..99) is espeak-ng's only."""
    if voice.startswith(FLITE):
        from studio.engine.singing import flite

        return flite.speak(text, voice[len(FLITE):], rate_wpm)
    from studio.engine.singing import espeak

    return espeak.speak(text, voice, rate_wpm, pitch)
