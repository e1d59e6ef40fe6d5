"""The lyric writer's dictionary is the CMU dictionary as `pronouncing` reads it."""

import pronouncing

from studio.engine.lyrics.words import _dictionary, pronunciations, rhyme_keys


def test_pronunciations_are_what_pronouncing_finds():
    pronouncing.init_cmu()
    words = [word for index, word in enumerate(sorted(pronouncing.lookup))
             if index % 97 == 0 and "'" not in word]  # the writer drops apostrophes
    assert len(words) > 1000
    assert _dictionary() == pronouncing.lookup
    for word in words + ["summer", "night", "fire", "permit", "read"]:
        assert pronunciations(word) == tuple(pronouncing.phones_for_word(word)), word
    assert pronunciations("runnin'") == tuple(pronouncing.phones_for_word("running"))
    assert pronunciations("zzyzxq") == ()
    assert rhyme_keys("night") & rhyme_keys("light")
