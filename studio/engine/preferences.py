"""One preference profile per user: ratings of songs and sections shift future defaults.

Every stage reports feedback the same way: a rating (-1 dislike .. +1 like) of a version or
a section, with the context it was made in. The profile compares the rated song with the
running average of what was rated and leans the defaults toward what was liked and away
from what was not (a tempo offset, a valence and an arousal lean). The prompt's explicit
values always win over these leanings. The profile lives as JSON in the user's data folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from studio.engine.model import CompositionContext

LEARNING_RATE = 0.5
AVERAGE_WEIGHT = 0.2  # how fast the running average of rated songs follows new ones
LIMITS = {"tempo_offset_bpm": 30.0, "valence_lean": 0.5, "arousal_lean": 0.5}


@dataclass
class Leanings:
    tempo_offset_bpm: float = 0.0
    valence_lean: float = 0.0
    arousal_lean: float = 0.0
    mean_tempo_bpm: float | None = None
    mean_valence: float | None = None
    mean_arousal: float | None = None
    ratings: int = 0


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("ensemble-studio")) / "preferences.json"


class PreferenceProfile:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.leanings = self._load()

    def rate(self, context: CompositionContext, rating: float) -> None:
        """Take a rating (-1..+1; stars 1..5 map to it) of a song or section made in
        `context`, and save the profile."""
        rating = (rating - 3) / 2 if rating > 1 else rating
        rating = max(-1.0, min(1.0, rating))
        lean = self.leanings
        for value, mean, shift in (
            (context.tempo_bpm, "mean_tempo_bpm", "tempo_offset_bpm"),
            (context.mood.valence, "mean_valence", "valence_lean"),
            (context.mood.arousal, "mean_arousal", "arousal_lean"),
        ):
            average = getattr(lean, mean)
            average = value if average is None else average
            moved = getattr(lean, shift) + LEARNING_RATE * rating * (value - average)
            setattr(lean, shift, max(-LIMITS[shift], min(LIMITS[shift], moved)))
            setattr(lean, mean, average + AVERAGE_WEIGHT * (value - average))
        lean.ratings += 1
        self._save()

    def defaults(self) -> Leanings:
        return self.leanings

    def _load(self) -> Leanings:
        try:
            return Leanings(**json.loads(self.path.read_text()))
        except (OSError, ValueError, TypeError):
            return Leanings()  # no profile yet (or an unreadable one): neutral defaults

    def _save(self) -> None:
        """Write atomically, so a crash never leaves half a profile."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w") as stream:
            json.dump(asdict(self.leanings), stream, indent=1)
        os.replace(temporary, self.path)
