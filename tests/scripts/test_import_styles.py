"""The MMA groove table (resources/styles/mma_grooves.json) is whole and well formed, and
scripts/import_styles.py still makes it: when mma is installed, two small style files are
converted again with the real mma and compared with the shipped entries."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "resources" / "styles" / "mma_grooves.json"
SCRIPT = ROOT / "scripts" / "import_styles.py"
ROLES = {"main", "variation", "intro", "ending", "fill"}
PARTS = ("drums", "bass", "comp", "pad", "arp")
# a small plain file and a 6/8 one whose MMA beats are rescaled to quarter notes
CONVERTED_AGAIN = ["stdlib/beguine", "stdlib/68march"]


@pytest.fixture(scope="module")
def table() -> dict:
    return json.loads(TABLE.read_text())


def _script():
    spec = importlib.util.spec_from_file_location("import_styles", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_source_and_licence_open_the_table(table):
    assert next(iter(table)) == "source"
    assert "MMA" in table["source"] and "GPL-2.0-or-later" in table["source"]


def test_the_library_is_there(table):
    assert len(table["grooves"]) >= 1000
    assert len(table["files"]) >= 200


def test_files_and_grooves_name_each_other(table):
    listed = [g for entry in table["files"].values() for g in entry["grooves"]]
    assert sorted(listed) == sorted(table["grooves"])
    for file_id, entry in table["files"].items():
        assert entry["tempo"] is None or 30 <= entry["tempo"] <= 300
        assert isinstance(entry["doc"], str)
        for groove_id in entry["grooves"]:
            assert table["grooves"][groove_id]["file"] == file_id
            assert groove_id.split("/")[0] == file_id.split("/")[0]


def test_every_groove_plays_drums_bass_or_comp(table):
    silent = [g for g, groove in table["grooves"].items()
              if not (groove["drums"] or groove["bass"] or groove["comp"])]
    assert not silent


def test_roles_meters_and_swing(table):
    for groove in table["grooves"].values():
        assert groove["role"] in ROLES
        numerator, denominator = groove["meter"]
        assert 1 <= numerator <= 16 and denominator in (2, 4, 8, 16)
        assert groove["bars"] >= 1
        assert 0.0 <= groove["swing"] <= 1.0
    mains = [g for g in table["grooves"].values() if g["role"] == "main"]
    assert len(mains) >= len(table["files"]) - 5  # files of intros or endings only have none


def test_beats_lie_inside_the_pattern_and_notes_in_range(table):
    for groove_id, groove in table["grooves"].items():
        numerator, denominator = groove["meter"]
        length = groove["bars"] * numerator * 4 / denominator
        for beat, note, velocity in groove["drums"]:
            assert 0 <= beat < length and 27 <= note <= 87 and 1 <= velocity <= 127, groove_id
        for role in ("bass", "arp"):
            for beat, semitones, duration, velocity in groove[role]:
                assert 0 <= beat < length and -60 <= semitones <= 67, groove_id
                assert duration > 0 and 1 <= velocity <= 127, groove_id
        for role in ("comp", "pad"):
            for beat, duration, velocity, chord in groove[role]:
                assert 0 <= beat < length and duration > 0 and 1 <= velocity <= 127, groove_id
                assert chord and all(-60 <= s <= 67 for s in chord), groove_id
        for role, program in groove["programs"].items():
            assert role in PARTS[1:] and groove[role] and 0 <= program <= 127, groove_id


def test_beats_sit_on_the_grid(table):
    for groove in table["grooves"].values():
        for part in PARTS:
            for event in groove[part]:
                assert abs(event[0] * 24 - round(event[0] * 24)) < 0.01


@pytest.mark.skipif(shutil.which("mma") is None, reason="mma is not installed (apt install mma)")
def test_the_script_makes_the_shipped_entries(table):
    made, failures = _script().convert_library(CONVERTED_AGAIN)
    assert not failures
    assert set(made["files"]) == set(CONVERTED_AGAIN)
    for file_id in CONVERTED_AGAIN:
        assert made["files"][file_id] == table["files"][file_id]
        for groove_id in made["files"][file_id]["grooves"]:
            assert made["grooves"][groove_id] == table["grooves"][groove_id], groove_id
