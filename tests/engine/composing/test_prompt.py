"""Prompt reading: explicit values, genre blends, mood words, and errors that name the value."""

import pytest

from studio.engine import resources
from studio.engine.composing.prompt import PromptError, PromptReading, read_prompt
from studio.engine.model import Meter


@pytest.mark.parametrize("text, tempo_bpm", [
    ("92 bpm", 92), ("92bpm", 92), ("at 140 beats per minute", 140), ("tempo 100", 100),
    ("Lo-fi at 72 BPM", 72), ("tempo: 120", 120), ("a 96.5 bpm groove", 96.5),
])
def test_tempo_is_read(text, tempo_bpm):
    assert read_prompt(text).tempo_bpm == tempo_bpm


@pytest.mark.parametrize("text, tonic, mode", [
    ("in F# minor", "F#", "minor"), ("in Bb major", "Bb", "major"), ("in D dorian", "D", "dorian"),
    ("key of E minor", "E", "minor"), ("in Am", "A", "minor"), ("in C#m", "C#", "minor"),
    ("in E flat major", "Eb", "major"), ("in E-flat minor", "Eb", "minor"),
    ("in f sharp minor", "F#", "minor"), ("in E♭ major", "Eb", "major"),
    ("in the key of Eb", "Eb", "major"), ("a song in C", "C", "major"),
    ("in a minor", "A", "minor"), ("in A minor key", "A", "minor"),
    ("C major ballad", "C", "major"), ("in G mixolydian", "G", "mixolydian"),
])
def test_key_is_read(text, tonic, mode):
    reading = read_prompt(text)
    assert (reading.tonic, reading.mode) == (tonic, mode)


@pytest.mark.parametrize("text, mode", [
    ("a sad song in a minor key", "minor"), ("something in a major key", "major"),
    ("in minor", "minor"), ("a dorian groove", "dorian"), ("A minor-key ballad", "minor"),
])
def test_a_mode_alone_leaves_the_tonic_open(text, mode):
    reading = read_prompt(text)
    assert reading.tonic is None
    assert reading.mode == mode


@pytest.mark.parametrize("text", ["a dreamy song", "in a rush", "I am happy", "in b"])
def test_letters_that_are_words_are_not_keys(text):
    reading = read_prompt(text)
    assert (reading.tonic, reading.mode) == (None, None)


@pytest.mark.parametrize("text, meter", [
    ("6/8", Meter(6, 8)), ("3/4", Meter(3, 4)), ("a waltz", Meter(3, 4)),
    ("folk in 2/4 time", Meter(2, 4)), ("12/8 blues", Meter(12, 8)), ("4 / 4", Meter(4, 4)),
])
def test_meter_is_read(text, meter):
    assert read_prompt(text).meter == meter


@pytest.mark.parametrize("text, length_s", [
    ("about 2 minutes", 120), ("2 min", 120), ("90 seconds", 90), ("2:30", 150),
    ("two and a half minutes", 150), ("a 3-minute song", 180), ("a minute and a half", 90),
    ("2 minutes 30 seconds", 150), ("1.5 minutes", 90), ("half a minute", 30),
    ("a 90-second jingle", 90),
])
def test_length_is_read(text, length_s):
    assert read_prompt(text).length_s == length_s


@pytest.mark.parametrize("text, lanes", [
    ("no drums", {"drums"}), ("without drums", {"drums"}), ("drumless", {"drums"}),
    ("no bass", {"bass"}), ("without the pad", {"pad"}), ("no piano", {"keys"}),
    ("no keys", {"keys"}), ("no lead", {"lead"}), ("no melody", {"lead"}),
    ("no drums and bass", {"drums", "bass"}),
    ("without drums, bass or pad", {"drums", "bass", "pad"}),
])
def test_excluded_lanes_are_read(text, lanes):
    assert read_prompt(text).excluded_lanes == lanes


@pytest.mark.parametrize("text, genre", [
    ("pop", "pop"), ("rock", "rock"), ("electronic", "electronic"), ("hip hop", "hip-hop"),
    ("hip-hop", "hip-hop"), ("lo-fi", "lo-fi"), ("lofi", "lo-fi"), ("jazz", "jazz"),
    ("folk", "folk"), ("cinematic", "cinematic"), ("film score", "cinematic"), ("R&B", "rnb"),
    ("r&b", "rnb"), ("metal", "metal"), ("ambient", "ambient"), ("country", "country"),
    ("dream pop", "dream-pop"), ("heavy metal", "metal"), ("boom bap", "boom-bap"),
])
def test_genre_words_name_their_genre(text, genre):
    assert read_prompt(text).genre_blend == {genre: 1.0}


def test_every_genre_alias_is_understood():
    for name, row in resources.genres().items():
        for alias in row["aliases"]:
            assert read_prompt(alias).genre_blend == {name: 1.0}, alias


def test_the_longest_genre_phrase_wins():
    assert read_prompt("dream pop").genre_blend == {"dream-pop": 1.0}
    assert read_prompt("indie rock").genre_blend == {"indie-rock": 1.0}
    assert read_prompt("dark thrash metal").genre_blend == {"thrash-metal": 1.0}


