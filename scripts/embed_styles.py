"""Embed every style's descriptors with the sentence-embedding model, into
resources/style_embeddings.npz, which studio.engine.composing.meaning reads prompts against.

    .venv/bin/python scripts/embed_styles.py              # write the file
    .venv/bin/python scripts/embed_styles.py --compare    # score the descriptor variants

The styles come from resources/styles.toml (each style's name, family, aliases and
description); where that table is not there yet, from resources/genres.toml's genres with the
descriptions and families below. Run it again whenever the styles' names, families, aliases or
descriptions change: the file stores the style names, the model's id and weights' hash and a
hash of the descriptors, and the studio refuses a file that no longer matches.

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

# Descriptions of the thirteen genres of resources/genres.toml, for use until
# resources/styles.toml gives every style its own (written for this script).
GENRE_DESCRIPTIONS = {
    "pop": ("pop", "catchy radio pop: bright synths, big hooks and a chorus to sing along to"),
    "dream-pop": ("pop", "hazy dream pop and shoegaze: washed-out reverb guitars, soft airy "
                         "vocals"),
    "rock": ("rock", "guitar rock: driving drums, loud electric guitars, a chorus for a big "
                     "crowd"),
    "metal": ("rock", "heavy metal: fast double bass drums, crushing distorted riffs, "
                      "aggressive shouted vocals"),
    "electronic": ("electronic", "electronic dance music: four-on-the-floor kick, "
                                 "synthesizers, a rave that goes on all night"),
    "hip-hop": ("hip-hop", "hip hop: rapping over beats and samples, scratching, heavy bass, "
                           "street culture"),
    "lo-fi": ("hip-hop", "lo-fi beats: dusty mellow piano samples, vinyl crackle, relaxed "
                         "background music"),
    "jazz": ("jazz", "jazz: swinging drums, walking upright bass, piano and saxophone "
                     "improvising"),
    "folk": ("country-folk", "acoustic folk: fingerpicked guitar, storytelling songs, simple "
                             "and intimate"),
    "country": ("country-folk", "country music: twangy guitars, fiddle and pedal steel, "
                                "small towns and open roads"),
    "rnb": ("rnb-soul-funk", "r&b and soul: smooth grooves, gospel-rooted vocals, sensual "
                             "ballads and funky bass"),
    "cinematic": ("classical-cinematic", "cinematic orchestral score: soaring strings, "
                                         "timpani and brass, epic film music"),
    "ambient": ("electronic", "ambient: slow evolving pads with no beat, calm atmospheric "
                              "textures"),
}


# The families' descriptions, for use until resources/styles.toml gives them.
FAMILY_DESCRIPTIONS = {
    "rock": "rock music: electric guitars, bass and loud drums",
    "pop": "pop music: catchy melodies and hooks made for the radio",
    "jazz": "jazz: swing, improvisation, saxophone, piano and upright bass",
    "latin": "Latin American music: Afro-Cuban and Brazilian rhythms, percussion and dance",
    "blues": "the blues: songs of hard times, bent guitar notes and harmonica",
    "country-folk": "country and folk music: acoustic guitars, fiddle, banjo, storytelling",
    "electronic": "electronic music: synthesizers, drum machines and dance floors",
    "hip-hop": "hip hop: rapping over beats, samples and breaks",
    "rnb-soul-funk": "r&b, soul, funk and gospel: deep grooves and powerful voices",
    "reggae-caribbean": "reggae and Caribbean music: offbeat rhythms of the islands",
    "african": "African popular music: polyrhythms, bright guitars, percussion and horns",
    "world": "traditional music of Asia, the Middle East and the rest of the world",
    "classical-cinematic": "classical and film music: orchestras, strings and choirs",
    "ballroom-traditional": "ballroom and traditional dance music: waltzes, polkas, marches",
}


def load_styles() -> tuple[str, dict[str, dict], dict[str, str]]:
    """Where the styles come from; name -> {family, aliases, description}; and each
    family's description."""
    if (resources.resource_dir() / "styles.toml").exists():
        table = resources.table("styles")
        families = {name: row.get("description", "")
                    for name, row in table.get("family", {}).items()}
        return "resources/styles.toml", {name: {
            "family": row["family"], "aliases": list(row.get("aliases", [])),
            "description": row.get("description", "")}
            for name, row in meaning.style_rows().items()}, families
    styles = {}
    for name, row in resources.genres().items():
        family, description = GENRE_DESCRIPTIONS[name]
        styles[name] = {"family": family, "aliases": list(row["aliases"]),
                        "description": description}
    return ("resources/genres.toml and the descriptions in scripts/embed_styles.py", styles,
            FAMILY_DESCRIPTIONS)


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
