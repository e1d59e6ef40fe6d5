"""The arrangement stage: section kinds and bar counts that fill the song, its energy curve,
and the band's shape in each section.

The energy curve is the source: points (bar, energy) at section borders, which a person may
later reshape. A section's energy target is derived from it (the curve's mean over the
section), so editing the curve re-derives the targets in one pass. The band's shape in each
section (the lanes that rest, the marks) is composing.shaping's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.engine import resources
from studio.engine.composing import groove_library, grooves
from studio.engine.composing.shaping import shape_band
from studio.engine.model import CompositionContext, Section
from studio.engine.rng import rng_for

MIN_BARS = 2
MAX_BARS = 16
# Which sections give or take bars first when a song must fit its length; choruses come
# last, so a chorus keeps one length and comes back with the same words and tune.
_FIT_ORDER = ("verse", "bridge", "pre-chorus", "drop", "breakdown", "intro", "outro", "chorus")


def arrange(context: CompositionContext, rng: np.random.Generator) -> tuple[list[Section], tuple]:
    """Sections for the context's genre and length, and the energy curve they follow."""
    style = resources.genre(context.primary_genre)
    kinds = list(style["form"])
    # a style may hold some kinds to a length of its own: a twelve-bar blues chorus
    held = dict(style.get("section_bars", {}))
    table = {kind: {**row, "bars": held.get(kind, row["bars"])}
             for kind, row in resources.table("sections").items()}
    bars = [table[k]["bars"] for k in kinds]
    _drop_sections(kinds, bars, context.length_bars, table)
    _grow_sections(kinds, bars, context.length_bars, table)
    _fit_bars(kinds, bars, context.length_bars, set(held))
    curve = energy_curve(kinds, bars, context)
    song_groove, contrast_groove = _pick_grooves(context, rng)
    by_kind = _style_grooves(context, song_groove)
    sections = []
    for index, (kind, length) in enumerate(zip(kinds, bars, strict=True)):
        groove = contrast_groove if kind in ("bridge", "breakdown") else song_groove
        groove = by_kind.get(kind, groove)
        sections.append(Section(id=index, kind=kind, bars=length, energy=0.0, groove=groove))
    sections = shape_band(sections, context, rng)
    return derive_energies(sections, curve), curve


def _drop_sections(kinds: list[str], bars: list[int], target: int, table: dict) -> None:
    """Remove optional sections, least important first, while the song is too long; a
    removal that would put two sections of one kind side by side comes last."""
    while sum(bars) > target:
        candidates = [
            (_repeats(kinds[:i] + kinds[i + 1:]), table[k]["drop_order"], -i, i)
            for i, k in enumerate(kinds)
            if table[k]["drop_order"] > 0 and not _is_first_of_core_kind(kinds, i)
        ]
        if not candidates:
            return
        *_, index = min(candidates)
        if sum(bars) - bars[index] < target - 4:
            return
        del kinds[index], bars[index]


def _repeats(kinds: list[str]) -> int:
    """How many neighbouring sections share a kind (chorus, chorus)."""
    return sum(a == b for a, b in zip(kinds, kinds[1:], strict=False))


def _is_first_of_core_kind(kinds: list[str], index: int) -> bool:
    """The first verse and the first hook stay: a drop is the hook only of a form without a
    chorus (a k-pop or amapiano drop is a climax that a short song can leave out)."""
    kind = kinds[index]
    core = ("verse", "chorus") if "chorus" in kinds else ("verse", "drop")
    return kind in core and kinds.index(kind) == index


def _grow_sections(kinds: list[str], bars: list[int], target: int, table: dict) -> None:
    """Repeat a verse and the song's hook before the outro while the song is too short; a
    form with no hook (a jazz AABA, an ambient piece) repeats its whole body instead."""
    hooks = [k for k in ("drop", "chorus") if k in kinds]
    body = [k for k in kinds if k not in ("intro", "outro")] or ["verse"]
    cycle = ["verse", hooks[0]] if hooks else body
    grow_bars = sum(table[k]["bars"] for k in cycle)
    while sum(bars) + grow_bars <= target:
        at = kinds.index("outro") if "outro" in kinds else len(kinds)
        kinds[at:at] = cycle
        bars[at:at] = [table[k]["bars"] for k in cycle]


def _fit_bars(kinds: list[str], bars: list[int], target: int,
              held: frozenset[str] | set[str] = frozenset()) -> None:
    """Lengthen or shorten sections, four bars at a time where possible (phrases come in
    fours), until the bars sum to the target; kinds the style holds to a length change
    last."""
    order = sorted(range(len(kinds)), key=lambda i: (_FIT_ORDER.index(kinds[i]), i))
    free = [i for i in order if kinds[i] not in held]
    kept = [i for i in order if kinds[i] in held]
    while sum(bars) != target:
        gap = abs(target - sum(bars))
        sign = 1 if sum(bars) < target else -1
        if not any(_nudge(bars, indices, step * sign, target)
                   for indices in (free, kept) for step in (4, 2, 1) if step <= gap):
            raise ValueError(f"cannot fit {len(kinds)} sections into {target} bars")


def _nudge(bars: list[int], order: list[int], step: int, target: int) -> bool:
    """One pass over the sections changing each by `step` bars; whether any changed."""
    changed = False
    for index in order:
        if sum(bars) == target or abs(target - sum(bars)) < abs(step):
            break
        if MIN_BARS <= bars[index] + step <= MAX_BARS:
            bars[index] += step
            changed = True
    return changed


