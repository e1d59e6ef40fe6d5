"""Context building: explicit values win, the rest is filled from genre and mood by the seed."""

import pytest

from studio.engine import resources
from studio.engine.composing.context import build_context
from studio.engine.composing.prompt import PromptError, PromptReading, read_prompt
from studio.engine.model import DEFAULT_LANES, LANE_ORDER, Key, Meter

SEEDS = range(24)


def context_for(text: str, seed: int = 1, **kwargs):
    return build_context(read_prompt(text), seed, **kwargs)


def test_an_empty_prompt_gives_three_minutes_of_pop_in_four():
    context = context_for("")
    low_bpm, high_bpm = resources.genre("pop")["tempo_bpm"]
    assert context.genre_blend == {"pop": 1.0}
    assert context.meter == Meter(4, 4)
    assert low_bpm <= context.tempo_bpm <= high_bpm
    assert context.tempo_bpm == round(context.tempo_bpm)
    assert context.length_s == pytest.approx(180, abs=6)
    assert context.length_bars % 2 == 0
    assert context.lanes == DEFAULT_LANES
    assert context.energy_curve == ()
    assert context.prompt == ""


def test_the_same_reading_and_seed_give_the_same_context():
    reading = read_prompt("moody electronic with a touch of jazz")
    assert build_context(reading, 42) == build_context(reading, 42)


def test_different_seeds_can_give_different_contexts():
    reading = read_prompt("pop")
    contexts = {(c.key, c.tempo_bpm) for c in (build_context(reading, s) for s in SEEDS)}
    assert len(contexts) > 3


def test_explicit_values_win_over_genre_defaults():
    text = "metal in C# dorian at 60 bpm, 3/4, 45 seconds, very happy, no keys"
    for seed in SEEDS:
        context = context_for(text, seed)
        assert context.key == Key("C#", "dorian")
        assert context.tempo_bpm == 60
        assert context.meter == Meter(3, 4)
        assert context.length_s == pytest.approx(45, abs=3)
        assert "keys" not in context.lanes
        assert context.mood.valence > 0
        assert context.prompt == text
        assert context.seed == seed


def test_stating_the_tempo_leaves_the_seeded_key_alone():
    for seed in SEEDS:
        assert context_for("rock", seed).key == context_for("rock at 100 bpm", seed).key


def test_a_mode_alone_gets_a_common_tonic():
    tonics = {context_for("in a minor key", seed).key for seed in SEEDS}
    assert {key.mode for key in tonics} == {"minor"}
    assert {key.tonic for key in tonics} <= {"A", "E", "D", "B", "G", "C", "F#"}
    assert len(tonics) > 2


def test_drawn_major_keys_are_common_ones():
    keys = [context_for("happy country", seed).key for seed in SEEDS]
    assert {k.tonic for k in keys if k.mode == "major"} <= {"C", "G", "D", "A", "E", "F", "Bb",
                                                            "Eb"}


def test_sad_words_lean_to_minor_and_happy_words_to_major():
    assert sum(context_for("sad pop", s).key.mode == "minor" for s in SEEDS) >= 20
    assert sum(context_for("happy metal", s).key.mode == "major" for s in SEEDS) >= 16


def test_the_genre_minor_weight_sets_the_mode_when_no_mood_is_said():
    metal = sum(context_for("metal", s).key.mode == "minor" for s in SEEDS)
    country = sum(context_for("country", s).key.mode == "minor" for s in SEEDS)
    assert metal > country


def test_calm_words_slow_the_tempo_and_excited_words_speed_it():
    for seed in SEEDS[:6]:
        calm = context_for("calm jazz", seed).tempo_bpm
        plain = context_for("jazz", seed).tempo_bpm
        wild = context_for("energetic jazz", seed).tempo_bpm
        assert calm < plain < wild


def test_tempo_stays_in_the_blend_range():
    low = 0.65 * 118 + 0.35 * 84
    high = 0.65 * 132 + 0.35 * 110
    for seed in SEEDS:
        assert low - 1 <= context_for("electronic with dream pop", seed).tempo_bpm <= high + 1


def test_mood_words_dominate_the_genre_mood():
    mood = context_for("sad metal").mood
    sad = read_prompt("sad").valence
    metal = resources.genre("metal")["valence"]
    assert mood.valence == pytest.approx(0.75 * sad + 0.25 * metal, abs=1e-3)
    assert mood.tags == ("sad",)


