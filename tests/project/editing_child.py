"""A child process for the random-edits kill test: applies random edits to a project's
current version (seeded by argv[2]), committing each as a version and printing its id after
the commit returned, with reverts, stars, names and journalled edits among them, until it is
killed."""

import random
import sys

from studio.engine.edit.operations import OPERATIONS
from studio.project import Project


def edit(song, chance: random.Random):
    """One random edit of the song: (operation name, args, kwargs)."""
    section = chance.choice(song.sections)
    lane = chance.choice(list(song.lanes))
    return chance.choice([
        ("set_lane_mix", (lane,), {"gain_db": chance.uniform(-40.0, 6.0),
                                   "pan": chance.uniform(-1.0, 1.0)}),
        ("set_buses", (), {"reverb_room": chance.random()}),
        ("change_tempo", (chance.uniform(40.0, 240.0),), {}),
        ("move_section", (section.id, chance.randrange(len(song.sections))), {}),
        ("duplicate_section", (section.id,), {}),
        ("delete_section", (section.id,), {}),
        ("set_section_energy", (section.id,), {"start": chance.uniform(0.05, 1.0)}),
        ("set_locked", (section.id, lane, chance.random() < 0.5), {}),
        ("vary_lane", (section.id, lane), {}),
    ])


def main() -> None:
    chance = random.Random(int(sys.argv[2]))
    with Project.open(sys.argv[1]) as project:
        print("ready", flush=True)
        while True:
            roll = chance.random()
            versions = project.log()
            if roll < 0.1:
                info = project.revert(chance.choice(versions).id)
            elif roll < 0.15:
                project.star(chance.choice(versions).id)
                continue
            elif roll < 0.2:
                project.name_version(chance.choice(versions).id, f"take {chance.random():.3f}")
                continue
            else:
                song = project.load()
                name, args, kwargs = edit(song, chance)
                try:
                    changed, change = OPERATIONS[name](song, *args, **kwargs)
                except ValueError:  # an edit the song refuses (the last section, a lock)
                    continue
                if chance.random() < 0.3:
                    project.journal_edit(changed)  # an edit in progress, then finished
                info = project.commit(changed, change.message, change.kind)
            print(info.id, flush=True)


if __name__ == "__main__":
    main()
