"""The rhythm of a sung line: one onset per syllable, stressed syllables on strong beats.

A dynamic programme places the syllables on an eighth-note grid inside the line's slot
(a sixteenth grid when eighths are too few): a stressed syllable off a strong beat costs
most, an unstressed one on a strong beat a little, and long unstressed notes, rushed
sixteenths and a line that ends far before its breath cost a little each. A line that
follows another (a second verse sung to the first one's tune, a chorus line on the hook's
rhythm) may be given that line's onsets as a template: a syllable off the template's onsets
costs a little, so the rhythm returns wherever the stresses allow. Results are cached by
stress pattern, slot shape and template, since a song's lines repeat a few patterns many
times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from studio.engine.lyrics.plan import LineSlot
from studio.engine.model import Meter, is_strong

LONGEST_NOTE_BEATS = 3.0
_OFF_STRONG, _OFF_STRONG_ON_BEAT = 8.0, 5.0
_WEAK_ON_STRONG = 1.2
_OFF_TEMPLATE = 0.9
_OFF_OPENING = 3.0


@dataclass(frozen=True)
class Rhythm:
    """Section-relative onsets and lengths, one per syllable; `on_strong` is the share of
    stressed syllables that fall on strong beats (1.0 when the line has none)."""

    onsets: tuple[float, ...]
    durations: tuple[float, ...]
    on_strong: float


def fit_rhythm(stresses: tuple[int, ...], slot: LineSlot, meter: Meter,
               template: tuple[float, ...] = (),
               grids: tuple[float, ...] = (0.5, 0.25),
               opening: tuple[float, ...] = (), off_beat: float = 0.0) -> Rhythm | None:
    """The best rhythm for a line's stress pattern in its slot; None when the syllables
    cannot fit even on sixteenths (on the finest of `grids`). `template` holds another
    line's onsets relative to its slot's first downbeat: the rhythm keeps to them where
    the stresses allow. `opening` holds onsets (from the same downbeat) for the first
    syllables one by one, a motif's rhythm: they keep to it more firmly, still never
    at the cost of a stress. `off_beat` is what a syllable between the beats costs (a
    style that sings on the beat)."""
    if not stresses:
        return None
    offset = slot.earliest_beats
    shape = (slot.start_beats - offset, slot.end_beats - offset, offset % meter.beats_per_bar)
    anchors = tuple(sorted({round(slot.start_beats - offset + t, 6) for t in template}))
    firsts = tuple(round(slot.start_beats - offset + t, 6) for t in opening)
    best = None
    for grid in grids:
        found = _solve(tuple(stresses), shape, meter.numerator, meter.denominator, grid,
                       anchors, firsts, off_beat)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        if best is not None and best[3] >= 1.0:
            break  # every stressed syllable sits on a strong beat: no need for sixteenths
    if best is None:
        return None
    _, onsets, durations, on_strong = best
    return Rhythm(tuple(offset + t for t in onsets), durations, on_strong)


@lru_cache(maxsize=4096)
def _solve(stresses: tuple[int, ...], shape: tuple[float, float, float], numerator: int,
           denominator: int, grid: float, anchors: tuple[float, ...] = (),
           firsts: tuple[float, ...] = (), off_beat: float = 0.0):
    start, end, bar_offset = shape
    meter = Meter(numerator, denominator)
    positions = [k * grid for k in range(int(round((end - grid) / grid)) + 1)]
    if len(stresses) > len(positions):
        return None
    strong = [is_strong(bar_offset + p, meter) for p in positions]
    on_beat = [abs((bar_offset + p) % (1.5 if meter.is_compound else 1.0)) < 1e-6
               for p in positions]
    kept = set(anchors)
    place = [[_place_cost(s, strong[j], on_beat[j])
              + (_OFF_TEMPLATE if kept and round(positions[j], 6) not in kept else 0.0)
              + (_OFF_OPENING if i < len(firsts) and round(positions[j], 6) != firsts[i]
                 else 0.0) + (0.0 if on_beat[j] else off_beat)
              for j in range(len(positions))] for i, s in enumerate(stresses)]
    cost, back = _forward(stresses, positions, place, start, grid)
    last = len(stresses) - 1
    finals = [(cost[last][j] + _tail_cost(end - positions[j]), j)
              for j in range(len(positions)) if cost[last][j] < float("inf")]
    if not finals:
        return None
    total, j = min(finals)
    chosen = [j]
    for i in range(last, 0, -1):
        j = back[i][j]
        chosen.append(j)
    chosen.reverse()
    onsets = tuple(positions[j] for j in chosen)
    durations = tuple(b - a for a, b in zip(onsets, onsets[1:], strict=False))
    durations += (min(end - onsets[-1], LONGEST_NOTE_BEATS),)
    stressed = [strong[j] for s, j in zip(stresses, chosen, strict=True) if s == 1]
    on_strong = sum(stressed) / len(stressed) if stressed else 1.0
    return total, onsets, durations, on_strong


def _forward(stresses, positions, place, start, grid):
    """Cheapest placement of the first i+1 syllables ending with syllable i at position j,
    and the position of syllable i-1 it came from (-1 where none fits)."""
    at = np.asarray(positions, dtype=np.float64)
    count = len(positions)
    length = at[None, :] - at[:, None]  # [k, j]: from position k to position j
    later = np.triu(np.ones((count, count), dtype=bool), 1)
    holds = {stress: np.where(later, _hold_cost(stress, length), np.inf)
             for stress in set(stresses[:-1])}
    cost = np.full((len(stresses), count), np.inf)
    back = np.full((len(stresses), count), -1)
    cost[0] = np.asarray(place[0]) + 0.3 * np.maximum(0.0, at - start - 1.0)
    for i in range(1, len(stresses)):
        # syllable i-1 sits at position i-1 or later: before that its cost is infinite
        value = cost[i - 1][:, None] + holds[stresses[i - 1]]
        arg = np.argmin(value, axis=0)  # the first of equals, as a scan from the left finds
        best = value[arg, np.arange(count)]
        cost[i] = best + np.asarray(place[i])
        back[i] = np.where(np.isfinite(best), arg, -1)
    return cost.tolist(), back.tolist()


def _place_cost(stress: int, strong: bool, on_beat: bool) -> float:
    if stress == 1:
        return 0.0 if strong else (_OFF_STRONG_ON_BEAT if on_beat else _OFF_STRONG)
    if stress == 2:
        return 0.0 if strong else (0.3 if on_beat else 1.0)
    return _WEAK_ON_STRONG if strong else 0.0


def _hold_cost(stress: int, length: np.ndarray) -> np.ndarray:
    """Unstressed syllables should move on; anything held past two beats drags; sixteenths
    rush the words (for each of `length`, in beats)."""
    cost = np.where(length < 0.5, 0.4, 0.0)
    if stress == 0:
        cost += 0.6 * np.maximum(0.0, length - 1.0)
    return cost + 0.3 * np.maximum(0.0, length - 2.0)


def _tail_cost(room: float) -> float:
    """A line should reach toward its breath rather than stop halfway, and land on a
    note it can hold rather than snatch one at the last moment."""
    return 0.25 * max(0.0, room - 2.5) + 0.4 * max(0.0, 1.5 - room)
