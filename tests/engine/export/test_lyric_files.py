"""Lyrics out: a MusicXML lead sheet music21 reads back with every syllable on its note and
every chord symbol in place, and LRC line times that match the vocal notes."""

from __future__ import annotations

import re

import pytest

from studio.engine.export.lyric_files import line_times_s, lrc_text, write_lrc, write_musicxml
from tests.engine.prompt_suite import PROMPTS, suite_song

# major and minor keys, songs with and without a chorus
SHEET_PROMPTS = (PROMPTS[0], PROMPTS[5], PROMPTS[9], PROMPTS[11])


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    from music21 import converter

    folder = tmp_path_factory.mktemp("sheets")
    out = []
    for number, prompt in enumerate(SHEET_PROMPTS):
        composition, _, vocals = suite_song(prompt)
        path = write_musicxml(composition, vocals, folder / f"song{number}.musicxml")
        out.append((composition, vocals, converter.parse(str(path))))
    return out


def _sung_notes(score):
    """The score's notes in order, without the tied-over halves of notes split at bar lines."""
    from music21 import note

    notes = [n for n in score.flatten().notes if isinstance(n, note.Note)]
    return [n for n in notes if n.tie is None or n.tie.type == "start"]


def test_each_syllable_sits_under_its_note(sheets):
    for composition, vocals, score in sheets:
        expected = []  # (song offset, MIDI pitch, lyric or None)
        for section in composition.sections:
            vocal = vocals.get(section.id)
            if vocal is None:
                continue
            start = composition.section_start_beats(section.id)
            lyric_of = {s.note_index: s.text for line in vocal.lyrics.lines
                        for s in line.syllables}
            expected += [(start + n.start_beats, n.pitch, lyric_of.get(i))
                         for i, n in enumerate(vocal.notes)]
        found = [(float(n.getOffsetInHierarchy(score)), n.pitch.midi, n.lyric)
                 for n in _sung_notes(score)]
        assert found == expected  # a melisma's later notes carry no lyric


def test_chord_symbols_key_meter_and_tempo_are_in_place(sheets):
    from music21 import harmony, key, meter, tempo

    for composition, _, score in sheets:
        symbols = [(float(s.getOffsetInHierarchy(score)), {p.pitchClass for p in s.pitches})
                   for s in score.flatten().getElementsByClass(harmony.ChordSymbol)]
        expected = [(composition.section_start_beats(section.id) + chord.start_beats,
                     set(chord.pitch_classes))
                    for section in composition.sections for chord in section.chords]
        assert symbols == expected
        context = composition.context
        found_key = score.flatten().getElementsByClass(key.Key).first()
        assert found_key.tonic.pitchClass == context.key.tonic_pc
        assert found_key.mode == context.key.mode
        assert score.flatten().getElementsByClass(meter.TimeSignature).first().ratioString \
            == str(context.meter)
        mark = score.flatten().getElementsByClass(tempo.MetronomeMark).first()
        assert mark.number == pytest.approx(context.tempo_bpm)


def test_lrc_line_times_match_the_vocal_onsets(tmp_path):
    for prompt in PROMPTS:
        composition, _, vocals = suite_song(prompt)
        path = write_lrc(composition, vocals, tmp_path / "song.lrc")
        text = path.read_text(encoding="utf-8")
        assert text == lrc_text(composition, vocals)
        rows = re.findall(r"^\[(\d+):(\d+\.\d+)\](.+)$", text, re.MULTILINE)
        seconds_per_beat = 60.0 / composition.context.tempo_bpm
        onsets = []
        for section in composition.sections:
            vocal = vocals.get(section.id)
            for index in range(len(vocal.lyrics.lines) if vocal else 0):
                first = vocal.line_notes(index)[0]
                onsets.append((composition.section_start_beats(section.id)
                               + first.start_beats) * seconds_per_beat)
        assert len(rows) == len(onsets) > 0
        for (minutes, seconds, line), onset in zip(rows, onsets, strict=True):
            assert abs(int(minutes) * 60 + float(seconds) - onset) <= 0.05, line
        assert [t for _, t in line_times_s(composition, vocals)] == [r[2] for r in rows]
        assert text.startswith(f"[ti:{composition.title}]")
