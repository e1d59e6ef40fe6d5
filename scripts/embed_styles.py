"""Embed every style's descriptors with the sentence-embedding model, into
resources/style_embeddings.npz, which studio.engine.composing.meaning reads prompts against.

    .venv/bin/python scripts/embed_styles.py              # write the file
    .venv/bin/python scripts/embed_styles.py --compare    # score the descriptor variants

The styles come from resources/styles.toml: each style's name, family, aliases and
description, and each family's description. Run it again whenever any of them changes: the
file stores the style names, the model's id and weights' hash and a hash of the descriptors;
the studio refuses a file whose styles or model no longer match, and a test compares the
descriptors' hash.

--compare embeds the prompts of tests/data/unnamed_style_prompts.json (which name no style)
and counts, for each way of describing a style, how many land in their expected family;
DESCRIPTORS names the variant that scored best and is written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine import resources  # noqa: E402
from studio.engine.composing import embedder as model  # noqa: E402
from studio.engine.composing import meaning  # noqa: E402

PROMPTS = ROOT / "tests" / "data" / "unnamed_style_prompts.json"
OUT = ROOT / "resources" / meaning.EMBEDDINGS_FILE


def load_styles() -> tuple[str, dict[str, dict], dict[str, str]]:
    """Where the styles come from; name -> {family, aliases, description}; and each
    family's description."""
    table = resources.table("styles")
    families = {name: row.get("description", "") for name, row in table["family"].items()}
    styles = {name: {"family": row["family"], "aliases": list(row.get("aliases", [])),
                     "description": row.get("description", "")}
              for name, row in meaning.style_rows().items()}
    return "resources/styles.toml", styles, families


def _title(name: str) -> str:
    return name.replace("-", " ")


# Ways of describing a style to the model; each gives one or more texts per style, and a
# style is as near to a prompt as its nearest text.
VARIANTS = {
    "description": lambda name, row: [row["description"] or f"{_title(name)} music"],
    "named": lambda name, row: [f"{_title(name)} music: {row['description']}"],
    "aliases": lambda name, row: [f"{a} music" for a in _names(name, row)],
    "named+aliases": lambda name, row: ([f"{_title(name)} music: {row['description']}"]
                                        + [f"{a} music" for a in _names(name, row)]),
}
# Measured on the 20 test prompts with the 210 styles (and on 24 others, in brackets):
# named+aliases 17 (15), named 15 (13), description 15 (12), aliases 12 (15); mixing in the
# family's description (weight 0.5, 1.0) lowered every variant.
DESCRIPTORS = "named+aliases"
# How much a style's family counts beside the style itself (0: not at all); --compare tries
# each of these.
FAMILY_WEIGHTS = (0.0, 0.5, 1.0)
FAMILY_WEIGHT = 0.0


def _names(name: str, row: dict) -> list[str]:
    names = [_title(name)]
    names += [a for a in row["aliases"] if a.replace("-", " ") not in names]
    return names


def descriptors(styles: dict[str, dict], variant: str) -> dict[str, list[str]]:
    return {name: VARIANTS[variant](name, row) for name, row in styles.items()}


def family_texts(families: dict[str, str]) -> dict[str, list[str]]:
    return {f"family {name}": [text or f"{_title(name)} music"]
            for name, text in families.items()}


def current_digest() -> str:
    """The descriptor hash a file written now would hold (a test compares the kept file's)."""
    _, styles, families = load_styles()
    return meaning.descriptor_digest({**descriptors(styles, DESCRIPTORS),
                                      **family_texts(families)})


def space_of(styles: dict[str, dict], texts: dict[str, list[str]], families: dict[str, str],
             family_weight: float, embedder: model.Embedder) -> meaning.StyleSpace:
    names = tuple(styles)
    owners = np.array([i for i, name in enumerate(names) for _ in texts[name]], dtype=np.int32)
    vectors = embedder.embed([t for name in names for t in texts[name]])
    family_names = tuple(families)
    family_vectors = embedder.embed([families[f] or f"{_title(f)} music"
                                     for f in family_names])
    digest = meaning.descriptor_digest({**texts, **family_texts(families)})
    return meaning.StyleSpace(names, tuple(styles[n]["family"] for n in names), owners,
                              vectors, family_names, family_vectors, family_weight,
                              embedder.digest, digest)


def write(space: meaning.StyleSpace, source: str, variant: str, path: Path = OUT) -> None:
    np.savez_compressed(
        path, names=np.array(space.names), families=np.array(space.families),
        owners=space.owners.astype(np.int32), vectors=space.vectors.astype(np.float16),
        family_names=np.array(space.family_names),
        family_vectors=space.family_vectors.astype(np.float16),
        family_weight=np.array(space.family_weight),
        model_id=np.array(model.MODEL_ID), model_digest=np.array(space.model_digest),
        descriptor_digest=np.array(space.descriptor_digest), descriptors=np.array(variant),
        source=np.array(source))


def score(space: meaning.StyleSpace, embedder: model.Embedder,
          prompts: list[dict]) -> tuple[int, list[str]]:
    """How many prompts are guessed as a style of their family (as the studio guesses:
    a prompt no nearer a style than a song in general is not), and a line for each."""
    reader = meaning.Meaning(embedder, space, embedder.embed(list(meaning.GENERIC)))
    hits, lines = 0, []
    for entry in prompts:
        nearest = reader.guess(entry["prompt"], 3)
        family = reader.family(nearest[0][0]) if nearest else "(no guess)"
        hits += family == entry["family"]
        near = ", ".join(f"{name} {similarity:.2f}" for name, similarity in nearest)
        mark = "ok " if family == entry["family"] else "-- "
        lines.append(f"{mark}{entry['prompt'][:50]:<50} {entry['family']:<20} {near}")
    return hits, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true",
                        help="score every descriptor variant on the test prompts; write nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per prompt")
    parser.add_argument("--prompts", type=Path, default=PROMPTS,
                        help="the prompts --compare scores (the test's by default)")
    args = parser.parse_args()
    source, styles, families = load_styles()
    started = time.perf_counter()
    embedder = model.Embedder()
    print(f"model: {model.MODEL_ID} loaded in {time.perf_counter() - started:.1f} s; "
          f"{len(styles)} styles from {source}")
    if args.compare:
        prompts = json.loads(args.prompts.read_text())["prompts"]
        for variant in VARIANTS:
            for weight in FAMILY_WEIGHTS:
                space = space_of(styles, descriptors(styles, variant), families, weight,
                                 embedder)
                hits, lines = score(space, embedder, prompts)
                print(f"{variant}, family weight {weight}: {hits}/{len(prompts)} in their "
                      "family")
                if args.verbose:
                    print("\n".join("    " + line for line in lines))
        return
    space = space_of(styles, descriptors(styles, DESCRIPTORS), families, FAMILY_WEIGHT,
                     embedder)
    write(space, source, DESCRIPTORS)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(space.names)} styles, "
          f"{len(space.owners)} descriptors ({DESCRIPTORS}), {len(space.family_names)} "
          f"families (weight {FAMILY_WEIGHT})")


if __name__ == "__main__":
    main()
