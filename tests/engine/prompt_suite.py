"""The prompt suite (tests/data/prompt_suite.toml) composed once per test run, for the tests
that judge lyrics and melodies over twelve genres."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from studio import engine

SUITE_PATH = Path(__file__).parents[1] / "data" / "prompt_suite.toml"
PROMPTS = [song["prompt"] for song in tomllib.loads(SUITE_PATH.read_text())["song"]]
SEED = 5
LENGTH_S = 120


@cache
def suite_song(prompt: str, seed: int = SEED):
    """(composition, lyrics, vocal parts) of one suite prompt, made once per test run: the
    words and the vocal line as compose() stored them in the composition."""
    composition = engine.compose(prompt, seed, length_s=LENGTH_S)
    return composition, composition.lyrics, composition.vocals()


def suite_songs():
    return [suite_song(prompt) for prompt in PROMPTS]
