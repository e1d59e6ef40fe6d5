"""The keys rendered audio is cached under: a hash of everything that audio depends on.

    segment_key   one section of one lane, dry: the instrument (its General MIDI program,
                  drum kit and the SoundFont file's identity) or the singing voice (words,
                  preset, profile, expression), tempo, meter, bars, notes, sample rate
    wet_key       one lane's whole stem after its insert effects: its sections' keys and
                  places, its effects, the song's length in samples
    returns_key   the reverb and delay returns, and so the mix: every lane's wet key, fader,
                  mute, solo and sends, the buses' settings and the tempo
    master_key    the master and its loudness report: the mix's key, the mastering settings,
                  the preset as the song's mood leans it, and the sections' spans and energy

Every key also holds SOUND_VERSION, so that audio made by older code is never taken for
audio the current code would make; a master's key also holds MASTER_VERSION.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace

import numpy as np

from studio.engine.model import Buses, Composition, Lane
from studio.engine.singing.presets import voice_params
from studio.engine.singing.score import octave_shift, sung_voice
from studio.engine.sound.soundfont import drum_kit, soundfont_path
from studio.engine.sound.soundfont_file import soundfont_identity
from studio.engine.sound.stems import VOCAL_LANE

# Raise when the synth, the singer, the effects or the mix change what they make for the same
# inputs: every cached render made before is then rendered again.
SOUND_VERSION = 3
# Raise when the master (its tone, glue, ride or limiter) changes what it makes of a mix.
MASTER_VERSION = 2


def segment_key(composition: Composition, section_id: int, lane: str, sample_rate: int,
                font: tuple[str, int, int] | None = None) -> str:
    """A hash of everything one section of one lane's audio depends on. `font` is the
    SoundFont's soundfont_identity when the caller has it (a song's many keys need it once;
    it reads the file's attributes)."""
    context = composition.context
    section = next(s for s in composition.sections if s.id == section_id)
    instrument = composition.lanes[lane]
    part = composition.parts.get((section_id, lane))
    recipe = ("section", SOUND_VERSION, instrument.program, instrument.is_drums,
              drum_kit(context) if instrument.is_drums else None, context.tempo_bpm,
              context.meter.beats_per_bar, section.bars, sample_rate,
              part.notes if part else ())
    if lane == VOCAL_LANE:
        recipe += _sung_recipe(composition, section_id)
    else:  # another SoundFont (FluidR3 installed since, or a new version of it) plays it
        recipe += (font or soundfont_identity(soundfont_path()),)
    return _hash(recipe)


def wet_key(section_keys: list[tuple[str, int]], lane: Lane, length: int,
            sample_rate: int) -> str:
    """One lane's stem after its insert effects: its (section key, first sample) pairs, its
    effects and the stem's length (the song's end is faded)."""
    return _hash(("wet", SOUND_VERSION, tuple(section_keys), lane.fx, length, sample_rate))


def returns_key(wet_keys: Mapping[str, str], lanes: Mapping[str, Lane], buses: Buses,
                tempo_bpm: float, sample_rate: int) -> str:
    """The buses' returns: what every lane sends them after its fader, and their settings."""
    faders = tuple((name, wet_keys[name], lanes[name].gain_db, lanes[name].pan,
                    lanes[name].mute, lanes[name].solo, lanes[name].fx.reverb_send,
                    lanes[name].fx.delay_send) for name in sorted(wet_keys))
    return _hash(("returns", SOUND_VERSION, faders, buses, tempo_bpm, sample_rate))


def master_key(mix_key: str, preset, settings, sections: list[tuple[int, int, float]],
               sample_rate: int) -> str:
    """The master of a mix: its settings (a Mastering), its preset (a MasterPreset) and the
    sections the master rides."""
    return _hash(("master", SOUND_VERSION, MASTER_VERSION, mix_key, preset, settings, sections,
                  sample_rate))


def _sung_recipe(composition: Composition, section_id: int) -> tuple:
    """What a section of the singing voice depends on beyond its notes: the words and their
    alignment, the voice (preset, a person's profile, only this section's note expressions)
    and the preset's parameters, the section's energy, the song's seed and the octave the
    voice sings the whole melody in."""
    voice = sung_voice(composition.lanes[VOCAL_LANE])
    lyrics = composition.lyrics.get(section_id)
    section = next(s for s in composition.sections if s.id == section_id)
    params = voice_params(voice)
    own = replace(voice, notes=tuple(n for n in voice.notes if n.section_id == section_id))
    return ("sung", lyrics.lines if lyrics else None, own, params, round(section.energy, 3),
            composition.context.seed, octave_shift(composition, params))


def _hash(recipe: tuple) -> str:
    return hashlib.blake2b(repr(_plain(recipe)).encode(), digest_size=16).hexdigest()


def _plain(value):
    """The recipe in plain Python values, written the same whichever way it was made: a song
    just composed holds numpy numbers where the same song read back from its project file holds
    floats, and a dict read back may list its items in another order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, tuple | list):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted(((repr(_plain(k)), _plain(v)) for k, v in value.items()),
                            key=lambda item: item[0]))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, _plain(getattr(value, f.name))) for f in fields(value))
    return value
