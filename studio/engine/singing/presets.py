"""Voice presets (resources/voices.toml) and the numbers a Voice sings with.

A Voice names a preset and may carry a person's profile; `voice_params` resolves both into
one VoiceParams: the profile moves the formants (by the ratio of its first formant to the one
the preset's espeak-ng voice speaks with), the pitch range and the breathiness toward the
person's, by the voice's `profile_amount`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from studio.engine import resources
from studio.engine.model import Composition, Voice, VoiceProfile
from studio.engine.singing.profile import speaker_profile

SPEECH_TO_SONG = (-5, 14)  # a singing range around a speaking median, in semitones


@dataclass(frozen=True)
class VoiceParams:
    speech_voice: str
    speech_pitch: int
    formant_shift: float
    tilt_db: float
    breathiness: float
    low: int
    high: int
    vibrato_cents: float
    vibrato_hz: float
    vibrato_delay_s: float
    portamento_s: float
    breath_db: float


def preset_names() -> list[str]:
    return [name for name, value in resources.table("voices").items() if isinstance(value, dict)]


def default_preset() -> str:
    return str(resources.table("voices")["default"])


def preset(name: str) -> VoiceParams:
    table = resources.table("voices")
    if name not in preset_names():
        raise ValueError(f"there is no voice preset '{name}' (choose from "
                         f"{', '.join(preset_names())})")
    return VoiceParams(**table[name])


def lane_voice(composition: Composition) -> Voice:
    """The vocal lane's voice, or the default one."""
    lane = composition.lanes.get("vocal")
    voice = lane.voice if lane is not None else None
    return voice if voice is not None else Voice(preset=default_preset())


def voice_params(voice: Voice) -> VoiceParams:
    """The preset, moved toward the voice's profile when it has one."""
    params = preset(voice.preset)
    if voice.profile is None or voice.profile_amount <= 0.0:
        return params
    return with_profile(params, voice.profile, min(1.0, voice.profile_amount))


def with_profile(params: VoiceParams, profile: VoiceProfile, amount: float) -> VoiceParams:
    own = speaker_profile(params.speech_voice, params.speech_pitch)
    ratio = min(1.4, max(0.7, profile.formant_hz / own.formant_hz))
    shift = math.exp((1.0 - amount) * math.log(params.formant_shift) + amount * math.log(ratio))
    low, high = _moved_range(params, profile, amount)
    return replace(
        params, formant_shift=shift, low=low, high=high,
        breathiness=(1.0 - amount) * params.breathiness + amount * profile.breathiness)


def profile_range(profile: VoiceProfile) -> tuple[int, int]:
    """The MIDI range a profiled voice sings in: around its median, at least as wide as it
    was heard (people sing higher than they speak, hence the range's lean upward)."""
    median = _midi(profile.f0_median_hz)
    low = min(median + SPEECH_TO_SONG[0], _midi(profile.f0_low_hz))
    high = max(median + SPEECH_TO_SONG[1], _midi(profile.f0_high_hz))
    return round(low), round(high)


def voice_range(composition: Composition) -> tuple[int, int]:
    """The MIDI range the vocal melody should keep to for the composition's voice (worked
    out without speaking: the melody is written where the singer is not loaded)."""
    voice = lane_voice(composition)
    params = preset(voice.preset)
    if voice.profile is None or voice.profile_amount <= 0.0:
        return params.low, params.high
    return _moved_range(params, voice.profile, min(1.0, voice.profile_amount))


def _moved_range(params: VoiceParams, profile: VoiceProfile, amount: float) -> tuple[int, int]:
    low, high = profile_range(profile)
    return (round((1.0 - amount) * params.low + amount * low),
            round((1.0 - amount) * params.high + amount * high))


def _midi(hz: float) -> float:
    return 69.0 + 12.0 * math.log2(max(hz, 1.0) / 440.0)