def test_a_blend_weighs_the_head_genre_most():
    blend = read_prompt("electronic with dream-pop").genre_blend
    assert set(blend) == {"electronic", "dream-pop"}
    assert blend["electronic"] == pytest.approx(0.65, abs=0.03)
    assert blend["dream-pop"] == pytest.approx(0.35, abs=0.03)


@pytest.mark.parametrize("text", ["jazz meets hip hop", "jazz plus hip hop", "jazz x hip hop",
                                  "jazz and hip hop"])
def test_joining_words_make_blends(text):
    blend = read_prompt(text).genre_blend
    assert blend["jazz"] > blend["hip-hop"] > 0.25


@pytest.mark.parametrize("text", ["pop with a touch of jazz", "pop with a hint of jazz",
                                  "pop, a bit of jazz", "pop and a little jazz",
                                  "a touch of jazz in a pop song", "jazz-tinged pop"])
def test_a_light_genre_only_colours_the_blend(text):
    blend = read_prompt(text).genre_blend
    assert blend["pop"] > 0.7
    assert 0.1 < blend["jazz"] < 0.3


@pytest.mark.parametrize("text", ["70% jazz 30% rock", "jazz 70%, rock 30%", "70% jazz and rock"])
def test_percentages_are_honoured(text):
    assert read_prompt(text).genre_blend == pytest.approx({"jazz": 0.7, "rock": 0.3})


def test_blend_weights_sum_to_one():
    for text in ["rock and jazz and folk", "80% jazz 40% rock", "lofi x jazz with a hint of rnb"]:
        assert sum(read_prompt(text).genre_blend.values()) == pytest.approx(1.0)


def test_mood_words_give_valence_arousal_and_tags():
    sad = read_prompt("a sad, lonely song")
    assert sad.valence < -0.4 and sad.arousal < 0
    assert sad.mood_tags == ("sad", "lonely")
    happy = read_prompt("UPLIFTING, euphoric!")
    assert happy.valence > 0.6 and happy.arousal > 0.5
    calm = read_prompt("calm, peaceful, serene")
    assert calm.arousal < -0.5


def test_mood_phrases_match_with_hyphen_or_space():
    assert read_prompt("late-night").mood_tags == ("night",)
    assert read_prompt("feel good").mood_tags == ("happy",)


def test_intensifiers_and_negation_move_the_mood():
    sad = read_prompt("sad").valence
    assert read_prompt("very sad").valence < sad
    not_sad = read_prompt("not sad")
    assert not_sad.valence > 0
    assert not_sad.mood_tags == ()


def test_words_without_meaning_are_reported():
    reading = read_prompt("a zorbly rock song about my dog")
    assert reading.ignored_words == ("zorbly", "dog")
    assert reading.genre_blend == {"rock": 1.0}


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_prompt_says_nothing(text):
    reading = read_prompt(text)
    assert reading == PromptReading(text=text)


def test_a_full_prompt_reads_every_part():
    reading = read_prompt("Dreamy lo-fi hip hop in D minor, 80 bpm, 6/8, about 2:30, no lead!")
    assert reading.tempo_bpm == 80
    assert (reading.tonic, reading.mode) == ("D", "minor")
    assert reading.meter == Meter(6, 8)
    assert reading.length_s == 150
    assert list(reading.genre_blend) == ["lo-fi", "hip-hop"]
    assert reading.mood_tags == ("dreamy",)
    assert reading.excluded_lanes == {"lead"}
    assert reading.ignored_words == ()


def test_read_phrases_do_not_leak_into_other_readings():
    reading = read_prompt("2 min of dream pop at 90 bpm")
    assert reading.length_s == 120 and reading.tempo_bpm == 90
    assert reading.genre_blend == {"dream-pop": 1.0}
    assert reading.tonic is None


@pytest.mark.parametrize("text, named", [
    ("400 bpm", "400 bpm"), ("tempo 20", "20 bpm"), ("in H major", "'H major'"),
    ("H minor", "'H minor'"), ("7/8", "7/8"), ("4/3", "4/3"),
    ("10 seconds", "10 seconds"), ("20 minutes", "20 minutes"), ("0:05", "0:05"),
    ("150% rock", "150%"),
])
def test_impossible_values_are_errors_that_name_them(text, named):
    with pytest.raises(PromptError) as error:
        read_prompt(text)
    assert named in str(error.value)


def test_an_unsupported_meter_lists_the_supported_ones():
    with pytest.raises(PromptError, match=r"7/8 .*2/4, 3/4, 4/4, 5/4, 6/8 or 12/8"):
        read_prompt("prog rock in 7/8")


def test_tempo_error_gives_the_range():
    with pytest.raises(PromptError, match="choose 40 to 240 bpm"):
        read_prompt("400 bpm")


def test_prompt_error_is_a_value_error():
    assert issubclass(PromptError, ValueError)


def test_the_mood_table_is_well_formed():
    table = resources.table("moods")
    assert len(table["words"]) >= 80
    aliases = {a for row in resources.genres().values() for a in row["aliases"]}
    for word, row in table["words"].items():
        assert word == word.lower() and word not in aliases, word
        assert -1 <= row["valence"] <= 1 and -1 <= row["arousal"] <= 1, word
        assert row["tag"], word
        assert read_prompt(word).mood_tags == (row["tag"],), word
