"""Composing: from a prompt to the notes of every lane, in the order the stages run.

Reading the prompt (prompt, instruments)
    read_prompt(text) -> PromptReading; PromptError names what no song can have
    parse_seconds("2:30") -> 150.0
    instruments: the General MIDI programs and kits by name (resources/instruments.toml);
        read_instruments(scan), choose(requests, style_lanes, excluded) -> Choice

Reading a prompt by meaning (meaning, embedder): when it names no style
    load_meaning() -> Meaning (the model, loaded once per process: the worker's, never the
        window's); Meaning.understand(reading) -> the reading with its blend guessed and
        `understood` set; Meaning.guess(text); style_line(blend, understood, prompt)
    Embedder: all-MiniLM-L6-v2 texts -> unit vectors; MeaningError: model missing or stale

The context (context, leanings, preferences)
    build_context(reading, seed, length_s=None, preferences=None) -> CompositionContext
    default_values(reading, genre_blend) -> (tempo_bpm, mood): what a prompt gets unshifted
    Leanings: a user's learned shifts of the defaults; lift() raises an energy curve
    PreferenceProfile(path=None): ratings in, Leanings out (defaults()); features_of,
        stars_to_rating

The arrangement (arrangement)
    arrange(context, rng) -> (sections, energy curve)
    energy_curve(kinds, bars, context); derive_energies(sections, curve)

Harmony (harmony)
    harmonize(context, sections) -> sections with chords
    section_chords(context, sections, index): one section's; chord_of(numeral, key)

Rhythm and feel (grooves, feel)
    groove_for_meter, bar_hits, kick_onsets_beats: the drum grooves of resources/grooves.toml
    swing_amount(context), swing_beats(position, amount): the song's swing

The lane generators (generators)
    generator_for(lane) -> generate(context, section, lane, rng, next_section) -> notes
    generators.drums, .bass, .keys (keys, pad, strings), .horns, .lead; generators.common:
        helpers

The vocal melody (melody)
    section_melody(composition, lyrics, voice_range=None, variation=0) -> VocalPart: the
        notes of one section's words, every syllable pointing at its notes
    vocal_melody(composition, lyrics) -> {section id: VocalPart}

Shaping and room (shaping, room): run on every generated part by orchestrator.generate_part
    shape_part(composition, section, lane, notes): rests, breaks and the ending
    make_room(composition, section, lane, notes): keys, pad and strings clear of the voice

Measures of the craft (craft): what an arranger reads in the notes
    silent_section_lanes, chorus_lift, ending, varied_drum_sections, off_grid_share,
    ghost_notes, vocal_crowding, chorus_hooks, vocal_rests, opening_spread, ...
    (scripts/arranger_report.py prints them for a suite of prompts)
"""

from studio.engine.composing.arrangement import arrange, derive_energies, energy_curve
from studio.engine.composing.context import build_context, default_values
from studio.engine.composing.feel import swing_amount, swing_beats
from studio.engine.composing.generators import generator_for
from studio.engine.composing.grooves import bar_hits, groove_for_meter, kick_onsets_beats
from studio.engine.composing.harmony import chord_of, harmonize, section_chords
from studio.engine.composing.leanings import Leanings
from studio.engine.composing.meaning import Meaning, MeaningError, load_meaning, style_line
from studio.engine.composing.melody import section_melody, vocal_melody
from studio.engine.composing.preferences import PreferenceProfile, features_of, stars_to_rating
from studio.engine.composing.prompt import PromptError, PromptReading, parse_seconds, read_prompt

__all__ = [
    "Leanings", "Meaning", "MeaningError", "PreferenceProfile", "PromptError", "PromptReading",
    "arrange", "bar_hits", "build_context", "chord_of", "default_values", "derive_energies",
    "energy_curve",
    "features_of", "generator_for", "groove_for_meter", "harmonize", "kick_onsets_beats",
    "load_meaning", "parse_seconds", "read_prompt", "section_chords", "section_melody",
    "stars_to_rating", "style_line", "swing_amount", "swing_beats", "vocal_melody",
]
