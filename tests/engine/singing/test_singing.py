"""The singing voice: measured with analysers it does not share code with (librosa's pyin),
on real audio rendered from composed songs."""

import hashlib
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import librosa
import numpy as np
import pytest

from studio import engine
from studio.engine.model import NoteExpression, Part, Voice
from studio.engine.singing.presets import preset, preset_names
from studio.engine.singing.profile import analyse_profile, measure
from studio.engine.singing.score import octave_shift
from studio.engine.singing.speech import speak
from studio.engine.sound.renderer import SongRenderer
from studio.engine.sound.stems import instrument_for, render_lane
from tests.engine.singing.recordings import voice_recording

RATE = 22050
HOP = 128


@pytest.fixture(scope="module")
def song():
    return engine.compose("an upbeat pop song about summer", 3, length_s=40)


def _sung_section(song):
    """The first section with words, and where it starts in seconds."""
    section = next(s for s in song.sections if s.id in song.lyrics)
    return section, song.section_start_beats(section.id) * 60.0 / song.context.tempo_bpm


def _section_audio(song, voice, rate=RATE):
    song.lanes["vocal"].voice = voice
    section, _ = _sung_section(song)
    synth = instrument_for(song.lanes["vocal"], song.context, rate)
    return section, synth.render_part(song, section.id)[0]


def _pyin(audio, rate=RATE, frame_length=1024, fmin=60):
    f0, voiced, _ = librosa.pyin(audio, fmin=fmin, fmax=1100, sr=rate,
                                 frame_length=frame_length, hop_length=HOP)
    return librosa.times_like(f0, sr=rate, hop_length=HOP), f0, voiced


@pytest.mark.parametrize("name", preset_names())
def test_each_voice_sings_the_melody_in_tune(song, name):
    section, audio = _section_audio(song, Voice(name, vibrato=0.0))
    shift = octave_shift(song, preset(name))
    times, f0, voiced = _pyin(audio)
    seconds_per_beat = 60.0 / song.context.tempo_bpm
    errors, voiced_notes = [], []
    notes = song.parts[(section.id, "vocal")].notes
    for note in notes:
        inside = (times >= note.start_beats * seconds_per_beat + 0.03) & (
            times < note.end_beats * seconds_per_beat - 0.03)
        heard = f0[inside & voiced]
        if note.duration_beats * seconds_per_beat >= 0.3:  # a short one may be half consonants
            voiced_notes.append(heard.size >= 0.5 * inside.sum() > 0)
        errors.extend(1200.0 * np.log2(heard / librosa.midi_to_hz(note.pitch + shift)))
    print(f"{name}: median pitch error {np.median(np.abs(errors)):.1f} cents")
    assert np.median(np.abs(errors)) <= 20.0
    assert len(voiced_notes) >= 8 and np.mean(voiced_notes) >= 0.9


@pytest.mark.parametrize("name", ["high soft", "low soft"])  # each speech voice
def test_syllables_start_on_their_notes(song, name):
    """Words that start and end with unvoiced consonants: each syllable's voicing (its
    vowel) begins where its note does."""
    section, _ = _sung_section(song)
    words = ("top", "cat", "sit", "pick", "tap", "cup", "kit", "pot", "sack", "tick")
    lyrics = song.lyrics[section.id]
    lines = []
    for line in lyrics.lines:
        syllables = tuple(replace(s, text=words[i % len(words)], word_index=i)
                          for i, s in enumerate(line.syllables))
        lines.append(replace(line, syllables=syllables,
                             text=" ".join(s.text for s in syllables)))
    edited = replace(song, lyrics={**song.lyrics, section.id: replace(lyrics, lines=tuple(lines))},
                     lanes=dict(song.lanes))
    edited.lanes["vocal"] = replace(song.lanes["vocal"], voice=Voice(name, vibrato=0.0))
    audio = instrument_for(edited.lanes["vocal"], edited.context, RATE).render_part(edited,
                                                                               section.id)[0]
    # a short window (23 ms) for sharp voicing onsets; the voice sings above 90 Hz here
    times, _, voiced = _pyin(audio, frame_length=512, fmin=90)
    onset_times = times[np.flatnonzero(voiced[1:] & ~voiced[:-1]) + 1]
    notes = edited.parts[(section.id, "vocal")].notes
    seconds_per_beat = 60.0 / song.context.tempo_bpm
    errors = [np.min(np.abs(onset_times - notes[s.note_index].start_beats * seconds_per_beat))
              for line in lines for s in line.syllables]
    print(f"{name}: {np.mean(np.array(errors) <= 0.030):.0%} of vowels within 30 ms of their "
          f"notes, median {np.median(errors) * 1000:.1f} ms")
    assert np.mean(np.array(errors) <= 0.030) >= 0.9, errors
    assert np.median(errors) <= 0.015


