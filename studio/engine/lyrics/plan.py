"""Where lyrics go: which sections are sung, where each line sits, how long it may be and
which lines rhyme.

A line is sung over a phrase with four strong beats (two bars of 4/4): it may start with a
pickup just before its first downbeat and ends with a breath before the next line's pickup.
Syllable ranges come from resources/lyrics/templates.toml [forms], scaled by the phrase's
strong beats, a little longer in excited songs and in dense genres (rap).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from studio.engine import resources
from studio.engine.lyrics.words import lines_rhyme
from studio.engine.model import Composition, CompositionContext, Meter, Section, is_strong

SUNG_KINDS = ("verse", "pre-chorus", "chorus", "bridge")
STRONG_PER_LINE = 4
BREATH_BEATS = 0.5
GRID_BEATS = 0.5


@dataclass(frozen=True)
class LineSlot:
    """Where one line is sung, in section beats: its first downbeat, the earliest pickup,
    and the time its last note must end by (a breath follows)."""

    start_beats: float
    earliest_beats: float
    end_beats: float


@dataclass(frozen=True)
class SectionPlan:
    """One sung section's plan: a slot per line, the syllables a line may have (fewest,
    most) and the rhyme scheme, one letter per line."""

    section_id: int
    kind: str
    meter: Meter
    slots: tuple[LineSlot, ...]
    syllables: tuple[int, int]
    scheme: str


@dataclass(frozen=True)
class SectionRequest:
    """What a text writer is given for one section: the plan, the song's prompt, theme,
    hook phrase and mood, lines it must not repeat, and lines it must keep (a chorus opens
    with the song's hook line; a verse of a song without a chorus ends with its refrain).
    The song's story (lyrics.story) gives its beat ("scene", "move", "build", "chorus",
    "turn"), the words it gives some slots and the frames the section may use."""

    plan: SectionPlan
    prompt: str
    genre: str
    themes: tuple[str, ...]
    hook: str
    hook_kind: str
    valence: float
    arousal: float
    mood_tags: tuple[str, ...]
    seed: int
    variation: int = 0
    avoid: frozenset[str] = frozenset()
    first_line: str = ""
    last_line: str = ""
    beat: str = ""
    scene: tuple[tuple[str, tuple[str, ...]], ...] = ()
    frames: tuple[str, ...] = ()


def forms() -> dict:
    return resources.table("lyrics/templates")["forms"]


def is_sung(section: Section) -> bool:
    return section.kind in SUNG_KINDS


def sung_sections(composition: Composition) -> list[Section]:
    return [s for s in composition.sections if is_sung(s)]


def pickup_beats(meter: Meter) -> float:
    return 0.5 if meter.is_compound else 1.0


def phrase_bars(meter: Meter) -> int:
    """The fewest bars holding a line's four strong beats."""
    strong_per_bar = sum(1 for i in range(int(meter.beats_per_bar / GRID_BEATS))
                         if is_strong(i * GRID_BEATS, meter))
    return max(1, -(-STRONG_PER_LINE // max(1, strong_per_bar)))


def line_slots(meter: Meter, section: Section, count: int | None = None) -> tuple[LineSlot, ...]:
    """Slots for `count` lines (by default one per phrase) spread over the section."""
    bar_beats = meter.beats_per_bar
    total_beats = section.bars * bar_beats
    count = count or max(1, section.bars // phrase_bars(meter))
    # Lines start on a bar line when there are bars enough, else on a half bar.
    unit = bar_beats if count <= section.bars else bar_beats / 2
    starts = [round(i * total_beats / count / unit) * unit for i in range(count)] + [total_beats]
    pickup = pickup_beats(meter)
    slots = []
    for i in range(count):
        earliest = starts[i] - pickup if i > 0 else starts[i]
        end = max(starts[i] + GRID_BEATS, starts[i + 1] - pickup - BREATH_BEATS)
        slots.append(LineSlot(starts[i], earliest, end))
    return tuple(slots)


def strong_positions(slot: LineSlot, meter: Meter) -> int:
    steps = int(round((slot.end_beats - slot.earliest_beats) / GRID_BEATS))
    return sum(1 for k in range(steps) if is_strong(slot.earliest_beats + k * GRID_BEATS, meter))


def syllable_range(context: CompositionContext, kind: str, strong: int) -> tuple[int, int]:
    """Fewest and most syllables of a line with `strong` strong beats."""
    table = forms()
    low, high = table["syllables"].get(kind, table["syllables"]["verse"])
    scale = strong / STRONG_PER_LINE
    low, high = round(low * scale), round(high * scale)
    if context.mood.arousal > 0.4:
        high += 1
    extra = round(sum(table["dense"].get(g, 0) * w for g, w in context.genre_blend.items()))
    return max(2, low + extra // 2), max(3, high + extra)


def plan_section(composition: Composition, section: Section, rng: np.random.Generator, *,
                 count: int | None = None, refrain: bool = False) -> SectionPlan:
    """The plan of one sung section: slots, syllables per line and a rhyme scheme. With
    `refrain`, the last line is the song's refrain and rhymes with nothing."""
    meter = composition.context.meter
    slots = line_slots(meter, section, count)
    strong = min(strong_positions(s, meter) for s in slots)
    syllables = syllable_range(composition.context, section.kind, strong)
    scheme = choose_scheme(section.kind, len(slots) - (1 if refrain else 0), rng)
    return SectionPlan(section.id, section.kind, meter, slots, syllables,
                       scheme + ("X" if refrain else ""))


def choose_scheme(kind: str, count: int, rng: np.random.Generator) -> str:
    styles = forms()["schemes"].get(kind, ["couplets"])
    return scheme_from_style(styles[int(rng.integers(len(styles)))], count)


def scheme_from_style(style: str, count: int) -> str:
    """couplets AABB.., alternate ABAB.., xaxa XAXA..; an odd line out rhymes with nothing."""
    pattern = {"couplets": "0011", "alternate": "0101", "xaxa": "x0x0"}[style]
    letters = iter(c for c in string.ascii_uppercase if c != "X")
    scheme: list[str] = []
    for start in range(0, count, 4):
        group = pattern[:min(4, count - start)]
        if len(group) == 3:
            group = {"0011": "00x", "0101": "0x0", "x0x0": "x0x"}[pattern]
        elif len(group) == 1:
            group = "x"
        elif len(group) == 2 and pattern != "0011":
            group = "00"
        names: dict[str, str] = {}
        for mark in group:
            if mark == "x":
                scheme.append("X")
                continue
            if mark not in names:
                names[mark] = next(letters)
            scheme.append(names[mark])
    return "".join(scheme)


def rhyme_pairs(scheme: str) -> list[tuple[int, int]]:
    """Pairs of lines the scheme says rhyme: each line with the previous line of its letter."""
    pairs, last = [], {}
    for i, letter in enumerate(scheme):
        if letter != "X":
            if letter in last:
                pairs.append((last[letter], i))
            last[letter] = i
    return pairs


def infer_scheme(texts: list[str] | tuple[str, ...]) -> str:
    """The rhyme scheme lines actually have (for lines a person or a service wrote)."""
    letters = iter(c for c in string.ascii_uppercase if c != "X")
    scheme: list[str] = []
    for i, text in enumerate(texts):
        earlier = next((scheme[j] for j in range(i - 1, -1, -1)
                        if scheme[j] != "X" and lines_rhyme(texts[j], text)), None)
        later = any(lines_rhyme(text, other) for other in texts[i + 1:])
        scheme.append(earlier or (next(letters) if later else "X"))
    return "".join(scheme)
