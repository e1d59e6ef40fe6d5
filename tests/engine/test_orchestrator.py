"""The song pipeline: stages report progress in order, cancel stops them, seeds steer them."""

import pytest

from studio import engine
from studio.engine.orchestrator import COMPOSE_STAGES, generate_part, title_from


def test_progress_is_monotonic_and_completes_every_stage():
    events = []
    composition = engine.compose("folk song", 3, length_s=40, progress=events.append)
    engine.render_song(composition, 44100, progress=events.append)
    stages = list(dict.fromkeys(e.stage for e in events))
    assert stages[: len(COMPOSE_STAGES)] == list(COMPOSE_STAGES)
    assert {"render", "mix", "master"} <= set(stages)
    for stage in stages:
        fractions = [e.fraction for e in events if e.stage == stage]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0, stage


def test_cancel_stops_composing():
    token = engine.CancelToken()

    def cancel_on_parts(event):
        if event.stage == "parts":
            token.cancel()

    with pytest.raises(engine.Cancelled):
        engine.compose("rock", 1, length_s=60, progress=cancel_on_parts, cancel=token)


def test_a_variation_changes_only_its_selection():
    composition = engine.compose("pop", 8, length_s=60)
    section = composition.sections[0]
    again = generate_part(composition, section, "lead")
    other = generate_part(composition, section, "lead", variation=1)
    assert again == composition.parts[(section.id, "lead")]
    assert other.notes != again.notes and other.variation == 1


def test_titles():
    context = engine.compose("calm ambient", 1, length_s=30).context
    assert title_from("a song about the city lights, slow", context) == "City Lights"
    assert title_from("calm ambient", context) == "Calm Ambient"
    assert title_from("   ", context) == "Untitled"


def test_lanes_follow_the_prompt():
    composition = engine.compose("jazz trio, no drums", 2, length_s=30)
    assert "drums" not in composition.lanes
    assert all(lane != "drums" for _, lane in composition.parts)
