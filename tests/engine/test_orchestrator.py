"""The song pipeline: stages report progress in order, cancel stops them, seeds steer them."""

import pytest

from studio import engine
from studio.engine.orchestrator import COMPOSE_STAGES, generate_part, title_from
from studio.engine.singing.presets import voice_params
from studio.engine.singing.score import spoken_lines, sung_voice


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
    assert title_from("a song about summer nights in C major", context) == "Summer Nights"


def test_a_song_without_a_subject_is_named_after_its_hook():
    song = engine.compose("funky groove with slap bass", 1, length_s=90)
    chorus = next(song.lyrics[s.id] for s in song.sections if s.kind == "chorus")
    hooks = [t for t in chorus.texts if chorus.texts.count(t) > 1]
    assert hooks and song.title.lower() == hooks[0].lower().strip(" ,.;:!?")
    named = engine.compose("funky groove about city lights", 1, length_s=90)
    assert named.title == "City Lights"  # a subject names the song, and its chorus sings it
    assert any("city lights" in t.lower() for s in named.sections if s.kind == "chorus"
               for t in named.lyrics[s.id].texts)


def test_lanes_follow_the_prompt():
    composition = engine.compose("jazz trio, no drums", 2, length_s=30)
    assert "drums" not in composition.lanes
    assert all(lane != "drums" for _, lane in composition.parts)


def test_a_mix_mastered_before_comes_back_from_the_render_cache(tmp_path, monkeypatch):
    import numpy as np

    from studio.engine import orchestrator
    from studio.engine.edit import operations
    from studio.engine.sound.cache import RenderCache
    from studio.engine.sound.renderer import SongRenderer

    song = engine.compose("pop", 6, length_s=20)

    def render(song):
        return engine.render_song(song, 44100,
                                  renderer=SongRenderer(44100, disk=RenderCache(tmp_path)))

    first = render(song)
    made = []
    monkeypatch.setattr(orchestrator, "master_measured", lambda *args, **kwargs: (
        made.append(args) or (first.master, first.master_report)))
    again = render(song)
    assert not made
    assert np.array_equal(again.master, first.master)
    assert again.master_report == first.master_report
    louder, _ = operations.set_mastering(song, target_lufs=-9.0)
    render(louder)
    assert made  # another target: mastered again


@pytest.mark.parametrize("text", [None, "[Verse]\nI walked along the river in the rain\n\n"
                                        "[Chorus]\nHold on to the night"])
def test_each_sections_words_are_handed_over_as_written_and_spoken_as_sung(text):
    handed = []
    song = engine.compose("an upbeat pop song about summer", 3, length_s=60, lyrics_text=text,
                          on_lyrics=lambda so_far, lyrics: handed.append((so_far, lyrics)))
    assert sorted(lyrics.section_id for _, lyrics in handed) == sorted(song.lyrics)
    params = voice_params(sung_voice(song.lanes["vocal"]))
    for so_far, lyrics in handed:
        assert "vocal" in so_far.lanes
        # before the melody: no syllable is on a note yet, yet each line is spoken from the
        # same words and syllables it is sung with
        assert all(s.note_index == -1 for line in lyrics.lines for s in line.syllables)
        assert spoken_lines(lyrics, params) == spoken_lines(song.lyrics[lyrics.section_id],
                                                            params)
