"""The vocal melody fits its lyrics: a note per syllable, stresses on strong beats (or
pushed half a beat ahead of one), chord tones there, a singable range, breaths between
lines, in key, and choruses that repeat. It returns as a topline does: choruses on a
repeated motif, a line sung again on the same notes, later verses on the first verse's
tune, phrases of different lengths with pickups and rests of a beat or more."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import replace

from studio.engine.composing.generators.common import chord_at
from studio.engine.composing.melody import MAX_SPAN, singable_window, vocal_melody
from studio.engine.lyrics.plan import line_slots
from studio.engine.lyrics.stage import section_lyrics, write_lyrics
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


def test_stressed_syllables_fall_on_strong_beats_or_just_ahead_of_them():
    stressed = on_strong = pushed = 0
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
                start = vocal.notes[syllable.note_index].start_beats
                on_strong += is_strong(start, composition.context.meter)
                # an anticipation: the style sings the strong beat's syllable an eighth early
                pushed += is_strong(start + 0.5, composition.context.meter)
    assert stressed > 500
    assert on_strong / stressed >= 0.6
    assert (on_strong + pushed) / stressed >= 0.9


def test_strong_beats_sing_chord_tones_and_every_pitch_is_in_key():
    """Off the hook, strong beats sing chord tones; a chorus line's opening (the hook
    returning over other chords) may lean against the chord on a strong beat with a note
    that passes within a beat."""
    strong = chord_tones = leaning = 0
    for composition, _, vocals in suite_songs():
        scale = set(composition.context.key.scale_pcs)
        for section in composition.sections:
            vocal = vocals.get(section.id)
            opening = set() if vocal is None else {
                line.syllables[0].note_index + k for line in vocal.lyrics.lines
                for k in range(4)}
            for index, note in enumerate(vocal.notes if vocal else ()):
                assert note.chromatic or note.pitch % 12 in scale
                if is_strong(note.start_beats, composition.context.meter):
                    strong += 1
                    if note.pitch % 12 in chord_at(section, note.start_beats).pitch_classes:
                        chord_tones += 1
                    else:
                        assert section.kind == "chorus" and index in opening
                        assert note.duration_beats <= 1.0
                        leaning += 1
    assert chord_tones / strong >= 0.85
    assert leaning > 0


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


def _rests(vocal):
    return [b.start_beats - a.end_beats for a, b in zip(vocal.notes, vocal.notes[1:],
                                                        strict=False)
            if b.start_beats - a.end_beats > 1e-9]


def test_lines_rest_a_beat_or_more_between_them():
    rests = [rest for _, _, vocals in suite_songs() for vocal in vocals.values()
             for rest in _rests(vocal)]
    assert len(rests) > 100
    assert sum(rest >= 1.0 for rest in rests) / len(rests) >= 0.35


def _motif_repeats(notes) -> int:
    """How often the chorus's most frequent four-note motif (its three intervals) is sung,
    counting repeats that do not overlap."""
    steps = [b.pitch - a.pitch for a, b in zip(notes, notes[1:], strict=False)]
    best = 0
    for motif in {tuple(steps[i:i + 3]) for i in range(len(steps) - 2)}:
        count = i = 0
        while i + 3 <= len(steps):
            if tuple(steps[i:i + 3]) == motif:
                count, i = count + 1, i + 3
            else:
                i += 1
        best = max(best, count)
    return best


def test_choruses_are_built_on_a_repeated_motif():
    choruses = hooked = 0
    for composition, _, vocals in suite_songs():
        for section in composition.sections:
            if section.kind == "chorus":
                choruses += 1
                hooked += _motif_repeats(vocals[section.id].notes) >= 3
    assert choruses >= 10
    assert hooked / choruses >= 0.8


def _looped(section, meter):
    """The section with its first half's chords played again in its second half."""
    half = section.bars * meter.beats_per_bar / 2
    first = [c for c in section.chords if c.start_beats < half]
    assert all(c.start_beats + c.duration_beats <= half for c in first)
    return replace(section, chords=(*first, *(replace(c, start_beats=c.start_beats + half)
                                             for c in first)))


