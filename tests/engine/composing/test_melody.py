"""The vocal melody fits its lyrics: a note per syllable, stresses on strong beats, chord
tones there, a singable range, breaths between lines, in key, and choruses that repeat."""

from __future__ import annotations

from studio.engine.composing.generators.common import chord_at
from studio.engine.composing.melody import MAX_SPAN, singable_window, vocal_melody
from studio.engine.lyrics.stage import write_lyrics
from studio.engine.lyrics.words import function_words, words_of
from studio.engine.model import is_strong
from tests.engine.prompt_suite import PROMPTS, suite_song, suite_songs


def _lines(song):
    """(composition, section, vocal part, line index) for every sung line of a song."""
    composition, _, vocals = song
    sections = {s.id: s for s in composition.sections}
    for section_id, vocal in vocals.items():
        for index in range(len(vocal.lyrics.lines)):
            yield composition, sections[section_id], vocal, index


def test_each_syllable_has_its_note_and_only_melismas_add_notes():
    melismas = 0
    for song in suite_songs():
        for _, _, vocal, index in _lines(song):
            line = vocal.lyrics.lines[index]
            notes = vocal.line_notes(index)
            extra = sum(s.note_count - 1 for s in line.syllables)
            melismas += extra
            assert len(notes) - extra == len(line.syllables)
            indices = [s.note_index for s in line.syllables]
            assert indices == sorted(set(indices))
        vocal_counts = [len(v.notes) for v in song[2].values()]
        assert vocal_counts == [sum(s.note_count for line in v.lyrics.lines for s in line.syllables)
                                for v in song[2].values()]
    assert melismas > 0


def test_stressed_syllables_fall_on_strong_beats():
    stressed = on_strong = 0
    for song in suite_songs():
        for composition, _, vocal, index in _lines(song):
            line = vocal.lyrics.lines[index]
            words = [w.lower() for w in words_of(line.text)]
            for syllable in line.syllables:
                word = words[syllable.word_index]
                monosyllable = sum(s.word_index == syllable.word_index
                                   for s in line.syllables) == 1
                if syllable.stress != 1 or monosyllable and word in function_words():
                    continue
                stressed += 1
                on_strong += is_strong(vocal.notes[syllable.note_index].start_beats,
                                       composition.context.meter)
    assert stressed > 500
    assert on_strong / stressed >= 0.8


def test_strong_beats_sing_chord_tones_and_every_pitch_is_in_key():
    strong = chord_tones = 0
    for composition, _, vocals in suite_songs():
        scale = set(composition.context.key.scale_pcs)
        for section in composition.sections:
            vocal = vocals.get(section.id)
            for note in vocal.notes if vocal else ():
                assert note.chromatic or note.pitch % 12 in scale
                if is_strong(note.start_beats, composition.context.meter):
                    strong += 1
                    chord_tones += note.pitch % 12 in chord_at(section, note.start_beats)\
                        .pitch_classes
    assert chord_tones / strong >= 0.9


def test_the_melody_stays_in_a_singable_range():
    for _, _, vocals in suite_songs():
        pitches = [n.pitch for v in vocals.values() for n in v.notes]
        assert 55 <= min(pitches) and max(pitches) <= 74
        assert max(pitches) - min(pitches) <= MAX_SPAN
    composition, lyrics, _ = suite_song(PROMPTS[9])
    for voice in ((45, 64), (60, 84)):
        pitches = [n.pitch for v in vocal_melody(composition, lyrics, voice).values()
                   for n in v.notes]
        low, high = singable_window(voice)
        assert voice[0] <= low <= min(pitches) and max(pitches) <= high <= voice[1]


def test_lines_breathe_and_stay_inside_their_section():
    for composition, section, vocal, index in (x for song in suite_songs() for x in _lines(song)):
        notes = vocal.line_notes(index)
        section_beats = section.bars * composition.context.meter.beats_per_bar
        assert 0 <= notes[0].start_beats and notes[-1].end_beats <= section_beats
        assert all(a.end_beats <= b.start_beats + 1e-9
                   for a, b in zip(notes, notes[1:], strict=False))
        if index + 1 < len(vocal.lyrics.lines):
            following = vocal.line_notes(index + 1)[0]
            assert following.start_beats - notes[-1].end_beats >= 0.5


def test_every_chorus_sings_the_same_notes():
    repeats = 0
    for composition, _, vocals in suite_songs():
        choruses = [vocals[s.id] for s in composition.sections if s.kind == "chorus"]
        for chorus in choruses[1:]:
            repeats += 1
            # the same tune; only the dynamics follow each chorus's energy
            assert [(n.pitch, n.start_beats, n.duration_beats) for n in chorus.notes] == \
                [(n.pitch, n.start_beats, n.duration_beats) for n in choruses[0].notes]
            assert chorus.lyrics.texts == choruses[0].lyrics.texts
    assert repeats >= 5


def test_the_melody_comes_from_the_seed():
    composition, lyrics, vocals = suite_song(PROMPTS[0])
    assert vocal_melody(composition, write_lyrics(composition)) == vocals
    assert vocal_melody(composition, lyrics, variation=1) != vocals
