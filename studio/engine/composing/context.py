"""Context building: the shared musical facts of a song, from what its prompt said.

build_context() keeps every value the prompt gave and fills the rest from the genre blend and
the mood, drawing only from rng_for(seed, -1, "context") and, for the key, a generator of the
seed and the song's styles and mood tags (so the songs of one seed are in other keys), so one
reading and one seed always give one context. Tempo sits inside the blend's tempo range,
placed by arousal; the mode follows the blend's minor weight, pushed toward minor by sad mood
words and toward major by happy ones, and leaned by moods such as nostalgia or triumph
(resources/key_moods.toml); the song is in the style's usual meter and about three minutes
unless the prompt says otherwise.
"""

from __future__ import annotations

from dataclasses import replace

from studio.engine import resources, theory
from studio.engine.composing.instruments import choose
from studio.engine.composing.leanings import Leanings
from studio.engine.composing.prompt import (
    TEMPO_RANGE_BPM,
    PromptError,
    PromptReading,
    check_length_s,
)
from studio.engine.model import LANE_ORDER, CompositionContext, Key, Meter, Mood
from studio.engine.rng import rng_for

DEFAULT_GENRE = "pop"
DEFAULT_LENGTH_S = 180.0
MIN_BARS = 8

# Mood words dominate; the genre's usual mood only colours them.
_WORDS_SHARE = 0.75
# How far arousal above or below the genre's usual arousal moves the tempo across its range.
_AROUSAL_REACH = 0.6
_TEMPO_JITTER_BPM = 3.0
# How far the mood words' valence moves the chance of minor away from the genre's minor
# weight: "sad" (-0.7) makes any genre minor, "happy" (+0.8) all but metal major, while a
# warm or nostalgic word (+0.3) leaves a minor style often minor.
_VALENCE_PULL = 1.1
# Keys with few accidentals, common in the songs people know; theory spells them.
_COMMON_TONICS = {
    "major": ("C", "G", "D", "A", "E", "F", "Bb", "Eb"),
    "minor": ("A", "E", "D", "B", "G", "C", "F#"),
}


def build_context(reading: PromptReading, seed: int, *, length_s: float | None = None,
                  preferences: Leanings | None = None) -> CompositionContext:
    """The song's context: the reading's values, and seeded choices wherever it said nothing.

    `length_s` (a length chosen outside the prompt, such as a command-line flag) overrides
    the prompt's length. `preferences` (a user's learned leanings) shift only what the
    prompt left open: the tempo, a mood it did not state, the genre when it names none.
    Raises PromptError when the prompt leaves no lane to play.
    """
    # Every draw is made whether it is used or not, so stating the tempo leaves the key as it
    # would have been for the same seed.
    tempo_draw, _, _ = rng_for(seed, -1, "context").random(3)
    favourite = preferences.favourite_genre() if preferences is not None else None
    blend = dict(reading.genre_blend) or {favourite or DEFAULT_GENRE: 1.0}
    mood = _mood(reading, blend)
    # the key is drawn for the song's styles and mood, not for the seed alone, so the songs
    # of one seed are not all in one key
    minor_draw, tonic_draw = rng_for(seed, -1, "key " + " ".join(
        [*sorted(blend), *mood.tags])).random(2)
    tempo_bpm = reading.tempo_bpm
    if tempo_bpm is None:
        offset_bpm = preferences.tempo_offset_bpm if preferences is not None else 0.0
        tempo_bpm = _tempo_bpm(blend, mood.arousal, tempo_draw, offset_bpm)
    # The leans come after the tempo so that the tempo offset alone moves the tempo.
    if preferences is not None and reading.valence is None:
        mood = replace(mood, valence=_unit(mood.valence + preferences.valence_lean),
                       arousal=_unit(mood.arousal + preferences.arousal_lean))
    key = _key(reading, blend, minor_draw, tonic_draw)
    meter = reading.meter or _style_meter(blend)
    chosen = choose(reading.instruments, resources.genre(_primary(blend))["lanes"],
                    reading.excluded_lanes)
    return CompositionContext(
        key=key, tempo_bpm=tempo_bpm, meter=meter, genre_blend=blend, mood=mood,
        length_bars=_length_bars(reading, length_s, tempo_bpm, meter), seed=seed,
        lanes=_lanes(blend, reading.excluded_lanes | chosen.removed, chosen.added),
        prompt=reading.text, programs=chosen.programs, drum_kit=chosen.drum_kit,
        understood=reading.understood,
    )


def default_values(reading: PromptReading,
                   genre_blend: dict[str, float] | None = None) -> tuple[float, Mood]:
    """The tempo and mood the defaults give a reading with no seeded variety and no
    preferences: the yardstick a rated song is measured against. `genre_blend` (the genres
    the song was made in) stands in for the reading's when given."""
    blend = dict(genre_blend or reading.genre_blend) or {DEFAULT_GENRE: 1.0}
    mood = _mood(reading, blend)
    if reading.tempo_bpm is not None:
        return reading.tempo_bpm, mood
    return _tempo_bpm(blend, mood.arousal, 0.5), mood  # a draw of 0.5 adds no variety