def _timbre_and_pitch(audio):
    """librosa's measures of sung audio: median spectral centroid of the loud frames, and
    pyin's median F0."""
    centroid = librosa.feature.spectral_centroid(y=audio, sr=RATE, n_fft=2048, hop_length=512)[0]
    rms = librosa.feature.rms(y=audio, frame_length=2048, hop_length=512)[0]
    f0, voiced, _ = librosa.pyin(audio, fmin=50, fmax=1100, sr=RATE, frame_length=2048,
                                 hop_length=512)
    return float(np.median(centroid[rms > 0.1 * rms.max()])), float(np.median(f0[voiced]))


def test_a_profile_moves_formants_and_pitch_toward_the_recorded_voice(song):
    """Recordings of a lower and a higher voice than the default preset's: singing in their
    profiles moves the output's formants and pitch their way."""
    low = analyse_profile(*voice_recording("en-us+m3", 20, 0.85), name="low")
    high = analyse_profile(*voice_recording("en-us+f4", 90, 1.2), name="high")
    assert low.formant_hz < high.formant_hz and low.f0_median_hz < high.f0_median_hz
    sung = {name: _section_audio(song, Voice(profile=profile))[1]
            for name, profile in (("default", None), ("low", low), ("high", high))}
    # judged by librosa's spectral centroid: the profile's own formant measure (a peak of the
    # envelope between 250 and 1000 Hz) is thrown by the fundamental of a voice sung an octave
    # or two lower
    heard = {name: _timbre_and_pitch(audio) for name, audio in sung.items()}
    assert heard["low"][0] < heard["default"][0] < heard["high"][0]
    # the low voice sings the melody octaves lower, nearer its own pitch
    assert abs(np.log2(heard["low"][1] / low.f0_median_hz)) < abs(
        np.log2(heard["default"][1] / low.f0_median_hz)) - 0.9


def test_a_recording_reads_the_same_in_either_layout():
    audio, rate = voice_recording("en-us+m3", 30, 1.0)
    stereo = np.stack([audio, audio]).astype(np.float32)
    assert analyse_profile(stereo, rate) == analyse_profile(stereo.T, rate) == analyse_profile(
        stereo[0], rate)


def test_too_short_or_silent_recordings_are_refused():
    with pytest.raises(ValueError, match="at least 10 s"):
        analyse_profile(np.random.default_rng(1).standard_normal(5 * RATE), RATE)
    with pytest.raises(ValueError, match="silent"):
        analyse_profile(np.zeros(12 * RATE, dtype=np.float32), RATE)


def test_same_input_gives_the_same_audio(song):
    song.lanes["vocal"].voice = Voice()
    first = render_lane(song, "vocal", RATE)
    second = render_lane(song, "vocal", RATE)
    assert np.any(first) and np.array_equal(first, second)


@pytest.mark.parametrize("voice", sorted({preset(n).speech_voice for n in preset_names()}
                                          | {"en-us"}))
def test_speech_is_the_same_in_any_process_whatever_was_said_before(voice):
    """espeak-ng seeds its noise from the clock and carries its pitch flutter from one
    utterance to the next; a fresh process and one that has spoken before must agree."""
    line = "the summer nights are calling me home"
    code = ("import hashlib\nfrom studio.engine.singing.speech import speak\n"
            f"print(hashlib.sha256(speak({line!r}, {voice!r}).audio.tobytes()).hexdigest())\n")
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    speak("something else first, and then something more", voice, pitch=30)
    after = [hashlib.sha256(speak(line, voice).audio.tobytes()).hexdigest() for _ in range(3)]
    assert after == [fresh] * 3


