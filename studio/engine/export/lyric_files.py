"""Lyrics out of the studio: LRC timed lyrics and a MusicXML lead sheet.

Times come from the vocal notes: a line starts at its first note's onset, placed in the song
by its section's start and turned into seconds at the song's tempo. The lead sheet (made
with music21, imported only when one is written) holds the melody with each syllable under
its note, the sections' chord symbols, the key, the meter and the tempo.
"""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path

from studio.engine import theory
from studio.engine.model import Chord, Composition, Key, LyricLine, Note, VocalPart


def line_times_s(composition: Composition,
                 vocals: dict[int, VocalPart]) -> list[tuple[float, str]]:
    """(seconds, text) for every sung line, in song order."""
    seconds_per_beat = 60.0 / composition.context.tempo_bpm
    timed = []
    for section in composition.sections:
        vocal = vocals.get(section.id)
        if vocal is None:
            continue
        start = composition.section_start_beats(section.id)
        for index, line in enumerate(vocal.lyrics.lines):
            notes = vocal.line_notes(index)
            if notes:
                timed.append(((start + notes[0].start_beats) * seconds_per_beat, line.text))
    return timed


def lrc_text(composition: Composition, vocals: dict[int, VocalPart]) -> str:
    """The song's lyrics as LRC: a title tag, then one [mm:ss.xx] line per sung line."""
    length_s = composition.total_beats * 60.0 / composition.context.tempo_bpm
    rows = [f"[ti:{composition.title}]", f"[length:{_stamp(length_s)[:5]}]"]
    rows += [f"[{_stamp(seconds)}]{text}" for seconds, text in line_times_s(composition, vocals)]
    return "\n".join(rows) + "\n"


def write_lrc(composition: Composition, vocals: dict[int, VocalPart],
              path: str | Path) -> Path:
    path = Path(path)
    path.write_text(lrc_text(composition, vocals), encoding="utf-8")
    return path


def _stamp(seconds: float) -> str:
    hundredths = int(round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def _import_music21() -> None:
    """music21, imported the first time a lead sheet is made. It says on stderr that
    matplotlib is missing (only its plots need it, and the studio draws none; the bundle
    leaves it out): that is kept off the terminal."""
    with contextlib.redirect_stderr(io.StringIO()):
        import music21  # noqa: F401 - imported for its side effect: loaded once, quietly


def lead_sheet(composition: Composition, vocals: dict[int, VocalPart]):
    """A music21 Score: the vocal line with lyrics, chord symbols, key, meter and tempo."""
    _import_music21()
    from music21 import instrument, key, metadata, meter, stream, tempo

    context = composition.context
    part = stream.Part(id="voice")
    part.partName = "Voice"
    singer = instrument.Vocalist()
    singer.partId = singer.instrumentId = "P1"  # else a random id: the same song, another file
    part.insert(0, singer)
    part.insert(0, key.Key(_m21_name(context.key.tonic), context.key.mode))
    part.insert(0, meter.TimeSignature(str(context.meter)))
    part.insert(0, tempo.MetronomeMark(number=context.tempo_bpm, referent=1.0))
    symbols = {}  # a chord symbol works out its pitches when made: each chord once, then copies
    for section in composition.sections:
        start = composition.section_start_beats(section.id)
        for chord in section.chords:
            made = symbols.get((chord.root_pc, chord.quality))
            if made is None:
                made = symbols[(chord.root_pc, chord.quality)] = chord_symbol(context.key, chord)
            part.insert(start + chord.start_beats, copy.deepcopy(made))
        vocal = vocals.get(section.id)
        if vocal is not None:
            for offset, element in _vocal_notes(context.key, vocal):
                part.insert(start + offset, element)
    # rests up to the song's end keep the last chord symbols inside a bar
    part.makeRests(refStreamOrTimeRange=[0.0, composition.total_beats], fillGaps=True,
                   inPlace=True, timeRangeFromBarDuration=True)
    score = stream.Score([part])
    score.insert(0, metadata.Metadata(title=composition.title))
    return score


def write_musicxml(composition: Composition, vocals: dict[int, VocalPart],
                   path: str | Path) -> Path:
    """The lead sheet as MusicXML. Its notation (measures, ties, beams, accidentals) is made
    in place and notes are split where MusicXML has no single duration for them: music21's
    writer would otherwise copy the whole score to make the same notation on the copy."""
    path = Path(path)
    score = lead_sheet(composition, vocals)
    score.makeNotation(inPlace=True)
    score.splitAtDurations(recurse=True)
    score.write("musicxml", fp=str(path), makeNotation=False)
    return path


def chord_symbol(song_key: Key, chord: Chord):
    """A music21 chord symbol spelled as the key writes its root ("Bb" as "B-")."""
    _import_music21()
    from music21 import harmony

    root = _m21_name(song_key.spell(chord.root_pc))
    symbol = harmony.ChordSymbol(root + theory.CHORD_SUFFIX[chord.quality])
    symbol.writeAsChord = False
    return symbol


def _vocal_notes(song_key: Key, vocal: VocalPart):
    """(section offset, music21 note) pairs, each syllable's lyric on its first note."""
    from music21 import note

    lyric_at = {}
    for line in vocal.lyrics.lines:
        for position, syllable in enumerate(line.syllables):
            lyric_at[syllable.note_index] = (syllable.text, _syllabic(line, position))
    for index, sung in enumerate(vocal.notes):
        element = note.Note(_m21_pitch(song_key, sung), quarterLength=sung.duration_beats)
        if index in lyric_at:
            text, syllabic = lyric_at[index]
            element.lyrics.append(note.Lyric(text=text, syllabic=syllabic))
        yield sung.start_beats, element


def _syllabic(line: LyricLine, position: int) -> str:
    """MusicXML's place of a syllable in its word: single, begin, middle or end."""
    word = line.syllables[position].word_index
    first = position == 0 or line.syllables[position - 1].word_index != word
    last = position == len(line.syllables) - 1 or line.syllables[position + 1].word_index != word
    return "single" if first and last else "begin" if first else "end" if last else "middle"


def _m21_name(name: str) -> str:
    return name[0] + name[1:].replace("b", "-")


def _m21_pitch(song_key: Key, sung: Note):
    from music21 import pitch

    spelled = pitch.Pitch(_m21_name(song_key.spell(sung.pitch % 12)))
    spelled.octave = sung.pitch // 12 - 1
    spelled.octave += (sung.pitch - spelled.midi) // 12  # "Cb" and "B#" cross the octave line
    return spelled
