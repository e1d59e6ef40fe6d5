"""Arrangement: sections of the genre's kinds, bars summing to the length, an energy shape."""

import pytest

from studio.engine import resources
from studio.engine.composing.arrangement import arrange, derive_energies
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

GENRES = sorted(resources.genres())


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("length_bars", [8, 24, 48, 80, 120, 300])
def test_bars_sum_to_length_and_kinds_come_from_the_form(genre, length_bars):
    context = make_context(genre, length_bars=length_bars)
    sections, curve = arrange(context, rng_for(1, -1, "arrangement"))
    assert sum(s.bars for s in sections) == length_bars
    form = set(resources.genre(genre)["form"])
    assert {s.kind for s in sections} <= form
    assert all(s.bars >= 2 for s in sections)
    assert len({s.id for s in sections}) == len(sections)
    assert len(curve) == 2 * len(sections)


def test_a_full_song_keeps_its_shape():
    sections, _ = arrange(make_context("pop", length_bars=80), rng_for(1, -1, "a"))
    kinds = [s.kind for s in sections]
    assert kinds[0] == "intro" and kinds[-1] == "outro"
    assert "chorus" in kinds and "verse" in kinds
    assert kinds.index("verse") < kinds.index("chorus")


def test_energy_builds_peaks_contrasts_and_decays():
    context = make_context("pop", length_bars=88)
    sections, curve = arrange(context, rng_for(1, -1, "a"))
    energy = {}
    for s in sections:
        energy.setdefault(s.kind, []).append(s.energy)
    chorus = min(energy["chorus"])
    assert max(energy["verse"]) < chorus
    assert max(energy["bridge"]) < chorus
    assert energy["intro"][0] < min(energy["verse"])
    assert energy["outro"][0] < min(energy["verse"])
    # The intro builds and the outro decays inside the section.
    assert curve[1][1] > curve[0][1]
    assert curve[-1][1] < curve[-2][1]
    # Later verses climb a little: the song develops.
    assert energy["verse"][-1] > energy["verse"][0]


def test_arousal_moves_the_whole_curve():
    calm, _ = arrange(make_context("pop", arousal=-0.9), rng_for(1, -1, "a"))
    wild, _ = arrange(make_context("pop", arousal=0.9), rng_for(1, -1, "a"))
    assert all(c.energy < w.energy for c, w in zip(calm, wild, strict=True))


def test_section_energy_is_derived_from_an_edited_curve():
    sections, curve = arrange(make_context("pop", length_bars=40), rng_for(1, -1, "a"))
    flat = tuple((bar, 0.5) for bar, _ in curve)
    assert all(abs(s.energy - 0.5) < 1e-6 for s in derive_energies(sections, flat))
