"""The singing voice: the vocal lane sings the lyrics on the vocal melody.

Voices (presets, profile)
    preset_names(), default_preset(), preset(name) -> VoiceParams: resources/voices.toml
    lane_voice(composition), voice_params(voice): a preset moved toward a person's profile
    voice_range(composition) -> (low, high): where the melody is written, without singing
    analyse_profile(audio, sample_rate, name) -> VoiceProfile: a person's recording measured
        with WORLD; read_recording(path), record(seconds); use_profile(composition, profile)

What each line sings (score)
    line_scores(composition, section_id, voice, shift) -> [(LineScore, first beat)]
    LineCache: sung lines kept by a hash of what they depend on; octave_shift, sung_voice

Singing, in the process that renders (speech, flite, espeak, units, world, singer)
    speech.speak(text, voice, rate_wpm, pitch) -> Speech: Flite ("flite:slt") or espeak-ng
        says the line and times its phonemes; units.units(speech, syllable_words): the
        phonemes as the line's syllables
    world.line_analysis(...): WORLD's analysis of the speech (Unsaid: nothing to say)
    singer.sing_line(score, params, seed) -> (audio, rate, first note's sample): the speech
        re-timed onto the notes (consonants as spoken, vowels held) and re-pitched
    These load native libraries, so they are not imported here: sound.voice.VoiceSynth (the
    vocal lane's instrument) imports them when a vocal lane renders.
"""

from studio.engine.singing.presets import (
    VoiceParams,
    default_preset,
    lane_voice,
    preset,
    preset_names,
    voice_params,
    voice_range,
)
from studio.engine.singing.profile import (
    analyse_profile,
    read_recording,
    record,
    use_profile,
)
from studio.engine.singing.score import LineCache, LineScore, line_scores, octave_shift, sung_voice

__all__ = [
    "LineCache", "LineScore", "VoiceParams", "analyse_profile", "default_preset", "lane_voice",
    "line_scores", "octave_shift", "preset", "preset_names", "read_recording", "record",
    "sung_voice", "use_profile", "voice_params", "voice_range",
]
