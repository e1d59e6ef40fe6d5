"""Export: a rendered song written out for another tool, with a loudness report.

Into one folder: master.wav or master.flac; stems/01-drums.wav, stems/02-bass.wav and so on
(wet or dry, numbered in the order the render gives them); song.mid; context.json (a
readable summary and the full context); report.json (loudness and peaks of the master as
written, the format, the file list, and the SoundFont and drum kit played); for a song with
words, lyrics.lrc and lead-sheet.musicxml. The whole song, one section or a time range is
written. Every file is written under a temporary name and takes its final name only when the
whole export is complete (see staging): a failed export leaves no partial file behind.
"""

from __future__ import annotations

import json
import math
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import soundfile

from studio.engine.export.lyric_files import write_lrc, write_musicxml
from studio.engine.export.midi import write_midi
from studio.engine.export.ranges import (
    SampleRange,
    lrc_range_text,
    range_audio,
    resolve_range,
    write_midi_range,
)
from studio.engine.export.staging import WRITE_ERRORS, StagedFiles
from studio.engine.model import Composition
from studio.engine.progress import ProgressCallback, ProgressEvent, ignore_progress
from studio.engine.serialize import context_to_dict
from studio.engine.sound.loudness import loudness_report, sample_peak, to_db
from studio.engine.sound.renderer import RenderedSong
from studio.engine.sound.soundfont import soundfont_report

SAMPLE_RATES_HZ = (44100, 48000)
FORMATS = {"wav": "WAV", "flac": "FLAC"}
SUBTYPES = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}
STEM_KINDS = ("wet", "dry", "none")
_BLOCK = 1 << 16  # frames converted and written at a time: no full-length copy of the audio
_WORKERS = 3  # the lead sheet (Python, holding the GIL) beside two file writers (C)

Job = Callable[[], object]


def check_format(file_format: str, sample_rate: int, bit_depth: int) -> None:
    """Raises ValueError naming what cannot be written."""
    if file_format not in FORMATS:
        raise ValueError(f"format '{file_format}' is not supported; use wav or flac")
    if sample_rate not in SAMPLE_RATES_HZ:
        raise ValueError(f"sample rate {sample_rate} Hz is not supported; use 44100 or 48000")
    if bit_depth not in SUBTYPES:
        raise ValueError(f"bit depth {bit_depth} is not supported; use 16, 24 or 32")
    if file_format == "flac" and bit_depth == 32:
        raise ValueError("FLAC holds 16 or 24 bits, not 32-bit float; write 32 bits as WAV")


@dataclass(frozen=True)
class ExportOptions:
    """What to write. `bit_depth` 16 is PCM with TPDF dither, 24 PCM, 32 floating point (WAV
    only); `sample_rate` None keeps the render's rate. `stems` "wet" are the lanes with their
    effects and faders followed by the reverb and delay returns (they sum to the mix), "dry"
    the lanes before any of that. A section (by id) or a time range in seconds limits the
    export; without them the whole song is written."""

    format: str = "wav"
    bit_depth: int = 24
    sample_rate: int | None = None
    stems: str = "wet"
    midi: bool = True
    lyrics: bool = True
    section_id: int | None = None
    start_s: float | None = None
    end_s: float | None = None

    def __post_init__(self) -> None:
        rate = SAMPLE_RATES_HZ[0] if self.sample_rate is None else self.sample_rate
        check_format(self.format, rate, self.bit_depth)
        if self.stems not in STEM_KINDS:
            raise ValueError(f"stems '{self.stems}' is not one of wet, dry or none")
        if self.section_id is not None and (self.start_s is not None or self.end_s is not None):
            raise ValueError(f"export section {self.section_id} or a time range, not both")
        if self.start_s is not None and self.end_s is not None and self.start_s >= self.end_s:
            raise ValueError(f"the range from {self.start_s:g} s to {self.end_s:g} s is empty: "
                             "its start must come before its end")


