"""What every lane's instrument does: render one section of its lane at a time.

Two instruments satisfy `Instrument`: SoundFontSynth (soundfont.py) plays a General MIDI
program, VoiceSynth (voice.py) sings the lyrics. stems.instrument_for() picks a lane's
instrument; the renderers use nothing else of them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from studio.engine.model import Composition

TAIL_S = 2.0  # how long a section may ring (or be sung) past its last bar


@runtime_checkable
class Instrument(Protocol):
    """One lane's instrument, rendering a section at a time from a clean state, so a section
    rendered alone is exactly what a whole render puts there."""

    def render_part(self, composition: Composition, section_id: int) -> np.ndarray:
        """(2, samples) float32 of one section of the lane: its bars, then what still sounds
        past them (at most TAIL_S)."""
        ...
