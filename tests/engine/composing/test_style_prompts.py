"""Prompts that name styles and instruments: the style read and the instruments heard.

45 prompts across every family (tests/data/style_prompts.toml) are read and composed. The
style read must be the one named for at least 90% of them, and every named instrument must
be a General MIDI program of the song's MIDI file (read back with pretty_midi) for at least
95% of the instruments named.
"""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pretty_midi
import pytest

from studio import engine
from studio.engine import resources
from studio.engine.composing.prompt import read_prompt
from studio.engine.export.midi import to_midi

SUITE = tomllib.loads((Path(__file__).parents[2] / "data" / "style_prompts.toml")
                      .read_text())["prompt"]
SEED = 5


def test_the_suite_covers_every_family_with_40_prompts():
    families = {resources.genre(entry["style"])["family"] for entry in SUITE}
    assert len(SUITE) >= 40
    assert families == set(resources.families())


def test_the_named_style_is_read_for_nine_prompts_in_ten():
    wrong = []
    for entry in SUITE:
        blend = read_prompt(entry["text"]).genre_blend
        primary = max(sorted(blend), key=blend.get) if blend else None
        if primary != entry["style"]:
            wrong.append((entry["text"], primary))
    assert len(wrong) <= 0.1 * len(SUITE), wrong


@pytest.fixture(scope="module")
def songs():
    """Each prompt composed (a minute long, without singing: the parts are what count)."""
    return {entry["text"]: engine.compose(f"{entry['text']}, instrumental", SEED, length_s=60)
            for entry in SUITE if entry.get("instruments") or "kit" in entry}


def test_named_instruments_sound_in_the_song(songs):
    named, missing = 0, []
    for entry in SUITE:
        if entry["text"] not in songs:
            continue
        midi = pretty_midi.PrettyMIDI(io.BytesIO(_midi_bytes(songs[entry["text"]])))
        programs = {int(i.program) for i in midi.instruments if not i.is_drum and i.notes}
        for choices in entry.get("instruments", []):
            named += 1
            if not programs & set(choices):
                missing.append((entry["text"], choices, sorted(programs)))
    assert named >= 30
    assert len(missing) <= 0.05 * named, missing


def test_a_named_drum_kit_is_the_songs_kit(songs):
    from studio.engine.sound.soundfont import drum_kit

    for entry in SUITE:
        if "kit" in entry:
            assert drum_kit(songs[entry["text"]].context) == entry["kit"], entry["text"]


def _midi_bytes(song) -> bytes:
    buffer = io.BytesIO()
    to_midi(song).save(file=buffer)
    return buffer.getvalue()
