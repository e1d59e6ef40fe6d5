"""Phrasing of the vocal line: pushes ahead of the beat by style, breaths between lines,
short lines and long ones that run on into a line entering late."""

from __future__ import annotations

import numpy as np

from studio.engine.composing.phrasing import Phrasing, push_amount
from studio.engine.lyrics.plan import LineSlot
from studio.engine.lyrics.rhythm import Rhythm
from studio.engine.model import Meter, Section
from tests.engine.contexts import make_context

FOUR = Meter(4, 4)
SECTION = Section(1, "verse", 8, 0.5)
SLOT = LineSlot(start_beats=8.0, earliest_beats=7.0, end_beats=14.5)
C_MAJOR = (0, 2, 4, 5, 7, 9, 11)


def _phrasing(push: float) -> Phrasing:
    return Phrasing(FOUR, SECTION, push, np.random.default_rng(3), C_MAJOR)


def _sing(phrasing: Phrasing, rhythm: Rhythm, start: float = 8.0):
    count = len(rhythm.onsets)
    return phrasing.sung(LineSlot(start, start - 1, start + 6.5), "full", 0, rhythm,
                         (60,) * count, False, (80,) * count, lambda p: p - 1, "la la")


def test_syncopated_styles_push_and_folk_and_hymns_do_not():
    assert push_amount(make_context("rnb")) > push_amount(make_context("pop")) > 0.25
    assert push_amount(make_context("folk")) < 0.1
    assert push_amount(make_context("hymn")) == 0.0
    assert push_amount(make_context("ambient")) < 0.1  # a calm style of a pushing family
    blend = make_context(blend={"salsa": 0.5, "folk": 0.5})
    assert push_amount(make_context("folk")) < push_amount(blend) < push_amount(
        make_context("salsa"))


def test_a_pushed_note_is_sung_half_a_beat_early_and_the_line_keeps_its_length():
    rhythm = Rhythm((8.0, 9.0, 10.0, 12.0), (1.0, 1.0, 2.0, 2.0), 1.0)
    straight = _sing(_phrasing(0.0), rhythm)
    assert [n.start_beats for n in straight.notes] == [8.0, 9.0, 10.0, 12.0]
    pushed = _sing(_phrasing(1.0), rhythm)
    assert [n.start_beats for n in pushed.notes] == [8.0, 8.5, 9.5, 11.5]  # the first stays
    assert pushed.notes[-1].end_beats == straight.notes[-1].end_beats
    assert all(a.end_beats == b.start_beats for a, b in zip(pushed.notes, pushed.notes[1:],
                                                            strict=False))
    assert pushed.onsets == rhythm.onsets  # the beats the syllables belong to


def test_a_line_lets_its_last_note_go_a_beat_before_the_next_line():
    phrasing = _phrasing(0.0)
    first = _sing(phrasing, Rhythm((8.0, 10.0, 12.0), (2.0, 2.0, 2.5), 1.0))
    second = _sing(phrasing, Rhythm((15.0, 16.0), (1.0, 2.0), 1.0), start=16.0)
    breathed = phrasing.breathe([first, second])
    assert breathed[0].notes[-1].end_beats == 14.0
    assert breathed[1] == second
    # a last note too short to give up a beat keeps what it has
    cramped = _sing(phrasing, Rhythm((14.0,), (0.5,), 1.0), start=14.0)
    assert phrasing.breathe([cramped, second])[0] == cramped


def test_a_long_line_runs_on_into_a_line_that_enters_late():
    phrasing = _phrasing(0.0)
    phrasing.shapes = ["long"] * len(phrasing.shapes)
    following = ((1, 0, 1, 0), LineSlot(16.0, 15.0, 22.5))
    stresses = (0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1)
    rhythm, shape = phrasing.rhythm(stresses, SLOT, 1, None, None, following=following)
    assert shape == "long" and rhythm.onsets[-1] + rhythm.durations[-1] > SLOT.end_beats
    late, late_shape = phrasing.rhythm(following[0], following[1], 2, None, None)
    assert late_shape == "late" and late.onsets[0] >= 17.0
    assert late.onsets[0] - (rhythm.onsets[-1] + rhythm.durations[-1]) >= 0.5
    # without a next line that can enter late, the line keeps to its slot
    alone, alone_shape = _phrasing(0.0).rhythm(stresses, SLOT, 1, None, None)
    assert alone_shape != "long" and alone.onsets[-1] < SLOT.end_beats


def test_a_short_line_is_sung_in_half_its_phrase_on_eighths():
    phrasing = _phrasing(0.0)
    phrasing.shapes = ["short"] * len(phrasing.shapes)
    rhythm, shape = phrasing.rhythm((0, 1, 0, 1, 0), SLOT, 1, None, None)
    assert shape == "short"
    assert rhythm.onsets[-1] + rhythm.durations[-1] <= SLOT.start_beats + 4.0
    assert min(rhythm.durations) >= 0.5
