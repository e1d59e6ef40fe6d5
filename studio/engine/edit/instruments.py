"""Which instrument plays a lane: a lane's General MIDI program and the song's drum kit.

Both keep every note; only the audio of the lane (or of the drums) is stale. The choice is
kept in the context as well as on the lane, so a later change of style leaves the person's
instrument playing; choosing the style's own instrument again forgets the choice.
"""

from __future__ import annotations

from dataclasses import replace

from studio.engine import resources
from studio.engine.composing import instruments
from studio.engine.edit.change import Change, check_lane, copy_song
from studio.engine.model import Composition


def set_lane_program(composition: Composition, lane: str,
                     program: int) -> tuple[Composition, Change]:
    """A lane played by another General MIDI program (0-based), its notes kept."""
    check_lane(composition, lane)
    if composition.lanes[lane].is_drums:
        raise ValueError("the drums play a kit: choose one with set_drum_kit")
    if lane == "vocal":
        raise ValueError("the vocal lane is sung: choose its voice instead")
    if not 0 <= int(program) <= 127:
        raise ValueError(f"a General MIDI program is 0 to 127, not {program}")
    program = int(program)
    name = instruments.program(program).name
    if composition.lanes[lane].program == program:
        raise ValueError(f"the {lane} already play {name}")
    song = copy_song(composition)
    song.lanes[lane].program = program
    chosen = dict(song.context.programs)
    if program == _style_program(composition, lane):
        chosen.pop(lane, None)
    else:
        chosen[lane] = program
    song.context = replace(song.context, programs=chosen)
    stale = frozenset((s.id, lane) for s in song.sections if (s.id, lane) in song.parts)
    return song, Change("instrument", f"{lane.capitalize()} played by {name}", stale)


def set_drum_kit(composition: Composition, kit: int) -> tuple[Composition, Change]:
    """The drums played on another kit (a preset of bank 128: 0 standard .. 48 orchestral)."""
    check_lane(composition, "drums")
    names = instruments.kits()
    if int(kit) not in names:
        raise ValueError(f"no drum kit {kit} (kits: " + ", ".join(
            f"{number} {name}" for number, name in names.items()) + ")")
    kit = int(kit)
    style_kit = int(resources.genre(composition.context.primary_genre).get("drum_kit", 0))
    now = composition.context.drum_kit
    if (style_kit if now is None else now) == kit:
        raise ValueError(f"the drums already play the {names[kit]} kit")
    song = copy_song(composition)
    song.context = replace(song.context, drum_kit=None if kit == style_kit else kit)
    stale = frozenset((s.id, "drums") for s in song.sections if (s.id, "drums") in song.parts)
    return song, Change("instrument", f"Drums on the {names[kit]} kit", stale)


def _style_program(composition: Composition, lane: str) -> int | None:
    """The program the song's style gives a lane (a lane's own default when it gives none)."""
    style = resources.genre(composition.context.primary_genre)["lanes"]
    return style.get(lane, resources.table("lanes").get(lane, {}).get("program"))
