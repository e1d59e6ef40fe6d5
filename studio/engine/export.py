"""Export: a rendered song written out as master and stem WAVs, a MIDI file and its context.

Into one folder: master.wav; stems/01-drums.wav, stems/02-bass.wav and so on (numbered in
LANE_ORDER among the lanes present); song.mid; context.json (a readable summary and the
full context); for a song with words, lyrics.lrc and lead-sheet.musicxml.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import soundfile

from studio.engine.lyrics_export import write_lrc, write_musicxml
from studio.engine.midi_file import write_midi
from studio.engine.mix import ordered_lanes
from studio.engine.model import Composition
from studio.engine.serialize import context_to_dict

SAMPLE_RATES_HZ = (44100, 48000)
SUBTYPES = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}


def export_song(
    composition: Composition,
    stems: Mapping[str, np.ndarray],
    master_audio: np.ndarray,
    out_dir: str | Path,
    *,
    sample_rate: int,
    bit_depth: int,
) -> dict[str, Path]:
    """Write every file of a song; returns {"master", "midi", "context", "stem:<lane>"}: path,
    and "lrc" and "musicxml" when the song has lyrics.

    Audio is (channels, samples) float32 at `sample_rate` (44100 or 48000). `bit_depth` 16
    writes PCM with TPDF dither, 24 PCM, 32 floating point; stems use the master's format.
    The dither is seeded from each file's name, so the same song exports to the same bytes.
    """
    _check_format(sample_rate, bit_depth)
    lengths = {np.shape(audio)[-1] for audio in (master_audio, *stems.values())}
    if len(lengths) > 1:
        raise ValueError(f"the master and stems must have one length, got {sorted(lengths)}")
    out_dir = Path(out_dir)
    (out_dir / "stems").mkdir(parents=True, exist_ok=True)
    paths = {"master": out_dir / "master.wav"}
    write_wav(paths["master"], master_audio, sample_rate, bit_depth)
    for number, lane in enumerate(ordered_lanes(stems), start=1):
        paths[f"stem:{lane}"] = out_dir / "stems" / f"{number:02d}-{lane}.wav"
        write_wav(paths[f"stem:{lane}"], stems[lane], sample_rate, bit_depth)
    paths["midi"] = write_midi(composition, out_dir / "song.mid")
    if composition.lyrics:
        vocals = composition.vocals()
        paths["lrc"] = write_lrc(composition, vocals, out_dir / "lyrics.lrc")
        paths["musicxml"] = write_musicxml(composition, vocals, out_dir / "lead-sheet.musicxml")
    paths["context"] = out_dir / "context.json"
    text = json.dumps(context_document(composition), indent=2, ensure_ascii=False)
    paths["context"].write_text(text + "\n", encoding="utf-8")
    return paths


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int, bit_depth: int) -> None:
    """One (channels, samples) float signal as a WAV file of the given bit depth."""
    _check_format(sample_rate, bit_depth)
    path = Path(path)
    frames = np.asarray(audio, dtype=np.float32).T
    if bit_depth == 16:
        # a seed per file name: stems summed later must not share one dither pattern
        frames = _dither_to_int16(frames, seed=zlib.crc32(path.name.encode("utf-8")))
    elif bit_depth == 24:
        # integer formats wrap rather than clip past full scale
        frames = np.clip(frames, -1.0, 1.0)
    soundfile.write(path, frames, sample_rate, subtype=SUBTYPES[bit_depth], format="WAV")


def context_document(composition: Composition) -> dict:
    """What context.json holds: a readable summary first, then the full context."""
    context = composition.context
    summary = {
        "title": composition.title,
        "key": context.key.name,
        "tempo_bpm": context.tempo_bpm,
        "meter": str(context.meter),
        "length_s": round(composition.total_beats * 60.0 / context.tempo_bpm, 3),
        "sections": [
            {
                "kind": section.kind,
                "bars": section.bars,
                "energy": section.energy,
                "chords": [context.key.chord_name(c) for c in section.chords],
            }
            for section in composition.sections
        ],
    }
    return {"summary": summary, "context": context_to_dict(context)}


def _check_format(sample_rate: int, bit_depth: int) -> None:
    if sample_rate not in SAMPLE_RATES_HZ:
        raise ValueError(f"sample rate {sample_rate} Hz is not supported; use 44100 or 48000")
    if bit_depth not in SUBTYPES:
        raise ValueError(f"bit depth {bit_depth} is not supported; use 16, 24 or 32")


def _dither_to_int16(frames: np.ndarray, seed: int) -> np.ndarray:
    """Quantize to 16 bits with triangular (TPDF) dither of +-1 LSB.

    Dither turns the rounding error into a steady noise floor instead of a distortion that
    follows the signal, which is what makes quiet fades sound grainy at 16 bits.
    """
    rng = np.random.default_rng(seed)
    noise_lsb = rng.random(frames.shape, dtype=np.float32) - rng.random(
        frames.shape, dtype=np.float32
    )
    scaled = frames * np.float32(32768.0) + noise_lsb
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)
