"""The preference profile: ratings move future defaults, and the shift survives a restart."""

from studio import engine
from studio.engine.preferences import PreferenceProfile

PROMPT = "pop song about the city"


def tempo_of_new_song(profile: PreferenceProfile) -> float:
    return engine.compose(PROMPT, 1, length_s=30,
                          preferences=profile.defaults()).context.tempo_bpm


def simulate(profile: PreferenceProfile, prefer_faster: bool, rounds: int = 10) -> None:
    """A listener shown two songs at a time rates the faster (or slower) one up."""
    for pair in range(rounds):
        a = engine.compose(PROMPT, 100 + 2 * pair, length_s=30).context
        b = engine.compose(PROMPT, 101 + 2 * pair, length_s=30).context
        fast, slow = (a, b) if a.tempo_bpm >= b.tempo_bpm else (b, a)
        profile.rate(fast, 1 if prefer_faster else -1)
        profile.rate(slow, -1 if prefer_faster else 1)


def test_a_listener_who_likes_faster_songs_moves_the_default_tempo_up(tmp_path):
    path = tmp_path / "prefs.json"
    profile = PreferenceProfile(path)
    before = tempo_of_new_song(profile)
    simulate(profile, prefer_faster=True)  # 20 ratings
    assert profile.defaults().ratings == 20
    assert tempo_of_new_song(profile) > before
    assert tempo_of_new_song(PreferenceProfile(path)) > before  # after a restart


def test_a_listener_who_likes_slower_songs_moves_it_down(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    before = tempo_of_new_song(profile)
    simulate(profile, prefer_faster=False)
    assert tempo_of_new_song(profile) < before


def test_explicit_tempo_still_wins(tmp_path):
    profile = PreferenceProfile(tmp_path / "prefs.json")
    simulate(profile, prefer_faster=True)
    song = engine.compose("pop song at 92 bpm", 1, length_s=30, preferences=profile.defaults())
    assert song.context.tempo_bpm == 92


def test_star_ratings_and_a_damaged_profile(tmp_path):
    path = tmp_path / "prefs.json"
    path.write_text("{not json")
    profile = PreferenceProfile(path)
    assert profile.defaults().ratings == 0
    profile.rate(engine.compose(PROMPT, 3, length_s=30).context, 5)
    assert PreferenceProfile(path).defaults().ratings == 1
