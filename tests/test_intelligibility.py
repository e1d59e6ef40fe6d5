"""The sung words can be made out: Whisper base (tests/hearing.py), a recogniser we did not
write, transcribes each distinct line of two songs' dry vocal stems, and at least 80% of the
words must come out right. A change that garbles the singing fails here."""

import pytest

from studio import engine
from tests.hearing import SONGS, song_accuracy


@pytest.mark.slow
@pytest.mark.parametrize(("song", "preset"), [(SONGS[0], "high soft"), (SONGS[1], "low soft")])
def test_the_words_of_two_songs_are_heard(song, preset):
    prompt, seed = song
    accuracy = song_accuracy(engine.compose(prompt, seed, length_s=90.0), preset)
    assert accuracy >= 0.80, accuracy
