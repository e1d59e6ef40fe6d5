"""Reading a prompt by meaning: the styles a prompt sounds like when it names none.

The sentence-embedding model (composing.embedder) turns text into a unit vector;
resources/style_embeddings.npz holds the vectors of every style's descriptors ("bossa nova
music: Brazilian bossa nova with ...", "bossa music"), written by scripts/embed_styles.py
with the same model. A prompt's nearest styles by cosine similarity are what it was
understood as: understand() fills the genre blend of a reading that named no style from
them, and records them with their similarity in `PromptReading.understood`.

Only what describes the sound is read: the words after "about" say what the song is about
(its lyrics), not how it sounds. A prompt no nearer to any style than to a song in general
("a love song", "a song for my mum") is not guessed at: the default style plays.

read_prompt() stays pure and fast: a style named in words always wins, and only a reading
that named none is read by meaning. The model loads once per process (load_meaning), in the
worker process or a command-line run, never in the window's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from studio.engine import resources
from studio.engine.composing.embedder import Embedder, MeaningError, model_digest
from studio.engine.composing.prompt import HEAD_WEIGHT, JOINED_WEIGHT, PromptReading

__all__ = ["Embedder", "Meaning", "MeaningError", "StyleSpace", "load_meaning", "style_line"]

EMBEDDINGS_FILE = "style_embeddings.npz"
# Songs in general, of no style: a prompt must be nearer a style than to these by MIN_MARGIN
# to be guessed at. Measured on 20 prompts that suggest a style and 20 that do not (a song
# for my mum, a love song, about my cat): those suggesting one lead by 0.05 to 0.36, the
# others trail by up to 0.4 or lead by at most 0.08 (birthday party, the gym, a road trip).
GENERIC = ("a song", "a song about something", "music", "a song for someone")
MIN_MARGIN = 0.03
# A runner-up this close to the nearest style joins the blend (the prompt sits between them).
CLOSE_SCORE = 0.03
_ABOUT = re.compile(r"\babout\b[^,.;:!?]*", re.IGNORECASE)


def style_rows() -> dict[str, dict]:
    """The styles a prompt can be understood as: name -> row of resources/styles.toml."""
    return resources.table("styles")["style"]


def playable_styles() -> frozenset[str]:
    """The styles a genre blend may hold: those the context stage can build a song from
    (every style of the library)."""
    return frozenset(resources.genres())


def descriptor_digest(descriptors: dict[str, list[str]]) -> str:
    text = "\n".join(f"{name}\t{d}" for name in sorted(descriptors) for d in descriptors[name])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StyleSpace:
    """The vectors of the styles' descriptors (several per style: a style is as near as its
    nearest) and of their families' descriptions. A style's score is its own similarity,
    mixed with its family's by `family_weight` when that is above 0 (the script measures
    whether it helps: with the 210 styles of styles.toml it did not, and the file holds 0)."""

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
    """The model, the style vectors and the vectors of songs in general."""

    embedder: Embedder
    space: StyleSpace
    generic: np.ndarray  # (len(GENERIC), 384)

    def guess(self, text: str, count: int = 2) -> tuple[tuple[str, float], ...]:
        """The `count` styles nearest to what the text says of its sound, best first, with
        their cosine similarity; none when nothing in it is nearer a style than a song in
        general."""
        scores = self._scores(text)
        if scores is None:
            return ()
        order = np.argsort(-scores, kind="stable")[:count]
        return tuple((self.space.names[i], round(float(scores[i]), 3)) for i in order)

    def _scores(self, text: str) -> np.ndarray | None:
        text = sound_words(text)
        if not re.search(r"[^\W\d_]", text):
            return None
        vector = self.embedder.embed([text])[0]
        scores = self.space.scores(vector)
        if float(scores.max()) - float(np.max(self.generic @ vector)) < MIN_MARGIN:
            return None
        return scores

    def family(self, style: str) -> str:
        return self.space.families[self.space.names.index(style)]

    def understand(self, reading: PromptReading) -> PromptReading:
        """The reading with its genre blend filled from the styles its words suggest, when
        it named none; as it was when it named one, or when nothing in it suggests one."""
        if reading.genre_blend:
            return reading
        scores = self._scores(reading.text)
        if scores is None:
            return reading
        chosen = self._playable_nearest(scores)
        if not chosen:
            return reading
        if len(chosen) > 1 and chosen[0][1] - chosen[1][1] > CLOSE_SCORE:
            chosen = chosen[:1]
        weights = (HEAD_WEIGHT, JOINED_WEIGHT)[:len(chosen)]
        blend = {name: w / sum(weights) for (name, _), w in zip(chosen, weights, strict=True)}
        return dataclasses.replace(reading, genre_blend=blend, understood=tuple(chosen))

    def _playable_nearest(self, scores: np.ndarray) -> list[tuple[str, float]]:
        """The two nearest styles a song can be made in, of the nearest style's family
        (none while that family has none: better the default than a style of another)."""
        playable = playable_styles()
        family = self.space.families[int(np.argmax(scores))]
        order = sorted((i for i, name in enumerate(self.space.names)
                        if name in playable and self.space.families[i] == family),
                       key=lambda i: -scores[i])
        return [(self.space.names[i], round(float(scores[i]), 3)) for i in order[:2]]


def sound_words(text: str) -> str:
    """What a prompt says of how the song sounds: all of it but its subject ("about ...",
    up to the next punctuation). The words around a scene carry its sense, so the rest is
    read whole: "music for a smoky club" more than "smoky club"."""
    return " ".join(_ABOUT.sub(" ", text).split())


@cache
def load_meaning() -> Meaning:
    """The model and the style vectors, loaded once per process and kept: later prompts
    cost a few milliseconds. Raises MeaningError when either is missing or stale."""
    space = StyleSpace.load()
    space.check(model_digest(), set(style_rows()))
    embedder = Embedder()
    return Meaning(embedder, space, embedder.embed(list(GENERIC)))


def style_line(genre_blend: dict[str, float], understood: tuple[tuple[str, float], ...],
               prompt: str) -> str:
    """What the song's style is and where it came from, for a person to read: "style: bossa
    nova (guessed from 'a smoky 1950s club', 0.62)", "style: jazz (named)"."""
    if understood:
        names = " and ".join(display_name(name) for name, _ in understood)
        scores = " and ".join(f"{score:.2f}" for _, score in understood)
        said = sound_words(prompt)
        said = said if len(said) <= 48 else said[:47].rstrip() + "\u2026"
        return f"style: {names} (guessed from '{said}', {scores})"
    ordered = sorted(genre_blend.items(), key=lambda item: -item[1])
    names = ", ".join(display_name(name) + (f" {weight:.0%}" if len(ordered) > 1 else "")
                      for name, weight in ordered)
    if any(_named(style, prompt) for style in genre_blend):
        return f"style: {names} (named)"
    return f"style: {names} (the default: the prompt suggests no style)"


def _named(style: str, prompt: str) -> bool:
    """Whether the prompt names the style. A search for its own few names: read_prompt()
    builds its patterns of every style's names on first use (half a second), and the window
    asks this on its own thread."""
    said = _spaced(prompt.lower())
    names = [style, *style_rows().get(style, {}).get("aliases", ())]
    return any(re.search(rf"(?<![\w&]){re.escape(_spaced(name))}(?![\w&])", said)
               for name in names)


def _spaced(text: str) -> str:
    return re.sub(r"[\s-]+", " ", text)


def display_name(style: str) -> str:
    """A style's name as people write it: its first alias ("bossa nova", "r&b")."""
    aliases = style_rows().get(style, {}).get("aliases") or [style]
    return aliases[0]
