"""Reading prompts by meaning: how long the model takes to load, how long a prompt takes to
read with it loaded (the 20 prompts of tests/data/unnamed_style_prompts.json, median and
worst; the target is 300 ms or less), and that the window's start-up imports neither torch
nor transformers (the model loads in the worker).

    .venv/bin/python bench/prompt_reading.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ui.test_startup_imports import window_imports  # noqa: E402


def main() -> None:
    from studio.engine.composing.meaning import load_meaning
    from studio.engine.composing.prompt import read_prompt

    prompts = [entry["prompt"] for entry in json.loads(
        (ROOT / "tests" / "data" / "unnamed_style_prompts.json").read_text())["prompts"]]
    started = time.perf_counter()
    read_prompt("")  # builds its patterns of every style's names once (not the model's cost)
    print(f"read_prompt's first call (its patterns built): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    started = time.perf_counter()
    meaning = load_meaning()
    print(f"model load (imports, weights, style vectors): {time.perf_counter() - started:.2f} s")
    took_ms, pure_ms = [], []
    for prompt in prompts:
        started = time.perf_counter()
        reading = read_prompt(prompt)
        pure_ms.append((time.perf_counter() - started) * 1000)
        meaning.understand(reading)
        took_ms.append((time.perf_counter() - started) * 1000)
    print(f"read a prompt by meaning, median of {len(prompts)}: "
          f"{statistics.median(took_ms):.1f} ms")
    print(f"read a prompt by meaning, worst of {len(prompts)}: {max(took_ms):.1f} ms")
    print(f"read a prompt without the model (read_prompt), median: "
          f"{statistics.median(pure_ms):.2f} ms")
    heavy = window_imports()
    print(f"torch or transformers imported by the window's start-up: {len(heavy)} packages"
          + (f" ({', '.join(heavy)})" if heavy else ""))


if __name__ == "__main__":
    main()
