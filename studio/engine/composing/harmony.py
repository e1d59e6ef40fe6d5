"""The harmony stage: a chord progression for every section, in key, with cadences.

Progressions come from genre vocabularies (resources/progressions.toml), drawn by the genre
blend and leaning toward darker or brighter progressions by the mood's valence. All sections
of one kind share a progression, so every chorus sounds like the chorus, and the chorus is
never the verse's progression. Section ends get cadences: choruses, drops and the song's end
close on the tonic; sections that lead on end on a half cadence.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.engine import resources, theory
from studio.engine.model import Chord, CompositionContext, Key, Section
from studio.engine.rng import rng_for

_ROLE = {"drop": "chorus", "breakdown": "bridge"}
_LEADS_IN = {"chorus", "drop"}


def harmonize(context: CompositionContext, sections: list[Section]) -> list[Section]:
    """Every section with its chords; randomness per section role, from the song seed."""
    progressions = choose_progressions(context, {_role(s.kind) for s in sections})
    return [replace(s, chords=section_chords(context, sections, i, progressions))
            for i, s in enumerate(sections)]


def section_chords(context: CompositionContext, sections: list[Section], index: int,
                   progressions: dict[str, list[str]] | None = None) -> tuple[Chord, ...]:
    """The chords of one section: its role's progression over its bars, shaded darker or
    brighter by its valence offset, ending in the cadence its neighbour asks for."""
    section = sections[index]
    following = sections[index + 1] if index + 1 < len(sections) else None
    role = _role(section.kind)
    progressions = progressions or choose_progressions(context, {role})
    progression = progressions[role]
    if section.valence_offset:
        progression = shade(context, role, progression, section.valence_offset)
    bars_per_chord = 2 if context.mood.arousal < -0.55 else 1
    tokens = _bar_tokens(progression, section.bars, bars_per_chord)
    _apply_cadence(tokens, section, following, _cadence_tokens(context))
    return tuple(_chords_for_bars(tokens, context.key, context.meter.beats_per_bar))


def choose_progressions(context: CompositionContext, roles: set[str]) -> dict[str, list[str]]:
    """One progression (a list of bar tokens) per role; the chorus differs from the verse."""
    chosen: dict[str, list[str]] = {}
    for role in sorted(roles | {"verse"}, key=lambda r: (r != "verse", r)):
        rng = rng_for(context.seed, -1, f"harmony:{role}")
        options = _options(context, role, rng)
        avoid = " ".join(chosen.get("verse", [])) if role == "chorus" else None
        choice = _pick(options, context, rng, avoid)
        chosen[role] = choice.split()
    return chosen


def shade(context: CompositionContext, role: str, progression: list[str],
          valence_offset: float) -> list[str]:
    """A darker (offset < 0) or brighter progression for one section.

    The role's vocabulary is ranked by its share of minor chords; the nearest one that is
    darker (or brighter) than the song's is taken. When none is, chords are borrowed from the
    parallel mode: major IV and I turn minor to darken, minor iv and i turn major to brighten.
    """
    darker = valence_offset < 0
    current = _minor_share(" ".join(progression))
    options = _options(context, role, rng_for(context.seed, -1, f"harmony:{role}"))
    ranked = sorted(options, key=lambda o: (_minor_share(o), o), reverse=not darker)
    better = [o for o in ranked if (_minor_share(o) > current if darker
                                    else _minor_share(o) < current)]
    if better:
        return better[-1].split()
    swap = {"IV": "iv", "I": "i"} if darker else {"iv": "IV", "i": "I"}
    return ["-".join(swap.get(t, t) for t in bar.split("-")) for bar in progression]


def _options(context: CompositionContext, role: str, rng: np.random.Generator) -> list[str]:
    table = _vocabulary(context, rng)
    return table.get(role) or table["verse"]


def _vocabulary(context: CompositionContext, rng: np.random.Generator) -> dict:
    genres = sorted(context.genre_blend)
    weights = np.array([context.genre_blend[g] for g in genres], dtype=float)
    genre = genres[int(rng.choice(len(genres), p=weights / weights.sum()))]
    name = resources.genre(genre)["progressions"]
    family = "minor" if context.key.mode in theory.MINOR_LIKE else "major"
    return resources.table("progressions")[name][family]


def _pick(options: list[str], context: CompositionContext, rng, avoid: str | None) -> str:
    """Draw a progression, weighting minor-heavy ones up for dark moods and down for bright."""
    candidates = [o for o in options if o != avoid] or options
    weights = np.array([np.exp(-2.0 * context.mood.valence * _minor_share(o)) for o in candidates])
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]


def _minor_share(progression: str) -> float:
    tokens = [t for bar in progression.split() for t in bar.split("-")]
    numerals = [t.lstrip("b#") for t in tokens]
    return sum(1 for n in numerals if n[:1].islower()) / len(numerals)


def _role(kind: str) -> str:
    return _ROLE.get(kind, kind)


def _cadence_tokens(context: CompositionContext) -> dict[str, list[str]]:
    name = resources.genre(context.primary_genre)["progressions"]
    family = "minor" if context.key.mode in theory.MINOR_LIKE else "major"
    table = resources.table("progressions")[name][family]
    return {"close": table["cadence"].split(), "half": [table["half"]]}


def _bar_tokens(progression: list[str], bars: int, bars_per_chord: int) -> list[str]:
    """The progression's tokens cycled over the section, one token per bar."""
    return [progression[(bar // bars_per_chord) % len(progression)] for bar in range(bars)]


def _apply_cadence(tokens: list[str], section: Section, following: Section | None,
                   cadences: dict[str, list[str]]) -> None:
    closes = following is None or section.kind in _LEADS_IN or section.kind == "outro"
    if closes:
        ending = cadences["close"][-len(tokens):]
    elif following is not None and (following.kind in _LEADS_IN or section.kind != "verse"):
        ending = cadences["half"]
    else:
        return
    tokens[len(tokens) - len(ending):] = ending


def _chords_for_bars(tokens: list[str], key: Key, beats_per_bar: float) -> list[Chord]:
    chords = []
    for bar, token in enumerate(tokens):
        numerals = token.split("-")
        length = beats_per_bar / len(numerals)
        for i, numeral in enumerate(numerals):
            root, quality = chord_of(numeral, key)
            start = bar * beats_per_bar + i * length
            chords.append(Chord(root, quality, start, length, numeral))
    return _merge_repeats(chords)


def _merge_repeats(chords: list[Chord]) -> list[Chord]:
    """Join a chord held over several bars into one chord."""
    merged: list[Chord] = []
    for chord in chords:
        last = merged[-1] if merged else None
        if last and (last.root_pc, last.quality) == (chord.root_pc, chord.quality):
            merged[-1] = replace(last, duration_beats=last.duration_beats + chord.duration_beats)
        else:
            merged.append(chord)
    return merged


def chord_of(numeral: str, key: Key) -> tuple[int, str]:
    """Root and quality of a numeral in a key; in the church modes the quality is diatonic."""
    root, quality = theory.parse_numeral(numeral, key.tonic_pc, key.mode)
    if key.mode in ("major", "minor"):
        return root, quality
    return root, theory.diatonic_quality(root, key.scale_pcs, seventh="7" in numeral)