def test_a_line_sung_again_over_the_same_chords_sings_the_same_notes():
    composition, lyrics, _ = suite_song(PROMPTS[0])
    chorus = _looped(next(s for s in composition.sections if s.kind == "chorus"),
                     composition.context.meter)
    song = replace(composition, sections=[chorus if s.id == chorus.id else s
                                          for s in composition.sections])
    texts = list(lyrics[chorus.id].texts)
    assert len(texts) == 4 and len({texts[0], texts[1], texts[3]}) == 3
    texts[2] = texts[0]
    words = section_lyrics(chorus.id, texts, "ABAB", "user")
    vocal = vocal_melody(song, {chorus.id: words})[chorus.id]
    half = chorus.bars * song.context.meter.beats_per_bar / 2
    first, again = vocal.line_notes(0), vocal.line_notes(2)
    # the same notes; only the last one's breath depends on when the next line comes in
    assert [(n.pitch, n.start_beats + half, n.duration_beats) for n in first[:-1]] == \
        [(n.pitch, n.start_beats, n.duration_beats) for n in again[:-1]]
    assert (first[-1].pitch, first[-1].start_beats + half) == \
        (again[-1].pitch, again[-1].start_beats)
    assert [(n.pitch, n.start_beats + half) for n in vocal.line_notes(1)] != \
        [(n.pitch, n.start_beats) for n in vocal.line_notes(3)]


def test_a_later_verse_keeps_the_first_verses_tune():
    kept = []
    for composition, lyrics, vocals in suite_songs():
        verses = [s for s in composition.sections if s.kind == "verse" and s.id in vocals]
        first = verses[0] if verses else None
        for later in verses[1:]:
            if (later.bars, later.chords) != (first.bars, first.chords):
                continue
            tune = {(n.start_beats, n.pitch) for n in vocals[first.id].notes}
            sung = {(n.start_beats, n.pitch) for n in vocals[later.id].notes}
            kept.append(len(tune & sung) / len(tune))
            # sung to the first verse's own words, the later verse is the first one again
            again = vocal_melody(composition, {later.id: lyrics[first.id].for_section(
                later.id)})[later.id]
            assert [(n.pitch, n.start_beats, n.duration_beats) for n in again.notes] == \
                [(n.pitch, n.start_beats, n.duration_beats) for n in vocals[first.id].notes]
    assert len(kept) >= 5
    assert statistics.median(kept) >= 0.5


def test_phrases_vary_in_length_and_lean_into_their_bars():
    lengths, pickups, late, lines = Counter(), 0, 0, 0
    for composition, section, vocal, index in (x for song in suite_songs() for x in _lines(song)):
        meter = composition.context.meter
        notes = vocal.line_notes(index)
        slot = line_slots(meter, section, len(vocal.lyrics.lines))[index]
        lines += 1
        lengths[round((notes[-1].end_beats - notes[0].start_beats) / meter.beats_per_bar
                      * 4) / 4] += 1
        pickups += notes[0].start_beats < slot.start_beats
        # a line entering on its bar's second strong beat, after a line that ran on
        late += notes[0].start_beats > slot.start_beats + 1.0
    assert sum(n for bars, n in lengths.items() if bars <= 1.25) / lines >= 0.08  # short
    assert sum(n for bars, n in lengths.items() if bars >= 1.75) / lines >= 0.2  # long
    assert pickups / lines >= 0.2
    assert late >= 3


def _on_the_beat(vocals) -> float:
    notes = [n for vocal in vocals.values() for n in vocal.notes]
    return sum(abs(n.start_beats - round(n.start_beats)) < 1e-6 for n in notes) / len(notes)


def test_syncopated_styles_sing_ahead_of_the_beat_and_folk_stays_on_it():
    songs = [suite_song(p) for p in PROMPTS]
    pushing = [_on_the_beat(vocals) for composition, _, vocals in songs
               if composition.context.primary_genre in ("pop", "rnb", "hip-hop")]
    straight = [_on_the_beat(vocals) for composition, _, vocals in songs
                if composition.context.primary_genre in ("folk", "cinematic", "ambient")]
    assert len(pushing) == len(straight) == 3
    assert statistics.mean(pushing) + 0.1 < statistics.mean(straight)
    assert min(straight) >= 0.7


def test_a_line_without_syllables_stays_silent_and_the_others_sing():
    composition, lyrics, vocals = suite_song(PROMPTS[0])
    verse = next(s for s in composition.sections if s.kind == "verse")
    words = lyrics[verse.id]
    silent = replace(words.lines[1], text="...", syllables=())
    quiet = replace(words, lines=(words.lines[0], silent, *words.lines[2:]))
    vocal = vocal_melody(composition, {verse.id: quiet})[verse.id]
    assert len(vocal.notes) == sum(s.note_count for line in vocal.lyrics.lines
                                   for s in line.syllables)
    # the first line sings as before (its last note's breath waits on the next sung line)
    assert vocal.line_notes(0)[:-1] == vocals[verse.id].line_notes(0)[:-1]
