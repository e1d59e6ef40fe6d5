"""The preference profile: ratings move the defaults of new songs, explicit prompt values
still win, and the profile survives a restart."""

import json

import pytest

from studio import engine
from studio.engine.composing.context import build_context
from studio.engine.composing.preferences import (
    Features,
    Leanings,
    PreferenceProfile,
    features_of,
    stars_to_rating,
)
from studio.engine.composing.prompt import read_prompt
from studio.engine.edit import operations

PROMPT = "pop song about the city"


def tempo_of_new_song(profile: PreferenceProfile, prompt: str = PROMPT) -> float:
    return engine.compose(prompt, 1, length_s=30,
                          preferences=profile.defaults()).context.tempo_bpm


def simulate(profile: PreferenceProfile, prefer_faster: bool, rounds: int = 10) -> None:
    """A listener shown two songs at a time rates the faster (or the slower) one up and the
    other down: 2 x `rounds` ratings."""
    for pair in range(rounds):
        a = engine.compose(PROMPT, 100 + 2 * pair, length_s=30)
        b = engine.compose(PROMPT, 101 + 2 * pair, length_s=30)
        fast, slow = (a, b) if a.context.tempo_bpm >= b.context.tempo_bpm else (b, a)
        profile.rate(fast, 1 if prefer_faster else -1)
        profile.rate(slow, -1 if prefer_faster else 1)


def test_a_listener_who_likes_faster_songs_moves_the_default_tempo_up(tmp_path):
    path = tmp_path / "prefs.json"
    profile = PreferenceProfile(path)
    before = tempo_of_new_song(profile)
    simulate(profile, prefer_faster=True)
    assert profile.defaults().ratings == 20
    assert profile.defaults().tempo_offset_bpm > 0
    assert tempo_of_new_song(profile) > before
    restarted = PreferenceProfile(path)
    assert restarted.defaults() == profile.defaults()
    assert tempo_of_new_song(restarted) > before


def test_a_listener_who_likes_slower_songs_moves_it_down(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    before = tempo_of_new_song(profile)
    simulate(profile, prefer_faster=False)
    assert tempo_of_new_song(profile) < before


def test_an_explicit_tempo_still_wins(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    simulate(profile, prefer_faster=True)
    assert tempo_of_new_song(profile, "pop song at 92 bpm") == 92


def test_no_preferences_and_neutral_ones_give_the_same_song():
    reading = read_prompt(PROMPT)
    assert build_context(reading, 5) == build_context(reading, 5, preferences=Leanings())


def test_a_liked_edit_toward_more_energy_lifts_the_energy(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    song = engine.compose(PROMPT, 3, length_s=60)
    for section in song.sections:
        song, _ = operations.shape_section(song, section.id, energy_delta=0.1)
    for _ in range(4):
        profile.rate(song, 1)
    lift = profile.defaults().energy_lift
    assert 0 < lift <= 0.1
    plain = engine.compose(PROMPT, 4, length_s=60)
    sections, curve = profile.defaults().lift(plain.sections, plain.context.energy_curve)
    assert all(new.energy >= old.energy for new, old in zip(sections, plain.sections,
                                                            strict=True))
    assert curve != plain.context.energy_curve


def test_liking_happier_versions_leans_new_moods_happier(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    song = engine.compose(PROMPT, 3, length_s=30)
    happier = engine.Mood(song.context.mood.valence + 0.3, song.context.mood.arousal)
    liked, _ = operations.change_style(song, mood=happier)
    for _ in range(3):
        profile.rate(liked, 1)
        profile.rate(song, -1)
    assert profile.defaults().valence_lean > 0
    fresh = engine.compose(PROMPT, 9, length_s=30).context.mood.valence
    assert engine.compose(PROMPT, 9, length_s=30,
                          preferences=profile.defaults()).context.mood.valence > fresh
    sad = engine.compose("sad pop", 9, length_s=30).context.mood
    assert engine.compose("sad pop", 9, length_s=30,
                          preferences=profile.defaults()).context.mood == sad


def test_a_liked_genre_becomes_the_default_only_where_the_prompt_names_none(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    for seed in range(3):
        profile.rate(engine.compose("rock", seed, length_s=30), 5)
    assert profile.defaults().favourite_genre() == "rock"
    unnamed = engine.compose("a song about the sea", 1, length_s=30,
                             preferences=profile.defaults())
    assert unnamed.context.primary_genre == "rock"
    named = engine.compose("jazz about the sea", 1, length_s=30,
                           preferences=profile.defaults())
    assert named.context.primary_genre == "jazz"


def test_a_rated_section_counts_with_its_shade(tmp_path):
    song = engine.compose(PROMPT, 3, length_s=60)
    target = song.sections[1]
    darker, _ = operations.shape_section(song, target.id, valence_offset=-0.5)
    features = features_of(darker, target.id)
    assert features.valence_lean < features_of(song, target.id).valence_lean
    assert features.weight < 1
    profile = PreferenceProfile(tmp_path / "prefs.json")
    profile.rate(darker, 1, section_id=target.id)
    assert profile.defaults().valence_lean < 0
    with pytest.raises(ValueError, match="no section"):
        features_of(song, 999)


def test_an_unchanged_song_sits_on_its_defaults():
    song = engine.compose(PROMPT, 3, length_s=60)
    features = features_of(song)
    assert abs(features.tempo_offset_bpm) <= 3  # only the seeded variety
    assert features.energy_lift == pytest.approx(0, abs=1e-3)
    assert features.valence_lean == pytest.approx(0, abs=1e-3)
    assert features_of(song.context).energy_lift is None  # a context has no arrangement


def test_stars_and_bad_ratings(tmp_path):
    assert [stars_to_rating(s) for s in (1, 3, 5)] == [-1, 0, 1]
    profile = PreferenceProfile(tmp_path / "prefs.json")
    profile.rate(Features(tempo_offset_bpm=5.0), 5)  # five stars is +1
    assert profile.defaults().tempo_offset_bpm > 0
    for bad in (-2, 6):
        with pytest.raises(ValueError):
            profile.rate(Features(tempo_offset_bpm=5.0), bad)
    assert profile.defaults().ratings == 1


def test_a_damaged_profile_reads_as_neutral_and_is_rewritten_whole(tmp_path):
    path = tmp_path / "prefs.json"
    path.write_text("{not json")
    profile = PreferenceProfile(path)
    assert profile.defaults() == Leanings()
    profile.rate(engine.compose(PROMPT, 3, length_s=30).context, 1)
    assert json.loads(path.read_text())["ratings"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["prefs.json"]  # no temporary left


def test_two_windows_rating_the_same_profile_keep_both_ratings(tmp_path):
    path = tmp_path / "prefs.json"
    first, second = PreferenceProfile(path), PreferenceProfile(path)
    first.rate(Features(tempo_offset_bpm=4.0), 1)
    second.rate(Features(tempo_offset_bpm=4.0), 1)
    assert PreferenceProfile(path).defaults().ratings == 2


def test_the_profile_lives_in_the_user_data_folder(tmp_path):
    # conftest points the user data folder at the test's own folder
    assert PreferenceProfile().path == tmp_path / "data" / "ensemble-studio" / "preferences.json"
