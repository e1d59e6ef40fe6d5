"""A user's leanings: the learned shifts of the defaults that new songs start from.

The preference profile (preferences.py) learns them from ratings; build_context applies them
where the prompt says nothing, and the arrangement stage lifts the energy curve by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.engine.composing.arrangement import derive_energies
from studio.engine.model import Section

# A genre liked this much (a moving mean of rating x its share of the blend) becomes the
# genre of prompts that name none, in place of pop.
FAVOURITE_AT = 0.3


@dataclass
class Leanings:
    """The learned shifts of the defaults. tempo_offset_bpm is added to a drawn tempo,
    energy_lift to the energy curve, the leans to a mood the prompt did not state."""

    tempo_offset_bpm: float = 0.0
    energy_lift: float = 0.0
    valence_lean: float = 0.0
    arousal_lean: float = 0.0
    genre_weights: dict[str, float] = field(default_factory=dict)
    ratings: int = 0

    def favourite_genre(self) -> str | None:
        """The genre for a prompt that names none, once one is clearly liked; else None."""
        liked = [(w, g) for g, w in self.genre_weights.items() if w >= FAVOURITE_AT]
        return max(liked)[1] if liked else None

    def lift(self, sections: list[Section], curve: tuple) -> tuple[list[Section], tuple]:
        """An arrangement's sections and energy curve with the energy lift applied."""
        if not self.energy_lift:
            return sections, curve
        curve = tuple((bar, round(min(1.0, max(0.05, e + self.energy_lift)), 4))
                      for bar, e in curve)
        return derive_energies(sections, curve), curve

