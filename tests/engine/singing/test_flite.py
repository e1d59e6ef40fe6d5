"""Flite's speech: phonemes with their words and times, the same samples every time, and a
clear error for a voice it does not have."""

import numpy as np
import pytest

from studio.engine.singing.flite import VOWELS, speak
from studio.engine.singing.speech import speak as speak_any
from studio.engine.singing.units import units


def test_each_word_has_its_phonemes_in_order_and_the_speech_ends_with_the_last():
    speech = speak("the river runs home", "slt", 140)
    assert speech.sample_rate == 16000
    names = [p.name for p in speech.phonemes]
    assert names == ["dh", "ax", "r", "ih", "v", "er", "r", "ah", "n", "z", "hh", "ow", "m"]
    assert [p.word for p in speech.phonemes] == [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    assert all(p.vowel == (p.name in VOWELS) for p in speech.phonemes)
    starts = [p.start for p in speech.phonemes]
    assert starts == sorted(starts) and starts[0] > 0  # the pause before the words is left out
    tail = speech.audio[speech.phonemes[-1].start:]
    assert 0.03 * 16000 < len(tail) < 0.4 * 16000  # the last phoneme, not the pause after it


def test_a_slower_rate_says_the_same_words_longer():
    fast, slow = speak("over the hills", "rms", 170), speak("over the hills", "rms", 110)
    assert [p.name for p in fast.phonemes] == [p.name for p in slow.phonemes]
    assert 1.3 < len(slow.audio) / len(fast.audio) < 1.8


def test_the_same_words_are_the_same_samples():
    first = speak("summer nights are calling", "awb", 140)
    speak("something else in between", "awb", 120)
    again = speak("summer nights are calling", "awb", 140)
    assert np.array_equal(first.audio, again.audio)


def test_units_find_one_vowel_per_syllable():
    speech = speak_any("golden light", "flite:slt", 140)
    found = units(speech, [0, 0, 1])  # gol-den light
    assert len(found) == 3
    assert all(unit.vowel[1] > unit.vowel[0] for unit in found)


def test_a_voice_flite_does_not_have_is_an_error():
    with pytest.raises(ValueError, match="no voice 'nobody'"):
        speak_any("hello", "flite:nobody")
