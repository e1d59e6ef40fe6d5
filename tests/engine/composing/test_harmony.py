"""Harmony: chords in key, choruses unlike verses, cadences at section ends."""

import pytest

from studio.engine import resources, theory
from studio.engine.composing.arrangement import arrange
from studio.engine.composing.harmony import chord_of, harmonize
from studio.engine.model import Key
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

GENRES = sorted(resources.genres())


def song(genre, mode="major", tonic="C", seed=3, valence=0.3, arousal=0.3):
    context = make_context(genre, tonic=tonic, mode=mode, seed=seed, valence=valence,
                           arousal=arousal)
    sections, _ = arrange(context, rng_for(seed, -1, "arrangement"))
    return context, harmonize(context, sections)


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_chords_fill_sections_and_stay_in_key(genre, mode):
    context, sections = song(genre, mode, tonic="E")
    scale = set(context.key.scale_pcs)
    in_key = total = 0
    for section in sections:
        length = sum(c.duration_beats for c in section.chords)
        assert length == pytest.approx(section.bars * context.meter.beats_per_bar)
        for chord in section.chords:
            total += 1
            # a blues plays the key's own triads with flat sevenths added (I7, IV7): the
            # triad says whether a chord is of the key
            triad = set(chord.pitch_classes[:3])
            # the major dominant of a minor key is the minor key's own (harmonic minor)
            in_key += triad <= scale or mode == "minor" and chord.numeral.startswith("V")
            # A chord outside the key is one the vocabulary borrows on purpose: the
            # dominant of a minor key, a flattened degree, a secondary dominant (II7, VI7).
            if not triad <= scale:
                assert chord.numeral.startswith(("V", "b", "#", "iiø")) \
                    or chord.quality == "dom7" \
                    or mode == "major" and chord.numeral.startswith("iv"), chord
    # Hijaz and flamenco harmony lives on the Phrygian's flat second (bII, iv over a major
    # tonic): half its chords lie outside a major or minor scale by nature
    phrygian = resources.genre(genre)["progressions"] in ("eastern", "flamenco")
    assert in_key / total > (0.3 if phrygian else 0.6)


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_chorus_differs_from_verse(genre, seed):
    _, sections = song(genre, seed=seed)
    by_kind = {}
    for section in sections:
        by_kind.setdefault(section.kind, []).append(tuple(c.numeral for c in section.chords))
    if "chorus" in by_kind and "verse" in by_kind:
        assert by_kind["chorus"][0] != by_kind["verse"][0]
        # Every chorus plays the same progression apart from its ending.
        firsts = {c[:3] for c in by_kind["chorus"]}
        assert len(firsts) == 1


@pytest.mark.parametrize("genre", GENRES)
def test_cadences(genre):
    context, sections = song(genre, "major")
    last = sections[-1].chords[-1]
    assert last.root_pc == context.key.tonic_pc
    # a half cadence: the dominant, the flat seventh, or flamenco's Phrygian flat second; a
    # vamp (modal, afro) whose vocabulary has no dominant waits on its tonic
    vocabulary = resources.table("progressions")[resources.genre(genre)["progressions"]]
    vamp = vocabulary["major"]["half"].startswith(("I", "i"))
    waiting = {7, 10, 1} | ({0} if vamp else set())
    for current, following in zip(sections, sections[1:], strict=False):
        # a chorus or drop closes on the tonic even when a drop or chorus follows it
        if following.kind in ("chorus", "drop") and current.kind not in ("outro", "chorus",
                                                                           "drop"):
            ending = current.chords[-1]
            assert (ending.root_pc - context.key.tonic_pc) % 12 in waiting, \
                (current.kind, ending)


def test_mood_leans_progression_choice():
    def minor_share(valence):
        count = total = 0
        for seed in range(30):
            _, sections = song("pop", seed=seed, valence=valence)
            chords = [c for s in sections if s.kind == "verse" for c in s.chords]
            count += sum(c.quality in ("min", "min7") for c in chords)
            total += len(chords)
        return count / total

    assert minor_share(-0.9) > minor_share(0.9)


def test_numerals_in_modes():
    assert chord_of("VI", Key("A", "minor")) == (5, "maj")
    assert chord_of("V", Key("A", "minor")) == (4, "maj")
    # In D dorian the sixth degree's triad is diminished (B D F), whatever the case says.
    assert chord_of("VI", Key("D", "dorian")) == (11, "dim")
    assert theory.chord_name(*chord_of("bVII", Key("G", "major"))) == "F"


def test_slow_moods_hold_chords_longer():
    _, fast = song("ambient", arousal=0.2)
    _, slow = song("ambient", arousal=-0.9)
    assert len(slow[1].chords) < len(fast[1].chords)
