"""Lane generators: one function per lane, each a pure function of its inputs.

Every generator has the signature

    generate(context, section, lane, rng, next_section) -> tuple[Note, ...]

reading only the shared context, the section it fills (kind, bars, energy, chords, groove),
the lane's settings, a random generator derived from (song seed, section, lane, variation) and
the kind of the section that follows (None at the end of the song), so fills and pickups can
lead into it. Notes are in section-relative beats.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.engine.composing.generators import bass, drums, horns, keys, lead
from studio.engine.model import CompositionContext, Lane, Note, Section

Generator = Callable[
    [CompositionContext, Section, Lane, np.random.Generator, Section | None], tuple[Note, ...]
]


def generator_for(lane: str) -> Generator:
    """The generator of a lane by its name."""
    table: dict[str, Generator] = {
        "drums": drums.generate,
        "bass": bass.generate,
        "keys": keys.generate,
        "pad": keys.generate_pad,
        "strings": keys.generate_strings,
        "horns": horns.generate,
        "lead": lead.generate,
    }
    try:
        return table[lane]
    except KeyError:
        raise ValueError(f"no generator for lane '{lane}'") from None
