"""Voice presets (resources/voices.toml) and the numbers a Voice sings with.

A Voice names a preset and may carry a person's profile; `voice_params` resolves both into
one VoiceParams: the profile moves the speech voice (to the presets' one nearest the
person's pitch), the formants (by the ratio of its first formant to that voice's), the pitch
range and the breathiness toward the person's, by the voice's `profile_amount`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from studio.engine import resources
from studio.engine.model import Composition, Voice, VoiceProfile
from studio.engine.singing.profile import speaker_profile

SPEECH_TO_SONG = (-5, 14)  # a singing range around a speaking median, in semitones
MAX_BREATHINESS = 0.6
MAX_FORMANT_RATIO = 1.2  # further, and the vowels blur


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
    """The preset moved toward a person's voice. From half the way on, the line is spoken by
    the presets' speech voice nearest the person's pitch (a low voice by a low one): moving a
    voice's formants far blurs its vowels. Formants move by the ratio of the person's first
    formant to that voice's; breathiness by how much breathier the person is than it."""
    if amount >= 0.5:
        params = replace(params, **_nearest_speaker(profile))
    own = speaker_profile(params.speech_voice, params.speech_pitch)
    ratio = min(MAX_FORMANT_RATIO, max(1.0 / MAX_FORMANT_RATIO,
                                       profile.formant_hz / own.formant_hz))
    shift = math.exp((1.0 - amount) * math.log(params.formant_shift) + amount * math.log(ratio))
    low, high = _moved_range(params, profile, amount)
    breathiness = params.breathiness + amount * (profile.breathiness - own.breathiness)
    return replace(params, formant_shift=shift, low=low, high=high,
                   breathiness=min(MAX_BREATHINESS, max(0.0, breathiness)))


def _nearest_speaker(profile: VoiceProfile) -> dict[str, str | int]:
    """The presets' speech voice (and pitch) whose speaking pitch is nearest the person's."""
    speakers = sorted({(p.speech_voice, p.speech_pitch) for p in map(preset, preset_names())})
    voice, pitch = min(speakers, key=lambda s: abs(math.log(
        speaker_profile(*s).f0_median_hz / max(profile.f0_median_hz, 1.0))))
    return {"speech_voice": voice, "speech_pitch": pitch}


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
