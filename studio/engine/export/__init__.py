"""Export: a rendered song written out as files for other tools, whole or in part.

Files (files)
    export_song(composition, rendered, out_dir, ExportOptions(...), progress) -> {kind: path}
    SongExport(composition, out_dir, options, sample_rate=..., length=...): the same, begun
        before the audio exists so files are written while the song renders (add_stems,
        finish)
    ExportOptions(format, bit_depth, sample_rate, stems, midi, lyrics, section_id, start_s,
        end_s); SAMPLE_RATES_HZ, STEM_KINDS, check_format; write_audio(path, audio, ...)

Whole files or none (staging)
    StagedFiles(out_dir): files written under temporary names, renamed when all are done
    ExportError: an export could not be written (the message names the files not written)

Ranges (ranges)
    resolve_range(composition, sample_rate, total_samples, section_id=..., start_s=...,
        end_s=...) -> SampleRange; section_range; range_audio; cut_midi; write_midi_range

MIDI (midi)
    to_midi(composition) -> mido.MidiFile (type 1, a track per lane); write_midi(composition,
        path)

Lyric files (lyric_files)
    lrc_text, write_lrc: LRC timed lyrics; lead_sheet, write_musicxml: a MusicXML lead sheet
        (music21 is imported only when one is written); line_times_s
"""

from studio.engine.export.files import (
    SAMPLE_RATES_HZ,
    STEM_KINDS,
    ExportOptions,
    SongExport,
    check_format,
    export_song,
    write_audio,
)
from studio.engine.export.lyric_files import (
    lead_sheet,
    line_times_s,
    lrc_text,
    write_lrc,
    write_musicxml,
)
from studio.engine.export.midi import to_midi, write_midi
from studio.engine.export.ranges import (
    SampleRange,
    cut_midi,
    range_audio,
    resolve_range,
    section_range,
    write_midi_range,
)
from studio.engine.export.staging import ExportError, StagedFiles

__all__ = [
    "SAMPLE_RATES_HZ", "STEM_KINDS", "ExportError", "ExportOptions", "SampleRange",
    "SongExport", "StagedFiles",
    "check_format", "cut_midi", "export_song", "lead_sheet", "line_times_s", "lrc_text",
    "range_audio", "resolve_range", "section_range", "to_midi", "write_audio", "write_lrc",
    "write_midi", "write_midi_range", "write_musicxml",
]