def _weighted(blend: dict[str, float], field: str) -> float:
    return sum(weight * resources.genre(genre)[field] for genre, weight in blend.items())


def _primary(blend: dict[str, float]) -> str:
    return max(sorted(blend), key=lambda genre: blend[genre])


def _mood(reading: PromptReading, blend: dict[str, float]) -> Mood:
    """The words' mood blended with the genres' usual one; the genre's alone when none."""
    valence = _toward(_weighted(blend, "valence"), reading.valence)
    arousal = _toward(_weighted(blend, "arousal"), reading.arousal)
    tags = reading.mood_tags or (_primary(blend),)
    return Mood(round(valence, 4), round(arousal, 4), tuple(tags))


def _toward(genre_value: float, word_value: float | None) -> float:
    if word_value is None:
        return genre_value
    return _WORDS_SHARE * word_value + (1.0 - _WORDS_SHARE) * genre_value


def _unit(value: float) -> float:
    return round(max(-1.0, min(1.0, value)), 4)


def _tempo_bpm(blend: dict[str, float], arousal: float, draw: float,
               offset_bpm: float = 0.0) -> float:
    """Inside the blend's tempo range: the middle for the genre's usual arousal, higher when
    the mood is more excited, lower when calmer, with a little seeded variety."""
    low_bpm = sum(w * resources.genre(g)["tempo_bpm"][0] for g, w in blend.items())
    high_bpm = sum(w * resources.genre(g)["tempo_bpm"][1] for g, w in blend.items())
    place = 0.5 + _AROUSAL_REACH * (arousal - _weighted(blend, "arousal"))
    tempo_bpm = low_bpm + min(1.0, max(0.0, place)) * (high_bpm - low_bpm)
    tempo_bpm += (2.0 * draw - 1.0) * _TEMPO_JITTER_BPM
    tempo_bpm = min(high_bpm, max(low_bpm, tempo_bpm)) + offset_bpm
    return float(round(min(TEMPO_RANGE_BPM[1], max(TEMPO_RANGE_BPM[0], tempo_bpm))))


def _key(reading: PromptReading, blend: dict[str, float], minor_draw: float,
         tonic_draw: float) -> Key:
    """The prompt's key; a drawn tonic for a mode alone; a mode by minor weight and mood.

    Only the words move the mode (their valence, and the lean of mood tags such as
    "nostalgic" or "triumphant" in resources/key_moods.toml): the genre's own usual mood is
    already in its minor weight.
    """
    mode = reading.mode
    if mode is None:
        pull = _VALENCE_PULL * (reading.valence or 0.0)
        leans = resources.table("key_moods")["minor_lean"]
        lean = sum(leans.get(tag, 0.0) for tag in dict.fromkeys(reading.mood_tags))
        p_minor = _weighted(blend, "minor_weight") - pull + lean
        mode = "minor" if minor_draw < p_minor else "major"
    if reading.tonic is not None:
        return Key(reading.tonic, mode)
    tonics = _COMMON_TONICS["minor" if mode in theory.MINOR_LIKE else "major"]
    return Key(tonics[int(tonic_draw * len(tonics))], mode)


def _style_meter(blend: dict[str, float]) -> Meter:
    """The leading style's usual meter (4/4 for a style that names none)."""
    meters = resources.genre(_primary(blend)).get("meters") or ["4/4"]
    numerator, denominator = (int(part) for part in meters[0].split("/"))
    return Meter(numerator, denominator)


def _length_bars(reading: PromptReading, length_s: float | None, tempo_bpm: float,
                 meter: Meter) -> int:
    """Whole bars filling the length, rounded to a multiple of four (phrases come in fours)."""
    if length_s is not None:
        length_s = check_length_s(length_s)
    elif reading.length_s is not None:
        length_s = reading.length_s
    else:
        length_s = DEFAULT_LENGTH_S
    bars = length_s * tempo_bpm / 60.0 / meter.beats_per_bar
    return max(MIN_BARS, 4 * round(bars / 4))


def _lanes(blend: dict[str, float], excluded: frozenset[str],
           added: tuple[str, ...] = ()) -> tuple[str, ...]:
    # every genre can carry a voice; "instrumental" or "no vocals" leaves it out; instruments
    # the prompt named bring the lanes they play in
    played = {**resources.genre(_primary(blend))["lanes"], "vocal": None, **dict.fromkeys(added)}
    lanes = tuple(lane for lane in LANE_ORDER if lane in played and lane not in excluded)
    if not lanes:
        left_out = ", ".join(lane for lane in LANE_ORDER if lane in excluded)
        raise PromptError(f"Leaving out {left_out} leaves nothing to play: keep at least one "
                          f"of {', '.join(lane for lane in LANE_ORDER if lane in played)}.")
    return lanes
