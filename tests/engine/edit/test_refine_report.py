"""What refine says back: the clauses it used, the words it could not use, and the nearest
instructions it can act on, read by the prompt-reading model."""

from __future__ import annotations

import pytest

from studio import engine
from studio.engine.edit.instructions import plan, refine
from studio.engine.edit.refine_report import report_refine, unknown_words


@pytest.fixture(scope="module")
def song():
    return engine.compose("uplifting pop song about summer", 1, length_s=40)


def test_words_it_cannot_use_are_named_with_the_nearest_it_can_do(song):
    result = refine(song, "make it sound like a sunset on mars")
    report = report_refine(song, result)
    assert result.change is None and not report.changed
    assert report.unknown == ["mars"] and report.clauses == ["make it sound like a sunset on mars"]
    assert len(report.suggestions) == 3 and report.styles
    for suggestion in report.suggestions:  # each one refine acts on, for this song
        assert all(step.operation is not None for step in plan(song, suggestion))
    assert report.text.startswith("Nothing changed") and "mars" in report.text


def test_what_was_done_and_what_was_not(song):
    result = refine(song, "more energy in the chorus and purple elephants")
    report = report_refine(song, result)
    assert report.used == ["More energy in chorus (+0.15)"]
    assert report.unknown == ["purple", "elephants"]
    plain = report_refine(song, refine(song, "darker"))
    assert plain.used and not plain.unknown and not plain.suggestions
    assert "Could not use" not in plain.text and "Nearest" not in plain.text


def test_unknown_words_of_a_step():
    assert unknown_words("a sunset on mars (not understood: mars)") == ["mars"]
    assert unknown_words("purple elephants in the chorus") == ["purple", "elephants"]
    assert unknown_words("faster (the tempo is 240 bpm already)") == []
