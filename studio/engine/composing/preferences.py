"""One preference profile per user: ratings of songs and sections shift the defaults of new songs.

Every stage takes feedback the same way: a rating (-1 dislike .. +1 like, or 1..5 stars) of
a whole version or of one section. The rated song is measured against what the defaults give
its prompt with no preferences and no seeded variety: its deviation (4 bpm faster, a little
more energy, a brighter mood) and its genres. Each learned shift is a moving estimate of the
deviation the user likes: a liked song pulls it toward the song's deviation, a disliked one
pushes it away. Shown two songs, one liked and one not, the pull and the push add up to a
step from the worse toward the better whatever the shift already is.

build_context applies the shifts only where the prompt says nothing (explicit values always
win); the energy lift is for the arrangement stage (Leanings.lift). The profile is JSON in the
user's data folder, written atomically, so a crash never leaves half a profile.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import platformdirs

from studio.engine.composing.arrangement import derive_energies, energy_curve
from studio.engine.composing.context import default_values
from studio.engine.composing.leanings import Leanings
from studio.engine.composing.prompt import PromptError, PromptReading, read_prompt
from studio.engine.model import Composition, CompositionContext
from studio.engine.serialize import write_json

FORMAT_VERSION = 1
# How far one rating moves a shift toward (or away from) the rated song's deviation.
LEARNING_RATE = 0.3
# A section says less about the whole song's tempo, mood and genre than a whole version.
SECTION_WEIGHT = 0.5
# Per rating and in all, so one odd song cannot swing every new song.
MAX_STEP = {"tempo_offset_bpm": 4.0, "energy_lift": 0.05, "valence_lean": 0.1,
            "arousal_lean": 0.1}
LIMITS = {"tempo_offset_bpm": 24.0, "energy_lift": 0.2, "valence_lean": 0.5, "arousal_lean": 0.5}
# How fast a genre's weight follows the ratings of songs in it (see leanings.FAVOURITE_AT).
GENRE_RATE = 0.25
# A section shaded darker by -0.5 (operations.shape_section) counts as this much sadder.
OFFSET_VALENCE = 0.5


@dataclass(frozen=True)
class Features:
    """What a rating is about: how far a song (or a section) sits from its prompt's defaults,
    in the units of the shifts (None where it cannot be told), and its genre blend."""

    tempo_offset_bpm: float | None = None
    energy_lift: float | None = None
    valence_lean: float | None = None
    arousal_lean: float | None = None
    genre_blend: dict[str, float] = field(default_factory=dict, hash=False)
    weight: float = 1.0


_SHIFTS = tuple(MAX_STEP)


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("ensemble-studio")) / "preferences.json"


def features_of(item: Composition | CompositionContext,
                section_id: int | None = None) -> Features:
    """The features of a whole version, of one section of it, or of a context alone (which
    has no arrangement, so says nothing of energy)."""
    context = item.context if isinstance(item, Composition) else item
    try:
        reading = read_prompt(context.prompt)
    except PromptError:
        reading = PromptReading()
    tempo_bpm, mood = default_values(reading, context.genre_blend)
    valence = context.mood.valence - mood.valence
    energy, weight = None, 1.0
    if isinstance(item, Composition) and item.sections:
        energy, offset = _energy_deviation(item, section_id)
        valence += OFFSET_VALENCE * offset
        weight = 1.0 if section_id is None else SECTION_WEIGHT
    return Features(context.tempo_bpm - tempo_bpm, energy, valence,
                    context.mood.arousal - mood.arousal, dict(context.genre_blend), weight)


def _energy_deviation(song: Composition, section_id: int | None) -> tuple[float, float]:
    """Energy above the curve its section kinds get by default, and the valence offset: of one
    section, or bar-weighted over the song."""
    kinds, bars = [s.kind for s in song.sections], [s.bars for s in song.sections]
    plain = derive_energies(song.sections, energy_curve(kinds, bars, song.context))
    rows = [(s.bars, s.energy - p.energy, s.valence_offset)
            for s, p in zip(song.sections, plain, strict=True)
            if section_id is None or s.id == section_id]
    if not rows:
        raise ValueError(f"no section with id {section_id}")
    total = sum(b for b, _, _ in rows)
    return (sum(b * e for b, e, _ in rows) / total, sum(b * v for b, _, v in rows) / total)


def stars_to_rating(stars: float) -> float:
    """1..5 stars as a rating: 1 is -1 (disliked), 3 is neutral, 5 is +1."""
    if not 1 <= stars <= 5:
        raise ValueError(f"{stars:g} stars: give 1 to 5")
    return (stars - 3) / 2


class PreferenceProfile:
    """The user's profile, loaded from `path` (the user data folder by default)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.leanings = self._load() or Leanings()

    def rate(self, item: Composition | CompositionContext | Features, rating: float, *,
             section_id: int | None = None) -> None:
        """Learn from a rating of a version, a section of it (`section_id`) or features, and
        save. `rating` runs -1..+1; a value above 1 is read as stars (2..5, so "5" is +1):
        give one star as -1 or through stars_to_rating."""
        if rating > 1:
            rating = stars_to_rating(rating)
        if not -1 <= rating <= 1:
            raise ValueError(f"a rating of {rating:g}: give -1 to +1, or 1 to 5 stars")
        features = item if isinstance(item, Features) else features_of(item, section_id)
        # Start from the file, so ratings made meanwhile by another window are kept.
        lean = self._load() or self.leanings
        weighted = rating * features.weight
        for name in _SHIFTS:
            deviation = getattr(features, name)
            if deviation is not None:
                setattr(lean, name, _moved(name, getattr(lean, name), deviation, weighted))
        for genre, share in features.genre_blend.items():
            weight = lean.genre_weights.get(genre, 0.0)
            lean.genre_weights[genre] = round(weight + GENRE_RATE * (weighted * share - weight), 4)
        lean.ratings += 1
        self.leanings = lean
        self._save()

    def defaults(self) -> Leanings:
        """A copy of the shifts, for build_context and the arrangement of new songs."""
        return replace(self.leanings, genre_weights=dict(self.leanings.genre_weights))

    def _load(self) -> Leanings | None:
        """The saved profile; None when there is none or it cannot be read (then the neutral
        defaults serve, and the next rating writes a sound file)."""
        try:
            data = json.loads(self.path.read_text())
            known = {f.name for f in fields(Leanings)}
            lean = Leanings(**{k: v for k, v in data.items() if k in known})
            lean.genre_weights = {str(g): float(w) for g, w in dict(lean.genre_weights).items()}
            for name in _SHIFTS:
                setattr(lean, name, float(getattr(lean, name)))
            lean.ratings = int(lean.ratings)
            return lean
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def _save(self) -> None:
        write_json(self.path, {"format": FORMAT_VERSION, **asdict(self.leanings)})


def _moved(name: str, shift: float, deviation: float, rating: float) -> float:
    """A shift moved toward a liked deviation (rating > 0) or away from a disliked one."""
    step = LEARNING_RATE * rating * (deviation - shift)
    step = max(-MAX_STEP[name], min(MAX_STEP[name], step))
    return round(max(-LIMITS[name], min(LIMITS[name], shift + step)), 4)
