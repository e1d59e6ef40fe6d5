"""The style table (resources/styles.toml) is complete and consistent with the tables it names:
families and their defaults, unique aliases, General MIDI programs, drum kits, meters, forms,
progressions, hand-written grooves and the MMA style files its grooves come from."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from studio.engine.composing import groove_library

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
MMA_LIB = Path("/usr/share/mma/lib")

FAMILIES = ("rock", "pop", "jazz", "latin", "blues", "country-folk", "electronic", "hip-hop",
            "rnb-soul-funk", "reggae-caribbean", "african", "world", "classical-cinematic",
            "ballroom-traditional")
GENRES = ("pop", "dream-pop", "rock", "metal", "electronic", "hip-hop", "lo-fi", "jazz", "folk",
          "country", "rnb", "cinematic", "ambient")
FIELDS = ("family", "aliases", "description", "tempo_bpm", "meters", "feel", "swing", "valence",
          "arousal", "minor_weight", "form", "progressions", "lanes", "drum_kit", "mma",
          "grooves", "keys_style", "bass_style", "lead_style", "target_lufs")
# a length of the style's own for some kinds (twelve-bar blues); hand grooves of its own
OPTIONAL = ("section_bars", "own_grooves")
METERS = {"4/4", "3/4", "6/8", "12/8", "2/4", "5/4"}
FEELS = {"straight", "swing", "shuffle", "half-time"}
LANES = {"drums", "bass", "keys", "pad", "strings", "horns", "lead"}
DRUM_KITS = {0, 8, 16, 24, 25, 32, 40, 48}
KEYS_STYLES = {"block", "arp", "strum", "power", "chug", "comp"}
BASS_STYLES = {"locked", "octave", "root-fifth", "walking", "pedal", "drone"}
LEAD_STYLES = {"melodic", "riff", "sparse"}
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load(name: str) -> dict:
    with open(RESOURCES / name, "rb") as file:
        return tomllib.load(file)


TABLE = load("styles.toml")
STYLES = {name: {**TABLE["family"].get(row.get("family"), {}), **row}
          for name, row in TABLE["style"].items()}


def test_enough_styles_in_every_family():
    assert len(STYLES) >= 150
    assert set(TABLE["family"]) == set(FAMILIES)
    counts = Counter(style["family"] for style in STYLES.values())
    assert set(counts) == set(FAMILIES)
    assert min(counts.values()) >= 6, counts


@pytest.mark.parametrize("name", sorted(TABLE["style"]))
def test_every_field_is_present_after_the_family_defaults(name):
    style = STYLES[name]
    assert NAME.match(name)
    assert [f for f in FIELDS if f not in style] == []
    assert set(style) <= set(FIELDS) | set(OPTIONAL), set(style) - set(FIELDS)


@pytest.mark.parametrize("name", sorted(TABLE["style"]))
def test_values_are_in_range(name):
    style = STYLES[name]
    low, high = style["tempo_bpm"]
    assert 40 <= low < high <= 240
    assert style["meters"] and set(style["meters"]) <= METERS
    assert style["feel"] in FEELS
    assert 0.0 <= style["swing"] <= 1.0 and 0.0 <= style["minor_weight"] <= 1.0
    assert -1.0 <= style["valence"] <= 1.0 and -1.0 <= style["arousal"] <= 1.0
    assert -24.0 <= style["target_lufs"] <= -6.0
    assert style["keys_style"] in KEYS_STYLES
    assert style["bass_style"] in BASS_STYLES
    assert style["lead_style"] in LEAD_STYLES
    assert style["drum_kit"] in DRUM_KITS
    description = style["description"]
    assert 30 <= len(description) <= 200 and "." not in description.rstrip(".")[:-1]


@pytest.mark.parametrize("name", sorted(TABLE["style"]))
def test_lanes_play_general_midi_programs(name):
    lanes = STYLES[name]["lanes"]
    assert lanes and set(lanes) <= LANES
    assert all(isinstance(p, int) and 0 <= p <= 127 for p in lanes.values())


def test_aliases_are_unique_and_not_mood_words():
    moods = set(load("moods.toml")["words"])
    # a prompt reads "jazz hop", "jazz-hop" and "jazzhop" alike: spaces and hyphens aside,
    # no two aliases may be one word
    owners = Counter(squashed for style in STYLES.values()
                     for squashed in {re.sub(r"[\s-]+", "", a) for a in style["aliases"]})
    assert [alias for alias, count in owners.items() if count > 1] == []
    for name, style in STYLES.items():
        assert style["aliases"], name
        for alias in style["aliases"]:
            assert alias == alias.lower().strip() and alias not in moods, (name, alias)
            assert not re.search(r"\d+\s*/\s*\d+", alias), (name, alias)  # meters read first


@pytest.mark.skipif(not (RESOURCES / "instruments.toml").is_file(), reason="no instrument table")
def test_aliases_do_not_name_instruments():
    # "with a jazz guitar" asks for an instrument, not the jazz-guitar style
    tables = load("instruments.toml")
    instruments = {alias for section in ("programs", "kits")
                   for row in tables.get(section, {}).values() for alias in row.get("aliases", [])}
    for name, style in STYLES.items():
        assert not set(style["aliases"]) & instruments, name


def test_forms_and_progressions_name_known_tables():
    kinds = set(load("sections.toml"))
    vocabularies = load("progressions.toml")
    for name, style in STYLES.items():
        assert style["form"] and set(style["form"]) <= kinds, name
        assert style["progressions"] in vocabularies, name


def test_hand_written_grooves_exist_and_fit_the_meters():
    grooves = load("grooves.toml")["groove"]
    for name, style in STYLES.items():
        for groove in style["grooves"]:
            assert groove in grooves, (name, groove)
            assert set(grooves[groove]["meters"]) & set(style["meters"]), (name, groove)


def test_grooves_written_in_half_time_belong_to_half_time_styles():
    grooves = load("grooves.toml")["groove"]
    for name, style in STYLES.items():
        if any(grooves[g].get("half_time") for g in style["grooves"]):
            assert style["feel"] == "half-time", name


def test_styles_without_drums_play_no_grooves():
    for name, style in STYLES.items():
        if "drums" not in style["lanes"]:
            assert style["grooves"] == [], name


def test_every_style_has_a_groove_source_or_no_drums():
    for name, style in STYLES.items():
        if "drums" in style["lanes"]:
            assert style["mma"] or style["grooves"], name


def test_the_old_genres_keep_their_fields():
    genres = load("genres.toml")
    for genre in GENRES:
        assert genre in STYLES
        for field, value in genres[genre].items():
            if field != "aliases":
                assert STYLES[genre][field] == value, (genre, field)


def mma_meters(path: Path) -> set[str]:
    """The meters a file's grooves can stand for, from its Time and TimeSig lines."""
    text = path.read_text(errors="replace")
    time = re.search(r"^\s*Time\s+(\d+)", text, re.M | re.I)
    signature = re.search(r"^\s*TimeSig\s+(\d+)\s+(\d+)", text, re.M | re.I)
    beats = time.group(1) if time else "4"
    compound = signature is not None and signature.group(2) == "8"
    return {"4": {"4/4", "12/8"}, "3": {"6/8"} if compound else {"3/4"}, "6": {"6/8"},
            "2": {"6/8", "2/4"}, "5": {"5/4"}}[beats]


@pytest.mark.skipif(not MMA_LIB.is_dir(), reason="MMA is not installed")
def test_mma_files_exist_and_fit_the_meters():
    for name, style in STYLES.items():
        for ident in style["mma"]:
            path = MMA_LIB / f"{ident}.mma"
            assert path.is_file(), (name, ident)
            assert mma_meters(path) & set(style["meters"]), (name, ident)


def test_mma_ids_are_library_and_stem():
    libraries = {"stdlib", "casio", "kara", "pflib", "yamaha", "zoom", "alexis"}
    for name, style in STYLES.items():
        assert len(style["mma"]) == len(set(style["mma"])), name
        for ident in style["mma"]:
            library, _, stem = ident.partition("/")
            assert library in libraries and stem and "/" not in stem, (name, ident)
            # the studio plays what scripts/import_styles.py converted, never MMA itself
            assert ident in groove_library.files(), (name, ident)
