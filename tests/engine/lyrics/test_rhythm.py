"""A sung line's rhythm: stresses on strong beats, another line's rhythm kept where the
stresses allow, and eighths only when asked."""

from __future__ import annotations

from studio.engine.lyrics.plan import LineSlot
from studio.engine.lyrics.rhythm import fit_rhythm
from studio.engine.model import Meter

FOUR = Meter(4, 4)
SLOT = LineSlot(start_beats=8.0, earliest_beats=7.0, end_beats=14.5)
IAMBS = (0, 1, 0, 1, 0, 1)


def test_stressed_syllables_land_on_strong_beats():
    rhythm = fit_rhythm(IAMBS, SLOT, FOUR)
    assert rhythm.on_strong == 1.0
    assert [t for t, s in zip(rhythm.onsets, IAMBS, strict=True) if s] == [8.0, 10.0, 12.0]
    assert all(SLOT.earliest_beats <= t < SLOT.end_beats for t in rhythm.onsets)


def test_a_template_rhythm_is_kept_where_the_stresses_allow():
    template = (-1.0, 0.0, 1.5, 2.0, 3.5, 4.0)  # another line's onsets from its downbeat
    plain = fit_rhythm(IAMBS, SLOT, FOUR)
    followed = fit_rhythm(IAMBS, SLOT, FOUR, template)
    assert plain.onsets != tuple(SLOT.start_beats + t for t in template)
    assert followed.onsets == tuple(SLOT.start_beats + t for t in template)
    assert followed.on_strong == 1.0


def test_the_stresses_win_over_a_template():
    # the template would put the second stress on beat 2: it stays on beat 3
    followed = fit_rhythm(IAMBS, SLOT, FOUR, (-0.5, 0.0, 0.5, 1.0, 1.5, 2.0))
    assert followed.on_strong == 1.0
    assert followed.onsets[0] == 7.5  # the pickup the template has, where it costs nothing


def test_eighths_only_when_asked():
    tight = LineSlot(start_beats=8.0, earliest_beats=7.0, end_beats=10.5)
    words = (1, 0) * 4
    assert any(d < 0.5 for d in fit_rhythm(words, tight, FOUR).durations)
    eighths = fit_rhythm(words, tight, FOUR, grids=(0.5,))
    assert eighths is None or min(eighths.durations) >= 0.5
    assert fit_rhythm((1, 0) * 8, LineSlot(8.0, 7.0, 10.0), FOUR, grids=(0.5,)) is None