def test_editing_one_word_sings_only_its_line_again(song):
    song.lanes["vocal"].voice = Voice()
    renderer = SongRenderer(RATE)
    before = renderer.render(song).dry["vocal"].copy()  # the renderer reuses its arrays
    sung = renderer.lines.sung
    assert sung == sum(len(lyrics.lines) for lyrics in song.lyrics.values())
    section, _ = _sung_section(song)
    lyrics = song.lyrics[section.id]
    line = lyrics.lines[0]
    word = replace(line.syllables[0], text="Love")
    edited_line = replace(line, syllables=(word,) + line.syllables[1:],
                          text=" ".join(["Love"] + line.text.split()[1:]))
    song.lyrics[section.id] = replace(lyrics, lines=(edited_line,) + lyrics.lines[1:])
    after = renderer.render(song)
    assert renderer.lines.sung == sung + 1
    assert renderer.rendered == 1  # the one section of the vocal lane
    assert not np.array_equal(before, after.dry["vocal"])
    assert np.array_equal(after.dry["vocal"], render_lane(song, "vocal", RATE))


def test_presets_differ_and_the_melody_fits_each_voice(song):
    names = preset_names()
    assert len(names) >= 4
    ranges = {name: (preset(name).low, preset(name).high) for name in names}
    assert len(set(ranges.values())) >= 2
    for name in names:
        shift = octave_shift(song, preset(name))
        pitches = [n.pitch + shift for n in song.lane_notes("vocal")]
        low, high = ranges[name]
        assert np.mean([low <= p <= high for p in pitches]) >= 0.9, name
    low_voice = measure(_section_audio(song, Voice("low bright"))[1], RATE, "low")
    high_voice = measure(_section_audio(song, Voice("high bright"))[1], RATE, "high")
    assert high_voice.f0_median_hz / low_voice.f0_median_hz == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize("rate", [22050, 48000])
def test_a_sung_section_lasts_its_bars_and_stops_before_the_tail_ends(song, rate):
    song.lanes["vocal"].voice = Voice()
    samples_per_beat = 60.0 / song.context.tempo_bpm * rate
    synth = instrument_for(song.lanes["vocal"], song.context, rate)
    for section in song.sections:
        audio = synth.render_part(song, section.id)
        bars = round(section.bars * song.context.meter.beats_per_bar * samples_per_beat)
        assert audio.dtype == np.float32 and audio.shape[0] == 2
        assert bars <= audio.shape[1] <= bars + 2 * rate
        assert np.max(np.abs(audio)) < 1.0
        assert section.id not in song.lyrics or np.any(audio)



def test_a_new_melody_keeps_to_the_chosen_voice(song):
    from studio.engine.composing.melody import section_melody

    section, _ = _sung_section(song)
    for name in ("low soft", "high bright"):
        song.lanes["vocal"].voice = Voice(name)
        notes = section_melody(song, song.lyrics[section.id]).notes
        assert all(preset(name).low <= n.pitch <= preset(name).high for n in notes), name
        alone = replace(song, parts={(section.id, "vocal"): Part("vocal", section.id, notes)})
        assert octave_shift(alone, preset(name)) == 0  # the singer needs to move nothing


def test_a_note_can_have_its_own_vibrato(song):
    """The voice sings without vibrato except on one long note: only that note wavers, and
    only its line is sung again."""
    section_id, index = max(((sid, i) for sid in song.lyrics
                             for i in range(len(song.parts[(sid, "vocal")].notes))),
                            key=lambda k: song.parts[(k[0], "vocal")].notes[k[1]].duration_beats)
    notes = song.parts[(section_id, "vocal")].notes
    renderer = SongRenderer(RATE)
    song.lanes["vocal"].voice = Voice(vibrato=0.0)
    renderer.render(song)
    sung = renderer.lines.sung
    song.lanes["vocal"].voice = Voice(vibrato=0.0, notes=(NoteExpression(section_id, index,
                                                                          vibrato=2.0),))
    audio = renderer.render(song).dry["vocal"][0]
    assert renderer.lines.sung == sung + 1
    start_s = song.section_start_beats(section_id) * 60.0 / song.context.tempo_bpm
    seconds_per_beat = 60.0 / song.context.tempo_bpm

    def wobble(note):
        """The spread (10th to 90th percentile) of a note's pitch, away from its glides."""
        a = start_s + note.start_beats * seconds_per_beat
        b = start_s + note.end_beats * seconds_per_beat
        _, f0, voiced = _pyin(audio[round((a + 0.3) * RATE): round((b - 0.15) * RATE)])
        cents = 1200 * np.log2(f0[voiced] / librosa.midi_to_hz(note.pitch))
        return np.subtract(*np.percentile(cents, [90, 10])) if cents.size >= 5 else None

    long_beats = 0.75 / seconds_per_beat
    others = [wobble(n) for i, n in enumerate(notes)
              if i != index and n.duration_beats >= long_beats]
    others = [w for w in others if w is not None]
    assert others and wobble(notes[index]) > 80.0 and max(others) <= 30.0, others