def energy_curve(kinds: list[str], bars: list[int], context: CompositionContext) -> tuple:
    """Points (bar, energy) at each section's start and end, shaped by kind and mood.

    Repeated verses and choruses climb a little so the song develops; arousal lifts or lowers
    the whole curve.
    """
    table = resources.table("sections")
    lift = 0.12 * context.mood.arousal
    points: list[tuple[float, float]] = []
    start = 0
    seen: dict[str, int] = {}
    for kind, length in zip(kinds, bars, strict=True):
        repeat = seen.get(kind, 0)
        seen[kind] = repeat + 1
        level = table[kind]["energy"] + lift + 0.04 * min(repeat, 2)
        half_rise = table[kind]["rise"] / 2
        points.append((float(start), _clip(level - half_rise)))
        points.append((float(start + length), _clip(level + half_rise)))
        start += length
    return tuple(points)


def derive_energies(sections: list[Section], curve: tuple) -> list[Section]:
    """Each section's energy target: the mean of the curve over its bars."""
    xs = np.array([p[0] for p in curve])
    ys = np.array([p[1] for p in curve])
    result = []
    start = 0
    for section in sections:
        grid = np.linspace(start, start + section.bars, 17)
        # A point pair at one bar (end of one section, start of the next) is a step: sample
        # just inside the section so each side keeps its own value.
        grid[0] += 1e-6
        grid[-1] -= 1e-6
        energy = float(np.mean(_interp_steps(grid, xs, ys)))
        result.append(replace(section, energy=round(energy, 4)))
        start += section.bars
    return result


def _interp_steps(grid: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Linear interpolation that honours repeated x values as steps."""
    values = np.empty_like(grid)
    for i, x in enumerate(grid):
        right = int(np.searchsorted(xs, x, side="right"))
        left = max(right - 1, 0)
        right = min(right, len(xs) - 1)
        if xs[right] == xs[left]:
            values[i] = ys[left]
        else:
            t = (x - xs[left]) / (xs[right] - xs[left])
            values[i] = ys[left] + t * (ys[right] - ys[left])
    return values


def _pick_grooves(context: CompositionContext, rng: np.random.Generator) -> tuple[str, str]:
    """A groove for the song and another for its contrasting sections, drawn from the blend;
    the contrast is one of its style's other grooves where it has more than one."""
    genres = sorted(context.genre_blend)
    weights = np.array([context.genre_blend[g] for g in genres], dtype=float)
    weights /= weights.sum()
    main = genres[int(rng.choice(len(genres), p=weights))]
    contrast = genres[int(rng.choice(len(genres), p=weights))]
    main_groove = _one_of(main, context, rng)
    others = [name for name in grooves.groove_names_for(contrast, context.meter)
              if name != main_groove][:_CONTRAST_CHOICES]
    contrast_groove = others[int(rng.integers(len(others)))] if others else main_groove
    return main_groove, contrast_groove


# How many of a style's grooves (its usual ones first) a contrasting section draws from.
_CONTRAST_CHOICES = 3


def _one_of(style: str, context: CompositionContext, rng: np.random.Generator) -> str:
    """The style's groove for the song: one of the grooves written for it and the main
    grooves of its style files (each file is another band's take on the style; their
    variations too when that leaves one), taken in turn by the seed in an order of the
    style's own, so that the next seed plays another groove and none comes back before
    each has played (rng is left for the others). A style that plays its own grooves
    first draws from those alone."""
    names = grooves.groove_names_for(style, context.meter)
    own = resources.genre(style).get("own_grooves")
    pool = [name for name in names if own and not groove_library.is_imported(name)]
    for role in ("main", "variation"):
        if len(pool) < 2 and not (own and pool):  # a style's own grooves are its sound
            pool += [name for name in grooves.section_grooves(style, context.meter, role)
                     if name not in pool]
    if not pool:
        return names[0]
    order = rng_for(0, -1, f"grooves {style} {context.meter}").permutation(len(pool))
    return pool[int(order[context.seed % len(pool)])]


def _style_grooves(context: CompositionContext, song_groove: str) -> dict[str, str]:
    """Sections that play a groove of their own when the song groove's style file has one:
    the intro its intro, choruses and drops a busier variation of the song's groove."""
    style, meter = context.primary_genre, context.meter
    if song_groove not in grooves.section_grooves(style, meter, "main"):
        return {}  # a hand-written groove, or another style's: no imported variations
    chosen = {}
    home = groove_library.file_of(song_groove)
    intros = [name for name in grooves.section_grooves(style, meter, "intro")
              if groove_library.file_of(name) == home]
    if intros:
        chosen["intro"] = intros[0]
    # the hook is lifted by the busiest variation of the song groove's own file; a file with
    # none busier lends the hook the next busier groove of another of the style's files
    variations = [name for name in grooves.section_grooves(style, meter, "variation")
                  if groove_library.file_of(name) == home]
    busy = groove_library.strokes_per_bar
    lift = max(variations, key=busy, default=None)
    if lift is None or busy(lift) <= busy(song_groove):
        others = [name for name in grooves.groove_names_for(style, meter)
                  if groove_library.is_imported(name) and busy(name) > 1.2 * busy(song_groove)]
        lift = min(others, key=busy, default=None)
    if lift is not None:
        chosen["chorus"] = chosen["drop"] = lift
    return chosen


def _clip(value: float) -> float:
    return round(min(1.0, max(0.05, value)), 4)
