"""The prompt suite's song.mid and context.json as export writes them (seed 11, 120 s), and
their SHA-256: kept in tests/data/prompt_suite_files.json, so a change that should leave the
songs as they are (a reorganisation of the code) is shown to leave them byte for byte.

    .venv/bin/python scripts/suite_files.py            # print the hashes
    .venv/bin/python scripts/suite_files.py --write    # keep them in tests/data
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SUITE = ROOT / "tests" / "data" / "prompt_suite.toml"
KEPT = ROOT / "tests" / "data" / "prompt_suite_files.json"
SEED, LENGTH_S = 11, 120.0


def suite_hashes() -> dict[str, dict[str, str]]:
    """prompt -> {"song.mid": sha256, "context.json": sha256}."""
    from studio import engine
    from studio.engine.export.files import context_document

    hashes = {}
    with tempfile.TemporaryDirectory() as folder:
        for entry in tomllib.loads(SUITE.read_text())["song"]:
            song = engine.compose(entry["prompt"], SEED, length_s=LENGTH_S)
            midi = Path(folder) / "song.mid"
            engine.write_midi(song, midi)  # as the export writes them
            context = json.dumps(context_document(song), indent=2, ensure_ascii=False) + "\n"
            hashes[entry["prompt"]] = {
                "song.mid": hashlib.sha256(midi.read_bytes()).hexdigest(),
                "context.json": hashlib.sha256(context.encode("utf-8")).hexdigest()}
    return hashes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    hashes = suite_hashes()
    if parser.parse_args().write:
        KEPT.write_text(json.dumps(hashes, indent=1) + "\n")
    print(json.dumps(hashes, indent=1))


if __name__ == "__main__":
    main()