def test_without_mood_words_the_genre_sets_the_mood():
    mood = context_for("ambient").mood
    assert (mood.valence, mood.arousal) == (resources.genre("ambient")["valence"],
                                            resources.genre("ambient")["arousal"])
    assert mood.tags == ("ambient",)


def test_a_length_from_outside_the_prompt_overrides_it():
    assert context_for("2 minutes", length_s=60).length_s == pytest.approx(60, abs=3)
    assert context_for("", length_s=240).length_s == pytest.approx(240, abs=4)


def test_an_impossible_outside_length_is_an_error():
    with pytest.raises(PromptError, match="5 s"):
        context_for("", length_s=5)


def test_bars_are_even_and_at_least_eight():
    reading = PromptReading(tempo_bpm=40.0, length_s=20.0, meter=Meter(12, 8))
    assert build_context(reading, 1).length_bars == 8
    for seed in SEEDS:
        assert context_for("folk in 6/8, 2:10", seed).length_bars % 2 == 0


def test_length_bars_follow_tempo_and_meter():
    context = context_for("120 bpm, 3/4, 90 seconds")
    assert context.length_bars == 60


def test_lanes_follow_the_primary_genre_minus_exclusions():
    assert context_for("jazz").lanes == ("drums", "bass", "keys", "lead", "vocal")
    assert context_for("jazz with a touch of pop, no drums").lanes == (
        "bass", "keys", "lead", "vocal")
    assert context_for("pop without the pad").lanes == ("drums", "bass", "keys", "lead", "vocal")


@pytest.mark.parametrize("text", ["instrumental jazz", "jazz, no vocals", "vocal-free jazz",
                                  "jazz without the singer"])
def test_an_instrumental_has_no_vocal_lane(text):
    assert context_for(text).lanes == ("drums", "bass", "keys", "lead")
    assert not read_prompt(text).ignored_words


def test_excluding_every_lane_is_an_error():
    with pytest.raises(PromptError, match="drums, bass, keys, pad, lead, vocal"):
        context_for("no drums, no bass, no keys, no pad, no lead, no vocals")
    with pytest.raises(PromptError):
        context_for("instrumental jazz without drums, bass, keys or lead")


@pytest.mark.parametrize("text, genre", [
    ("a pop song", "pop"), ("rock anthem", "rock"), ("electronic club track", "electronic"),
    ("hip hop beat", "hip-hop"), ("lo-fi study music", "lo-fi"), ("smooth jazz", "smooth-jazz"),
    ("acoustic folk", "folk"), ("cinematic trailer music", "cinematic"), ("R&B slow jam", "rnb"),
    ("heavy metal", "metal"), ("ambient soundscape", "ambient"), ("country road song", "country"),
])
def test_genre_prompts_give_their_genre_as_primary(text, genre):
    context = context_for(text)
    assert context.primary_genre == genre
    low_bpm, high_bpm = resources.genre(genre)["tempo_bpm"]
    assert low_bpm <= context.tempo_bpm <= high_bpm
    assert context.lanes == tuple(lane for lane in LANE_ORDER
                                  if lane in resources.genre(genre)["lanes"]) + ("vocal",)


def test_the_blend_head_is_primary():
    assert context_for("electronic with dream-pop").primary_genre == "electronic"
    assert context_for("a touch of jazz in a rock song").primary_genre == "rock"


def test_one_seed_gives_songs_of_other_styles_other_keys():
    prompts = ["pop", "indie rock", "folk", "electronic", "hip hop", "jazz", "country", "r&b",
               "reggae", "salsa", "blues", "cinematic"]
    for seed in SEEDS[:3]:
        keys = [context_for(text, seed).key for text in prompts]
        assert len(set(keys)) >= 4, keys
        assert {key.mode for key in keys} == {"major", "minor"}, keys


def test_mood_tags_lean_the_mode_where_valence_says_little():
    nostalgic = sum(context_for("nostalgic hip hop", s).key.mode == "minor" for s in SEEDS)
    triumphant = sum(context_for("triumphant hip hop", s).key.mode == "minor" for s in SEEDS)
    assert nostalgic > triumphant + len(SEEDS) // 4