def test_rendering_loads_the_singer_and_nothing_else_does():
    """The window imports the engine and may write melodies but never renders: the native
    singing libraries stay out of its process."""
    code = ("import sys, studio.engine, studio.engine.sound, studio.engine.composing\n"
            "from studio.engine.model import Voice, VoiceProfile\n"
            "song = studio.engine.compose('a folk song', 1, length_s=20)\n"
            "profile = VoiceProfile('me', 120.0, 100.0, 180.0, 500.0, 900.0, 0.2)\n"
            "song.lanes['vocal'].voice = Voice('low soft', profile=profile)\n"
            "from studio.engine.composing.melody import section_melody\n"
            "section_melody(song, next(iter(song.lyrics.values())))\n"
            "loaded = [m for m in sys.modules if m.startswith(('pyworld', 'espeakng_loader',"
            " 'studio.engine.singing.singer', 'studio.engine.singing.espeak',"
            " 'studio.engine.sound.voice'))]\n"
            "print(loaded)\nsys.exit(1 if loaded else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_line_with_nothing_to_say_stays_silent(song):
    section, _ = _sung_section(song)
    lyrics = song.lyrics[section.id]
    line = lyrics.lines[0]
    silent = replace(line, text="...", syllables=tuple(replace(s, text=".", word_index=0)
                                                       for s in line.syllables))
    song.lyrics[section.id] = replace(lyrics, lines=(silent,) + lyrics.lines[1:])
    try:
        voice = instrument_for(song.lanes["vocal"], song.context, RATE)
        audio = voice.render_part(song, section.id)
    finally:
        song.lyrics[section.id] = lyrics
    assert np.any(audio)  # the other lines still sing


def test_a_voice_espeak_does_not_have_fails_loudly_not_silently(song):
    """Only words with nothing to say make a silent line: a broken voice is an error."""
    section, _ = _sung_section(song)
    synth = instrument_for(song.lanes["vocal"], song.context, RATE)
    synth.params = replace(synth.params, speech_voice="xx-nowhere")
    with pytest.raises(ValueError, match="no voice 'xx-nowhere'"):
        synth.render_part(song, section.id)


def test_breaths_between_phrases_and_louder_sections():
    from studio.engine.singing.score import LineScore, SungNote
    from studio.engine.singing.singer import sing_line

    notes = tuple((SungNote(0.5 * i, 0.5 * i + 0.45, 64 + i, 90, 0.0),) for i in range(4))

    def sung(breath, energy):
        score = LineScore("take me back home", (0, 1, 2, 3), notes, 1.0, energy, breath)
        audio, rate, origin = sing_line(score, preset("high soft"), seed=7)
        return audio, rate, origin

    with_breath, rate, origin = sung(1.0, 0.5)
    without, _, same_origin = sung(0.0, 0.5)
    assert origin == same_origin
    before = slice(0, origin - round(0.1 * rate))  # the breath ends before the "t"
    assert np.sqrt(np.mean(with_breath[before] ** 2)) > 1e-3 > np.max(np.abs(without[before]))
    assert np.array_equal(with_breath[origin:], without[origin:])
    loud, _, _ = sung(0.0, 0.9)
    level_db = 20 * np.log10(np.sqrt(np.mean(loud ** 2)) / np.sqrt(np.mean(without ** 2)))
    assert 1.0 < level_db < 4.0  # the section's energy, about 6 dB over its whole range


def test_the_steady_voices_are_made_once_and_shared(tmp_path):
    """espeak-ng's data with its voices made steady is built once per shipped data, in the
    cache, and a process that finds it there uses it as it is."""
    import espeakng_loader

    from studio.engine.singing.espeak import STEADY, _steady_data

    shipped = Path(espeakng_loader.get_data_path())
    made = _steady_data(shipped, tmp_path)
    assert _steady_data(shipped, tmp_path) == made
    assert [p.name for p in tmp_path.iterdir()] == [made.parent.name]  # nothing half-built
    for variant in ("f5", "klatt4", STEADY):
        lines = (made / "voices" / "!v" / variant).read_text().splitlines()
        assert {"flutter 0", "roughness 0"} <= set(lines)
    assert (made / "en_dict").resolve() == (shipped / "en_dict").resolve()