def export_song(
    composition: Composition,
    rendered: RenderedSong,
    out_dir: str | Path,
    options: ExportOptions = ExportOptions(),
    progress: ProgressCallback = ignore_progress,
) -> dict[str, Path]:
    """Write the files `options` ask for; returns {"master", "stem:<name>", "midi", "lrc",
    "musicxml", "context", "report"}: path, for the files written.

    Audio is cut to the range and resampled (soxr, very high quality) when the output rate
    differs from the render's. The MIDI file and the LRC lyrics are cut to the range too; the
    MusicXML lead sheet is written for the whole song only, since a cut through bars and
    tied notes is no longer a readable sheet. Every option and the range are checked before
    anything is written: a ValueError leaves `out_dir` as it was.
    """
    stems = _chosen_stems(options, rendered.dry_stems, rendered.stems)
    length = _one_length(rendered.master, stems)
    with SongExport(composition, out_dir, options, sample_rate=rendered.sample_rate,
                    length=length, progress=progress) as export:
        export.add_stems(rendered.dry_stems, rendered.stems)
        return export.finish(rendered)


class SongExport:
    """An export begun before its audio exists, so that its files are written while the
    rest is made: the MIDI file, the lyrics and the context from the start (during the
    render), the stems as `add_stems` hands them over (the lanes' while the buses are made,
    the rest during mastering), the master with `finish`, which waits for every file and
    writes the report.

    Made with the render's sample rate and length, it checks the options and the range at
    once: a ValueError leaves `out_dir` as it was. Every file is written under a temporary
    name and renamed when all are complete; a file that cannot be written raises ExportError
    naming the files not written. Used as a context manager, an export left unfinished (an
    error, a cancel) drops the files not yet begun, waits for the rest and removes them all.
    """

    def __init__(self, composition: Composition, out_dir: str | Path,
                 options: ExportOptions = ExportOptions(), *, sample_rate: int, length: int,
                 progress: ProgressCallback = ignore_progress) -> None:
        self.options, self.progress = options, progress
        self.sample_rate, self.length = sample_rate, length
        self.out_rate = sample_rate if options.sample_rate is None else options.sample_rate
        check_format(options.format, self.out_rate, options.bit_depth)
        self.span = resolve_range(composition, sample_rate, length,
                                  section_id=options.section_id, start_s=options.start_s,
                                  end_s=options.end_s)
        self.whole = self.span.start == 0 and self.span.end == length
        self.out_dir = Path(out_dir)
        self._files = StagedFiles(self.out_dir)
        self._files.folder(self.out_dir)
        self._write = partial(write_audio, sample_rate=self.out_rate,
                              bit_depth=options.bit_depth, file_format=options.format)
        self._pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="export")
        self._jobs: dict[str, tuple[Path | None, Future]] = {}
        self._stems = 0  # stems begun so far
        self._master_path = self.out_dir / f"master.{options.format}"
        self._report_path = self.out_dir / "report.json"
        self._sound = soundfont_report(composition)
        context = self.out_dir / "context.json"
        text = json.dumps(context_document(composition), indent=2, ensure_ascii=False) + "\n"
        jobs = {**_score_jobs(composition, self.out_dir, options, self.span, self.whole),
                "context": (context, partial(_write_text, text=text))}
        # every name is checked before anything is written: a folder in the way stops the
        # export before the render
        for final in (self._master_path, self._report_path):
            self._files.check(final)
        staged = {key: self._files.stage(path) for key, (path, _) in jobs.items()}
        for key, (path, job) in jobs.items():
            self._jobs[key] = (path, self._pool.submit(job, staged[key]))

    def add_stems(self, dry_stems: dict[str, np.ndarray], stems: dict[str, np.ndarray]) -> None:
        """Start writing the stems the options ask for (dry, or with effects). It may be
        called again as more stems are made (the lanes, then the buses' returns): stems
        already begun are not written twice, and new ones are numbered on from the last."""
        chosen = _chosen_stems(self.options, dry_stems, stems)
        if chosen and _one_length(None, chosen) != self.length:
            raise ValueError(f"the stems are {_one_length(None, chosen)} samples long, not "
                             f"the {self.length} this export was begun for")
        if chosen:
            self._files.folder(self.out_dir / "stems", keep=False)
        for name, audio in chosen.items():
            if f"stem:{name}" in self._jobs:
                continue
            self._stems += 1
            path = self.out_dir / "stems" / f"{self._stems:02d}-{name}.{self.options.format}"
            self._jobs[f"stem:{name}"] = (path, self._pool.submit(
                _write_stem, self._write, self._files.stage(path), audio, self.span,
                self.out_rate, path.name))

    def finish(self, rendered: RenderedSong) -> dict[str, Path]:
        """Write the master (and the stems, if not handed over yet), wait for every file and
        write the report; the paths as export_song returns them."""
        self.add_stems(rendered.dry_stems, rendered.stems)
        if rendered.master.shape[-1] != self.length:
            raise ValueError(f"the master is {rendered.master.shape[-1]} samples long, not "
                             f"the {self.length} this export was begun for")
        master_audio = _Once(partial(range_audio, rendered.master, self.span, self.out_rate))
        known = rendered.master_report if self.whole and self.out_rate == self.sample_rate \
            else None
        master = self._files.stage(self._master_path)
        report_file = self._files.stage(self._report_path)
        jobs = {"master": (self._master_path, self._pool.submit(
                    lambda: self._write(master, master_audio(), name=self._master_path.name))),
                "loudness": (None, self._pool.submit(
                    lambda: _loudness(master_audio(), self.out_rate, self.options, known))),
                **{k: v for k, v in self._jobs.items() if k != "context"},
                "context": self._jobs["context"]}
        paths = {key: path for key, (path, _) in jobs.items() if path is not None}
        paths["report"] = self._report_path
        self.progress(ProgressEvent("export", 0.0, f"{len(paths)} files to {self.out_dir}"))
        try:
            results = self._wait(jobs, len(paths))
            # the sample peak is the one written, dither and clipping included
            measured = {**results["loudness"], "sample_peak_dbfs": to_db(results["master"])}
            report = report_document(self.options, self.span, self.out_rate, measured,
                                     self.out_dir, paths, sound=self._sound)
            _write_text(report_file, json.dumps(report, indent=2) + "\n")
        except WRITE_ERRORS as error:
            raise self._files.failure(error) from None
        self._files.commit()
        self.progress(ProgressEvent("export", 1.0, paths["report"].name))
        return paths

    def _wait(self, jobs: dict[str, tuple[Path | None, Future]], total: int) -> dict:
        """What each job returned, reporting each file as it is done."""
        keys = {future: key for key, (_, future) in jobs.items()}
        results, done = {}, 0
        for future in as_completed(keys):
            key = keys[future]
            results[key] = future.result()
            if jobs[key][0] is not None:
                done += 1
                self.progress(ProgressEvent("export", done / total, jobs[key][0].name))
        return results

    def close(self) -> None:
        """Drop the files not yet begun and wait for those being written; unless the export
        was finished, remove them all."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if not self._files.committed:
            self._files.discard()

    def __enter__(self) -> SongExport:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _chosen_stems(options: ExportOptions, dry_stems: dict[str, np.ndarray],
                  stems: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"wet": stems, "dry": dry_stems, "none": {}}[options.stems]


def _one_length(master: np.ndarray | None, stems: dict[str, np.ndarray]) -> int:
    """The one length of the master and stems; ValueError when they differ."""
    lengths = {np.shape(audio)[-1] for audio in
               ((master,) if master is not None else ()) + tuple(stems.values())}
    if len(lengths) > 1:
        raise ValueError(f"the master and stems must have one length, got {sorted(lengths)}")
    return lengths.pop()


def _score_jobs(composition: Composition, out_dir: Path, options: ExportOptions,
                span: SampleRange, whole: bool) -> dict[str, tuple[Path, Job]]:
    """The MIDI file and the lyrics: the lead sheet for the whole song only. Each job takes
    the path to write to (the final one's temporary name)."""
    jobs = {}
    if options.lyrics and composition.lyrics:
        vocals = composition.vocals()
        lrc, sheet = out_dir / "lyrics.lrc", out_dir / "lead-sheet.musicxml"
        if whole:
            jobs["musicxml"] = (sheet, partial(write_musicxml, composition, vocals))
            jobs["lrc"] = (lrc, partial(write_lrc, composition, vocals))
        elif (text := lrc_range_text(composition, vocals, span)) is not None:
            jobs["lrc"] = (lrc, partial(_write_text, text=text))
    if options.midi:
        midi = out_dir / "song.mid"
        jobs["midi"] = (midi, partial(write_midi, composition) if whole
                        else partial(write_midi_range, composition, span))
    return jobs


class _Once:
    """A value made once, by the first thread to ask; a second thread waits for it."""

    def __init__(self, make: Callable[[], np.ndarray]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._value: np.ndarray | None = None

    def __call__(self) -> np.ndarray:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value


def _write_stem(write: Callable[..., float], path: Path, audio: np.ndarray, span: SampleRange,
                out_rate: int, name: str) -> float:
    return write(path, range_audio(audio, span, out_rate), name=name)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _loudness(signal: np.ndarray, sample_rate: int, options: ExportOptions,
              known: dict | None = None) -> dict:
    """The loudness report of the master as its file holds it. The mastering stage's own
    measurement of the very same samples (`known`) is used when the file holds them as they
    are: the whole song, at the render's rate, and not clipped."""
    clipped = options.bit_depth != 32 and sample_peak(signal) > 1.0
    if known is not None and not clipped:
        return dict(known)
    if clipped:
        signal = np.clip(signal, -1.0, 1.0)  # integer formats clip; a rare, needed copy
    return loudness_report(signal, sample_rate)


def write_audio(path: str | Path, audio: np.ndarray, sample_rate: int, bit_depth: int,
                file_format: str = "wav", *, name: str | None = None) -> float:
    """Write (channels, samples) float audio as WAV or FLAC of the given bit depth; returns
    the peak of the samples written (1.0 is full scale).

    16 bits get TPDF dither seeded from the file's name (`name`, the final name of a file
    written under a temporary one, else the path's), so the same song exports to the same
    bytes; integer formats clip at full scale; 32 bits is float, for WAV only.
    """
    check_format(file_format, sample_rate, bit_depth)
    path = Path(path)
    # a seed per file name: stems summed later must not share one dither pattern
    rng = np.random.default_rng(zlib.crc32((name or path.name).encode("utf-8")))
    peak = 0.0
    # one C-ordered block reused: soundfile wants interleaved frames, and a transposed view
    # would be copied on every write
    block = np.empty((min(_BLOCK, audio.shape[-1]), audio.shape[0]), dtype=np.float32)
    ints = np.empty(block.shape, dtype=np.int32) if bit_depth == 24 else None
    with soundfile.SoundFile(path, "w", sample_rate, audio.shape[0], SUBTYPES[bit_depth],
                             format=FORMATS[file_format]) as sound:
        for first in range(0, audio.shape[-1], _BLOCK):
            frames = block[: min(_BLOCK, audio.shape[-1] - first)]
            frames[:] = audio[:, first:first + _BLOCK].T
            if bit_depth == 16:
                frames = _dither_to_int16(frames, rng)
                peak = max(peak, sample_peak(frames) / 32768.0)
            elif bit_depth == 24:
                frames = _to_pcm24(frames, ints[:len(frames)])
                peak = max(peak, sample_peak(frames) / 2.0 ** 31)
            else:
                peak = max(peak, sample_peak(frames))
            sound.write(frames)
    return peak


def _to_pcm24(frames: np.ndarray, ints: np.ndarray) -> np.ndarray:
    """Float frames (overwritten) as 24-bit samples, rounded and clipped at full scale, in
    the top bits of `ints`: libsndfile then only drops the low byte, which costs it less than
    converting floats."""
    np.multiply(frames, np.float32(1 << 23), out=frames)
    np.rint(frames, out=frames)
    np.clip(frames, -(1 << 23), (1 << 23) - 1, out=frames)
    ints[:] = frames
    np.left_shift(ints, 8, out=ints)
    return ints


def report_document(options: ExportOptions, span: SampleRange, out_rate: int, measured: dict,
                    out_dir: Path, paths: dict[str, Path], sound: dict | None = None) -> dict:
    """What report.json holds: the master's loudness and peaks as written (null for a
    silent master's -inf), its format and range, every file of the export, and `sound`
    (the SoundFont and drum kit played: see soundfont_report)."""
    levels = {key: value if math.isfinite(value) else None for key, value in measured.items()}
    return {
        **levels,
        "format": options.format,
        "bit_depth": options.bit_depth,
        "encoding": "float" if options.bit_depth == 32 else "pcm",
        "sample_rate_hz": out_rate,
        "render_sample_rate_hz": span.sample_rate,
        "start_s": span.start_s,
        "end_s": span.end_s,
        "stems": options.stems,
        "section_id": options.section_id,
        "files": [path.relative_to(out_dir).as_posix() for path in paths.values()],
        **(sound or {}),
    }


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


def _dither_to_int16(frames: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Quantize to 16 bits with triangular (TPDF) dither of +-1 LSB.

    Dither turns the rounding error into a steady noise floor instead of a distortion that
    follows the signal, which is what makes quiet fades sound grainy at 16 bits.
    """
    noise_lsb = rng.random(frames.shape, dtype=np.float32) - rng.random(
        frames.shape, dtype=np.float32
    )
    scaled = frames * np.float32(32768.0) + noise_lsb
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)
