"""A child process for the kill test: commits versions in a loop, printing each id after its
commit returned, until it is killed."""

import sys

from studio.engine.model import (
    Composition,
    CompositionContext,
    Key,
    Lane,
    Meter,
    Mood,
    Note,
    Part,
    Section,
)
from studio.project import Project


def song(step: int) -> Composition:
    context = CompositionContext(Key("C"), 120.0, Meter(), {"pop": 1.0}, Mood(), 8, step)
    song = Composition("Kill test", context, [Section(0, "verse", 8, 0.5)],
                       {"lead": Lane("lead", 80)})
    notes = tuple(Note(60 + (step + i) % 12, i * 0.5, 0.5, 90) for i in range(64))
    song.parts[(0, "lead")] = Part("lead", 0, notes, variation=step)
    return song


def main() -> None:
    with Project.open(sys.argv[1]) as project:
        print("ready", flush=True)
        step = 0
        while True:
            info = project.commit(song(step), f"step {step}", "edit")
            print(info.id, flush=True)
            step += 1


if __name__ == "__main__":
    main()
