"""Intelligibility: how many sung words a speech recogniser (Whisper base, the "check" extra)
makes out, per voice preset and song, beside the same lines spoken plainly by espeak-ng.

    .venv/bin/python scripts/intelligibility.py [--songs N] [--presets a,b] [--out DIR]
        [--profile SOURCE ...]

For each song of SONGS (styles and tempos apart) and each preset, the song's dry vocal stem is
sung with that preset and every distinct line is cut from it at its notes' times and
transcribed alone. Word accuracy = 1 - word error rate per line (at least 0), averaged over
the song's lines. Prints one table row per song (a column per preset, then the same lines
spoken plainly by espeak-ng and by Flite: the ceilings) and the mean per preset as
`accuracy <preset>: value`. Each --profile adds a column: the default preset moved fully
toward the voice profile made from SOURCE, a recording (a sound file) or a speech voice's
reading of PROFILE_TEXT (say flite:rms or en-us+m3) standing in for one. With --out, each
line's audio is written as a WAV with what was heard, for listening.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.model import (
    Composition,  # noqa: E402
    Voice,  # noqa: E402
)
from studio.engine.singing.presets import default_preset, preset_names  # noqa: E402
from studio.engine.singing.profile import analyse_profile, read_recording  # noqa: E402
from studio.engine.singing.speech import speak  # noqa: E402
from tests.hearing import (  # noqa: E402
    RENDER_RATE,
    SONGS,
    song_accuracy,
    sung_lines,
    transcribe,
    word_accuracy,
)

SPOKEN = {"espeak": "en-us", "flite": "flite:slt"}  # the plain speech beside the singing
PROFILE_TEXT = ("when the evening light is falling on the water I remember every summer that "
                "we spent beside the river singing songs about the places we would go")


def profiled_voice(source: str) -> tuple[str, Voice]:
    """The column's name and the default preset moved toward a profile of `source`."""
    if Path(source).is_file():
        audio, rate = read_recording(source)
    else:
        speech = speak(PROFILE_TEXT, source, 130, 50)
        audio, rate = np.tile(speech.audio, 2), speech.sample_rate
    profile = analyse_profile(audio, rate, name=Path(source).stem)
    name = f"{default_preset()} + {profile.name}"
    print(f"{name}: {profile}")
    return name, Voice(default_preset(), profile=profile)


def spoken_accuracy(song: Composition, voice: str) -> float:
    """A ceiling: the same lines spoken plainly (150 words a minute) by `voice`."""
    texts = [text for text, _ in sung_lines(song, np.zeros(1, np.float32), RENDER_RATE)]
    scores = []
    for text in texts:
        speech = speak(text, voice, 150, 50)
        scores.append(word_accuracy(text, transcribe(speech.audio, speech.sample_rate)))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--songs", type=int, default=len(SONGS))
    parser.add_argument("--presets", default=",".join(preset_names()))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--profile", action="append", default=[], metavar="SOURCE",
                        help="a recording, or a speech voice standing in for one")
    parser.add_argument("--length", type=float, default=90.0, help="seconds of each song")
    args = parser.parse_args()
    voices: dict[str, Voice | str] = {name: name for name in args.presets.split(",") if name}
    voices.update(profiled_voice(source) for source in args.profile)
    presets = list(voices)
    started = time.monotonic()
    table = {preset: [] for preset in presets}
    print("song | " + " | ".join(presets) + " | " + " | ".join(f"{k} spoken" for k in SPOKEN))
    for prompt, seed in SONGS[:args.songs]:
        song = engine.compose(prompt, seed, length_s=args.length)
        row = [song_accuracy(song, voices[preset], args.out) for preset in presets]
        for preset, value in zip(presets, row, strict=True):
            table[preset].append(value)
        spoken = [spoken_accuracy(song, voice) for voice in SPOKEN.values()]
        print(f"{prompt} ({song.context.tempo_bpm:.0f} bpm, seed {seed}) | "
              + " | ".join(f"{v:.2f}" for v in row + spoken), flush=True)
    for preset in presets:
        print(f"accuracy {preset}: {np.mean(table[preset]):.3f}")
    print(f"time: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
