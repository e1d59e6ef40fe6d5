"""Contexts built by hand for tests that should not depend on prompt reading."""

from studio.engine.model import CompositionContext, Key, Meter, Mood


def make_context(genre: str = "pop", *, tonic: str = "C", mode: str = "major",
                 tempo_bpm: float = 110, meter: Meter | None = None, length_bars: int = 80,
                 seed: int = 7, valence: float = 0.3, arousal: float = 0.3,
                 lanes: tuple[str, ...] = ("drums", "bass", "keys", "pad", "lead"),
                 blend: dict[str, float] | None = None) -> CompositionContext:
    return CompositionContext(
        key=Key(tonic, mode), tempo_bpm=tempo_bpm, meter=meter or Meter(4, 4),
        genre_blend=blend or {genre: 1.0}, mood=Mood(valence, arousal, ()),
        length_bars=length_bars, seed=seed, lanes=lanes,
    )
