"""The phrases of refine in words that name instruments: "swap the keys for an organ", "use
brushes", "add a fiddle", "remove the banjo". Each reader turns one clause into steps, as
those of phrases.py do; the names come from resources/instruments.toml."""

from __future__ import annotations

from studio.engine.composing import instruments
from studio.engine.composing.instruments import InstrumentRequest, fallback_lanes
from studio.engine.edit import vocabulary
from studio.engine.edit.phrases import Said, Step
from studio.engine.model import Composition


def _played(song: Composition) -> dict[str, int]:
    """Lane -> program of the song's pitched instrument lanes."""
    return {name: lane.program for name, lane in song.lanes.items()
            if not lane.is_drums and name != "vocal"}


def _named(said: Said, group: str) -> tuple[InstrumentRequest, ...]:
    word = next(said.match[g] for g in (group, group + "2", group + "3")
                if g in said.match.groupdict() and said.match[g])
    return instruments.named(word)


def _old(said: Said) -> str:
    return next((said.match[g] for g in ("old", "old2") if said.match[g]), "")


def _kit_step(song: Composition, said: Said, kit: int) -> Step:
    if "drums" not in song.lanes:
        raise ValueError("the song has no drums")
    return said.step(f"Drums on the {instruments.kits()[kit]} kit", "set_drum_kit", kit)


def _swap(song: Composition, said: Said) -> list[Step]:
    said.whole_song("an instrument")
    old, steps = _old(said), []
    for request in _named(said, "new"):
        if request.kit is not None:
            steps.append(_kit_step(song, said, request.kit))
            continue
        played = _played(song)
        lane = instruments.lane_playing(old, played) if old else request.lane
        if lane not in played:
            what = f"no lane plays {old}" if old else f"the song has no {lane}"
            raise ValueError(f"{what} (lanes: {', '.join(song.lanes)})")
        name = instruments.program(request.program).name
        steps.append(said.step(f"{lane.capitalize()} played by {name}", "set_lane_program",
                               lane, request.program))
    return steps


def _add(song: Composition, said: Said) -> list[Step]:
    said.whole_song("an instrument")
    steps = []
    for request in _named(said, "new"):
        if request.kit is not None:
            steps.append(_kit_step(song, said, request.kit))
            continue
        name = instruments.program(request.program).name
        if request.program in _played(song).values():
            raise ValueError(f"{name} already plays in this song")
        free = [lane for lane in (request.lane, *fallback_lanes(request))
                if lane not in song.lanes]
        if not free:
            raise ValueError(f"no lane is free for {name}: swap it for an instrument instead")
        steps.append(said.step(f"Add {name} (as the {free[0]} lane)", "add_lane", free[0],
                               request.program))
    return steps


def _remove(song: Composition, said: Said) -> list[Step]:
    """The lane playing the instrument is muted (a mix change: its notes are kept)."""
    said.whole_song("an instrument")
    steps = []
    for request in _named(said, "new"):
        if request.kit is not None:
            raise ValueError("a drum kit cannot be removed: mute the drums")
        lane = instruments.lane_playing(request.said, _played(song), by_name=False)
        if lane is None and vocabulary.lane_pattern().fullmatch(request.said):
            lane = vocabulary.lane_of(request.said)  # "the piano": the keys, whatever plays
        if lane is None or lane not in song.lanes:
            raise ValueError(f"no lane plays {request.said}")
        steps.append(said.step(f"Mute {lane} ({request.said}; a mix change: its notes are "
                               "kept)", "set_lane_mix", lane, mute=True))
    return steps


READERS = {"swap_instrument": _swap, "add_instrument": _add, "remove_instrument": _remove}
