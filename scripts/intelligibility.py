"""Intelligibility check: ten lines sung by every voice preset, as WAV files for listening.

    .venv/bin/python scripts/intelligibility.py [OUT_DIR] [--prompt TEXT] [--seed N]

Writes OUT_DIR/<preset>/NN.wav (dry vocal, one line each) and OUT_DIR/lyrics.txt (the words
to compare with what a listener writes down). When pocketsphinx is installed (the "check"
extra; its wheel holds an en-US model), each file is also transcribed. Printed per preset:
word accuracy (1 - word error rate) with the recogniser's general English language model,
of the lines as espeak-ng speaks them (what the recogniser makes of the plain speech the
voice starts from) and of the sung lines; and how many sung lines the recogniser tells apart
when it must choose which of the ten lines it heard (chance is one in ten).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import soundfile
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio import engine  # noqa: E402
from studio.engine.model import Voice  # noqa: E402
from studio.engine.singing.espeak import speak  # noqa: E402
from studio.engine.singing.presets import preset_names, voice_params  # noqa: E402
from studio.engine.singing.score import line_scores  # noqa: E402
from studio.engine.singing.singer import sing_line  # noqa: E402

LINES = 10
RECOGNISER_RATE = 16000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", nargs="?", default="intelligibility")
    parser.add_argument("--prompt", default="an upbeat pop song about summer")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    song = engine.compose(args.prompt, args.seed, length_s=150.0)
    scores = [score for section_id in song.lyrics
              for score, _ in line_scores(song, section_id, Voice(vibrato=0.5))]
    texts, chosen = [], []
    for score in scores:  # ten different lines (a repeated chorus is heard once)
        if score.text not in texts and len(chosen) < LINES:
            texts.append(score.text)
            chosen.append(score)
    (out / "lyrics.txt").write_text("".join(f"{i + 1:02d} {t}\n" for i, t in enumerate(texts)))
    recogniser, choices = _recogniser(texts)
    for name in preset_names():
        params = voice_params(Voice(name))
        folder = out / name
        folder.mkdir(exist_ok=True)
        results = {"spoken": [], "sung": [], "sung lines told apart": []}
        for index, score in enumerate(chosen):
            audio, rate, _ = sing_line(score, params, seed=index)
            soundfile.write(folder / f"{index + 1:02d}.wav", audio, rate)
            if recogniser is None:
                continue
            speech = speak(score.text, params.espeak_voice, 140, params.espeak_pitch)
            results["spoken"].append(_accuracy(score.text,
                                               recogniser(speech.audio, speech.sample_rate)))
            results["sung"].append(_accuracy(score.text, recogniser(audio, rate)))
            heard = " ".join(_words(recogniser(audio, rate, closed=True)))
            results["sung lines told apart"].append(heard == choices[index])
        print(f"{name}: {len(chosen)} lines written to {folder}")
        for kind, values in results.items():
            if values:
                measure = "word accuracy" if kind != "sung lines told apart" else "share"
                print(f"{measure} {name}, {kind}: {100 * np.mean(values):.0f} %")
    if recogniser is None:
        print("pocketsphinx is not installed: listen to the files and write the words down")


def _recogniser(texts: list[str]):
    """A function (audio, rate, closed) -> transcript and the lines as the closed grammar
    has them (in the words the recogniser knows); None and [] without pocketsphinx."""
    try:
        from pocketsphinx import Decoder
    except ImportError:
        return None, []
    open_decoder = Decoder(samprate=RECOGNISER_RATE, logfn="/dev/null")
    known = _dictionary(open_decoder)
    # one of the ten lines, in the words the recogniser knows
    choices = [" ".join(w for w in _words(t) if w in known) for t in texts]
    grammar = ("#JSGF V1.0;\ngrammar song;\npublic <line> = "
               + " | ".join(f"( {c} )" for c in choices if c) + ";\n")
    closed_decoder = Decoder(samprate=RECOGNISER_RATE, logfn="/dev/null")
    closed_decoder.add_jsgf_string("song", grammar)
    closed_decoder.activate_search("song")

    def transcribe(audio: np.ndarray, rate: int, closed: bool = False) -> str:
        decoder = closed_decoder if closed else open_decoder
        x = soxr.resample(np.asarray(audio, dtype=np.float32), rate, RECOGNISER_RATE)
        x = x / max(float(np.abs(x).max()), 1e-9) * 0.5
        decoder.start_utt()
        decoder.process_raw((x * 32767).astype(np.int16).tobytes(), full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        return hypothesis.hypstr if hypothesis else ""

    return transcribe, choices


def _dictionary(decoder) -> set[str]:
    path = Path(decoder.config["dict"])
    return {line.split()[0] for line in path.read_text(errors="replace").splitlines() if line}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _accuracy(reference: str, hypothesis: str) -> float:
    """1 - word error rate (edit distance over the reference's words)."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != heard))
    return 1.0 - row[-1] / max(1, len(ref))


if __name__ == "__main__":
    main()
