"""Stems: every lane sounds through its instrument, stems line up, notes land on time."""

import numpy as np
import pytest

from studio.engine.model import Lane, Part
from studio.engine.progress import Cancelled, CancelToken
from studio.engine.sound.instrument import TAIL_S, Instrument
from studio.engine.sound.soundfont import SoundFontSynth, drum_kit
from studio.engine.sound.stems import instrument_for, render_lane, render_stems
from studio.engine.sound.voice import VoiceSynth
from tests.engine.songs import LANES, make_song, single_note_song

RATES_HZ = (44100, 48000)


@pytest.fixture(scope="module", params=RATES_HZ)
def rendered(request):
    song = make_song()
    return song, request.param, render_stems(song, request.param)


def _first_sound(audio: np.ndarray, fraction_of_peak: float) -> int:
    envelope = np.abs(audio).max(axis=0)
    return int(np.argmax(envelope > fraction_of_peak * envelope.max()))


def test_every_stem_sounds(rendered):
    song, _, stems = rendered
    assert list(stems) == list(LANES)
    for name, stem in stems.items():
        assert stem.dtype == np.float32
        assert np.isfinite(stem).all()
        assert np.sqrt(np.mean(stem**2)) > 1e-3, f"{name} is silent"


def test_stems_are_the_song_plus_a_tail(rendered):
    song, rate, stems = rendered
    song_s = song.total_beats * 60.0 / song.context.tempo_bpm
    expected = round(song_s * rate) + round(TAIL_S * rate)
    assert {stem.shape for stem in stems.values()} == {(2, expected)}
    # the tail ends in silence, so the stem's end cuts nothing audible
    assert all(np.abs(stem[:, -1]).max() == 0.0 for stem in stems.values())


def test_mix_of_dry_stems_does_not_clip(rendered):
    _, _, stems = rendered
    assert np.abs(sum(stems.values())).max() < 1.0


def _attack_samples(lane: str, pitch: int, rate: int, **song) -> int:
    """How long the SoundFont's own sample stays silent after a note-on at the first sample
    (FluidR3's piano and snare: 64 samples), measured from a note at beat 0."""
    first = single_note_song(lane=lane, pitch=pitch, start_beats=0.0, **song)
    return _first_sound(render_lane(first, lane, rate), 1e-6)


@pytest.mark.parametrize("rate", RATES_HZ)
@pytest.mark.parametrize("lane, pitch", [("keys", 60), ("drums", 38)])
def test_note_at_beat_two_starts_on_its_sample(rate, lane, pitch):
    song = single_note_song(lane=lane, pitch=pitch, start_beats=2.0, tempo_bpm=120.0)
    stem = render_lane(song, lane, rate)
    expected = rate  # beat 2 at 120 bpm is 1 s
    attack = _attack_samples(lane, pitch, rate, tempo_bpm=120.0)
    assert _first_sound(stem, 1e-6) == expected + attack  # nothing sounds early or late
    assert (_first_sound(stem, 0.01) - expected - attack) / rate < 0.002


@pytest.mark.parametrize("rate", RATES_HZ)
def test_late_notes_do_not_drift(rate):
    # a note three minutes in starts on its sample: only that note differs between renders
    long_song = {"lane": "keys", "bars": 92, "tempo_bpm": 120.0}
    with_late = render_lane(
        single_note_song(**long_song, extra_starts_beats=(360.0,)), "keys", rate
    )
    without = render_lane(single_note_song(**long_song), "keys", rate)
    late_note = with_late - without
    attack = _attack_samples("keys", 60, rate, tempo_bpm=120.0)
    assert _first_sound(late_note, 1e-6) == 180 * rate + attack
    assert (_first_sound(late_note, 0.01) - 180 * rate) / rate < 0.002


def test_drum_kit_follows_primary_genre():
    song = single_note_song(lane="drums", pitch=38)
    assert drum_kit(song.context) == 0  # songs.py songs are pop: the standard kit
    standard_kit = render_lane(song, "drums", 44100)
    song.context = make_song(genre="electronic", lanes=("drums",)).context
    assert drum_kit(song.context) == 24
    electronic_kit = render_lane(song, "drums", 44100)
    assert not np.allclose(standard_kit, electronic_kit)


def test_notes_past_the_song_end_are_cut():
    song = single_note_song(lane="pad", start_beats=6.0, duration_beats=40.0, bars=2)
    stem = render_lane(song, "pad", 44100)
    song_end = 4 * 44100  # 8 beats at 120 bpm
    late_tail = np.abs(stem[:, song_end + 44100 :]).max()
    assert late_tail < 0.2 * np.abs(stem[:, :song_end]).max()


def test_progress_per_lane_and_cancel():
    song = make_song(sections=1, bars_per_section=1)
    events = []
    render_stems(song, 44100, progress=events.append)
    assert {e.stage for e in events} == {"render"}
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(events) >= len(song.lanes)

    token = CancelToken()

    def cancel_after_first(event):
        if event.fraction > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        render_stems(song, 44100, progress=cancel_after_first, cancel=token)


def test_every_lane_has_an_instrument_and_the_singer_is_one_too():
    song = make_song()
    keys = instrument_for(song.lanes["keys"], song.context, 44100)
    vocal = instrument_for(Lane("vocal", 54), song.context, 44100)
    assert isinstance(keys, SoundFontSynth) and isinstance(keys, Instrument)
    assert isinstance(vocal, VoiceSynth) and isinstance(vocal, Instrument)
    # a section with notes but no words plays through the SoundFont ("voice oohs")
    vocal_part = Part("vocal", song.sections[0].id, song.parts[(song.sections[0].id, "keys")].notes)
    song.parts[(vocal_part.section_id, "vocal")] = vocal_part
    song.lanes["vocal"] = Lane("vocal", 54)
    audio = vocal.render_part(song, vocal_part.section_id)
    assert audio.shape[0] == 2 and np.abs(audio).max() > 0.01
