"""The song's story: what each sung section tells, where, and in which frames.

A lyricist plans a song before writing its lines. Verse 1 sets the scene: a place (and one
nearby), a time in the past and two things seen there. Each later verse moves the story on
to other places, in the present, and keeps one thing from the verse before, so the song
follows what it first showed. A pre-chorus builds where its verse stands; the chorus
declares and carries the title (the hook line, sung more than once); the bridge turns and
looks back at the first place. Each section is dealt its own frames (line templates) from
its beat's list in resources/lyrics/templates.toml, so no frame is sung twice in a song,
and a song's share of each list comes from its prompt and seed, so songs differ in how
their lines open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.engine.lyrics.grammar import templates
from studio.engine.lyrics.sung import fixed_opening
from studio.engine.model import Section

BEATS = {"verse": "scene", "pre-chorus": "build", "chorus": "chorus", "bridge": "turn"}
FRAMES_PER_SECTION = 12
MIN_FRAMES = 8
# the share of frames with fixed first words ("I go back...") a song keeps: songs differ
# in how their lines open because each keeps a different few of them
KEEP_FIXED = 0.25
# the most of a list one song is dealt, so every song leaves some of each list unsung
DEAL_SHARE = 0.6


@dataclass(frozen=True)
class Beat:
    """What one sung section tells: its beat ("scene", "move", "build", "chorus", "turn"),
    the words the story gives some slots (slot, words) and the frames it may use."""

    name: str
    scene: tuple[tuple[str, tuple[str, ...]], ...] = ()
    frames: tuple[str, ...] = ()


def hook_positions(count: int) -> tuple[int, ...]:
    """The lines of a chorus of `count` lines that sing the hook line."""
    table = templates()["forms"]["hooks"]
    key = str(min(count, max(int(k) for k in table)))
    return tuple(i for i in table[key] if i < count) or (0,)


def song_story(sections: list[Section], words: dict[str, tuple[str, ...]],
               rng: np.random.Generator) -> dict[int, Beat]:
    """A beat for every sung section (by id), from the song's lexicon `words`."""
    lines = templates()["lines"]
    places = _shuffled(words["spot"], rng)
    things = _shuffled(words["thing"], rng)
    times = _shuffled(words["then"], rng)
    names = [_beat_name(s, sections) for s in sections]
    # every chorus sings the first one's words, so the choruses share one hand; a frame
    # listed under two beats is dealt once
    dealt: set[str] = set()
    decks = {name: _deal(lines[name], 1 if name == "chorus" else names.count(name), rng, dealt)
             for name in sorted(set(names))}
    story: dict[int, Beat] = {}
    verse, place = 0, places[0]
    for section, name in zip(sections, names, strict=True):
        frames = decks[name][0] if name == "chorus" else decks[name].pop(0)
        if section.kind == "verse":
            # its place and one nearby, so the place is named, not sung in every line
            place = places[(2 * verse) % len(places)]
            nearby = places[(2 * verse + 1) % len(places)]
            seen = [things[(2 * verse + k) % len(things)] for k in (0, 1)]
            kept = [things[(2 * verse - 1) % len(things)]] if verse else []
            scene = [("spot", tuple(dict.fromkeys((place, nearby)))),
                     ("thing", tuple(dict.fromkeys(seen + kept)))]
            if name == "scene":
                scene.append(("then", (times[0],)))
            story[section.id] = Beat(name, tuple(scene), frames)
            verse += 1
        elif name == "build":
            story[section.id] = Beat(name, (("spot", (place,)),), frames)
        elif name == "turn":
            # the bridge looks back at the place where the song began
            story[section.id] = Beat(name, (("spot", (places[0],)),), frames)
        else:
            story[section.id] = Beat(name, (), frames)
    return story


_TELLS = {
    "scene": "It sets the scene, in the past: {where}{when}{things}.",
    "move": "It moves the story on, in the present: {where}{things}.",
    "build": "It builds toward the chorus, in the present.",
    "chorus": "It declares; its first line is the song's title line and comes back in it.",
    "turn": "It turns: a doubt or a change of view, looking back at {where_plain}.",
}


def tell(beat: Beat) -> str:
    """What a section's beat asks of its lines, in words (for a writer that reads them)."""
    if beat.name not in _TELLS:
        return ""
    scene = dict(beat.scene)
    places, things, times = scene.get("spot", ()), scene.get("thing", ()), scene.get("then", ())
    return _TELLS[beat.name].format(
        where=f"at the {places[0]}" if places else "",
        where_plain=f"the {places[0]}" if places else "where the song began",
        when=f", {times[0]}" if times else "",
        things=", with the " + " and the ".join(things) if things else "")


def _beat_name(section: Section, sections: list[Section]) -> str:
    if section.kind == "verse" and any(s.kind == "verse" for s in sections[
            :sections.index(section)]):
        return "move"
    return BEATS.get(section.kind, "scene")


def _deal(frames: list[str], hands: int, rng: np.random.Generator,
          dealt: set[str]) -> list[tuple[str, ...]]:
    """`hands` disjoint sets of frames from a shuffled list: FRAMES_PER_SECTION each, fewer
    when that would deal more than DEAL_SHARE of the list, and not below MIN_FRAMES while the
    list has that many for every hand. A frame in `dealt` (dealt to another beat) gives way
    to the next one left in the deck; what is dealt joins `dealt`."""
    deck = [f for f in _shuffled(frames, rng) if not fixed_opening(f)
            or rng.random() < KEEP_FIXED]
    hands = max(1, hands)
    size = max(MIN_FRAMES, min(FRAMES_PER_SECTION, int(len(deck) * DEAL_SHARE) // hands))
    size = max(1, min(size, len(deck) // hands))
    spare = iter([f for f in deck[hands * size:] if f not in dealt])
    dealt_hands = []
    for h in range(hands):
        hand = (f if f not in dealt else next(spare, None) for f in deck[h * size:(h + 1) * size])
        dealt_hands.append(tuple(f for f in hand if f is not None))
    dealt.update(f for hand in dealt_hands for f in hand)
    return dealt_hands


def _shuffled(values, rng: np.random.Generator) -> list:
    values = list(values)
    return [values[i] for i in rng.permutation(len(values))]
