"""Theory: note names, numerals, diatonic qualities and spelling in a key."""

import pytest

from studio.engine import theory
from studio.engine.composing.harmony import chord_of
from studio.engine.model import Chord, Key


def test_pitch_classes_and_bad_names():
    assert theory.pitch_class("F#") == 6 and theory.pitch_class("Bb") == 10
    with pytest.raises(ValueError, match="H"):
        theory.pitch_class("H")


@pytest.mark.parametrize("key, numerals, names", [
    (Key("Eb", "minor"), ["i", "VI", "VII", "III", "V"], ["Eb", "Cb", "Db", "Gb", "Bb"]),
    (Key("C", "major"), ["I", "bVII", "bVI", "IV"], ["C", "Bb", "Ab", "F"]),
    (Key("F#", "major"), ["I", "vii", "IV"], ["F#", "E#", "B"]),
    (Key("A", "minor"), ["i", "bII", "VII"], ["A", "Bb", "G"]),
])
def test_roots_are_spelled_by_the_key(key, numerals, names):
    assert [key.spell(chord_of(n, key)[0]) for n in numerals] == names


def test_leading_tone_is_sharp_in_minor():
    assert Key("A", "minor").spell(8) == "G#"
    assert Key("C", "minor").spell(11) == "B"


def test_chord_names_use_the_key():
    key = Key("Eb", "minor")
    root, quality = chord_of("VImaj7", key)
    assert key.chord_name(Chord(root, quality, 0, 4)) == "Cbmaj7"


def test_numerals():
    assert theory.parse_numeral("iiø", 9, "minor") == (11, "m7b5")
    assert theory.parse_numeral("V7", 0, "major") == (7, "dom7")
    with pytest.raises(ValueError, match="XI"):
        theory.parse_numeral("XI", 0, "major")


def test_nearest_pitch_stays_in_range():
    assert theory.nearest_pitch(0, 61) == 60
    assert theory.nearest_pitch(4, 40, 28, 52) == 40
    assert 28 <= theory.nearest_pitch(11, 30, 28, 52) <= 52
