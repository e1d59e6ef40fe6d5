"""The arrangement craft of the suite in tests/data/craft_prompts.toml, held to the
thresholds of the arrangement issue: songs whose band changes shape and ends, grooves that
move, parts that leave the voice room, a chorus with a hook, lyrics that are not one
template. The suite is composed once (notes only) and measured by
studio.engine.composing.craft, as scripts/arranger_report.py prints it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from studio.engine.composing import craft

ROOT = Path(__file__).resolve().parents[1]


def _report_module():
    spec = importlib.util.spec_from_file_location(
        "arranger_report", ROOT / "scripts" / "arranger_report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


report = _report_module()


@pytest.fixture(scope="module")
def songs():
    prompts, seeds, length_s = report.load_suite()
    return report.compose_suite(prompts, seeds, length_s)


@pytest.fixture(scope="module")
def figures(songs):
    return report.suite_figures(songs)


def test_the_suite_spans_the_style_families(songs):
    prompts, seeds, _ = report.load_suite()
    assert len(prompts) >= 12 and len(seeds) >= 2
    for song in songs:
        assert song.composition.context.primary_genre == song.prompt.style, song.prompt.text


# ------------------------------------------------------------------ 1. the band's shape

def test_a_tenth_of_the_band_section_lanes_rest(figures):
    assert figures["silent section-lane share"] >= 0.10


def test_the_last_chorus_lifts_over_the_first(figures):
    assert figures["last chorus notes per bar over first"] >= 1.15


def test_every_song_ends_with_an_ending(songs):
    cut = [f"{s.prompt.name} seed {s.seed}" for s in songs
           if craft.ending(s.composition) == "cut"]
    assert not cut


# ------------------------------------------------------------------ 2. grooves that move

def test_half_the_sections_play_two_drum_patterns_besides_the_fill(figures):
    assert figures["varied drum section share"] >= 0.5


def test_drum_onsets_carry_microtiming(songs):
    shares = [g for g in (craft.off_grid_share(s.composition) for s in songs) if g is not None]
    assert any(g > 0 for g in shares)
    # the feel is the style's: straight electronic styles may keep to the grid
    assert sum(g >= 0.1 for g in shares) >= 2 / 3 * len(shares)


def test_backbeat_styles_play_ghost_notes(songs):
    backbeat = [s for s in songs if craft.has_backbeat(s.composition)]
    assert backbeat
    without = [f"{s.prompt.name} seed {s.seed}" for s in backbeat
               if craft.ghost_notes(s.composition) < 4]
    assert not without


def test_two_seeds_of_a_prompt_differ_in_groove(figures):
    assert figures["prompts whose seeds differ in groove"] >= 2 / 3


# ------------------------------------------------------------------ 3. room for the voice

def test_keys_and_pad_leave_the_voice_room(figures):
    assert figures["sung time crowded by keys or pad"] <= 0.40


# ------------------------------------------------------------------ 4. melody, hook, bass

def test_choruses_have_a_hook(figures):
    assert figures["sung choruses with a hook"] >= 0.80


def test_the_singer_rests_a_beat_or_longer(figures):
    assert figures["rests of a beat or longer"] >= 0.35


def test_no_bass_note_below_a_bass_guitars_low_e(figures):
    assert figures["lowest bass note"] >= 28


# ------------------------------------------------------------------ 5. lyrics

def test_no_line_opening_is_shared_by_more_than_a_quarter_of_the_songs(figures):
    assert figures["songs with that opening"] <= 0.25, figures["most shared 3-word opening"]
