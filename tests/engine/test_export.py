"""Export: WAV format and length of the master and stems, the MIDI file and context.json."""

import json

import mido
import numpy as np
import pytest
import soundfile
from songs import LANES, make_song

from studio.engine import export, serialize


def _audio(song, sample_rate):
    rng = np.random.default_rng(3)
    samples = sample_rate // 2
    stems = {lane: rng.uniform(-0.2, 0.2, (2, samples)).astype(np.float32) for lane in song.lanes}
    return stems, sum(stems.values())


@pytest.mark.parametrize(
    "sample_rate, bit_depth, subtype",
    [(44100, 16, "PCM_16"), (48000, 24, "PCM_24"), (44100, 32, "FLOAT")],
)
def test_files_have_the_declared_format_and_length(tmp_path, sample_rate, bit_depth, subtype):
    song = make_song()
    stems, master_audio = _audio(song, sample_rate)
    paths = export.export_song(
        song, stems, master_audio, tmp_path / "out", sample_rate=sample_rate, bit_depth=bit_depth
    )
    stem_names = sorted(p.name for p in (tmp_path / "out" / "stems").iterdir())
    assert stem_names == [f"{i:02d}-{lane}.wav" for i, lane in enumerate(LANES, start=1)]
    wavs = [paths["master"], *(paths[f"stem:{lane}"] for lane in LANES)]
    for path in wavs:
        info = soundfile.info(path)
        assert (info.format, info.subtype) == ("WAV", subtype)
        assert (info.samplerate, info.channels, info.frames) == (sample_rate, 2, sample_rate // 2)
    assert paths["master"] == tmp_path / "out" / "master.wav"
    assert len(mido.MidiFile(paths["midi"]).tracks) == 1 + len(song.lanes)


def test_written_audio_matches_the_input(tmp_path):
    song = make_song(lanes=("bass",))
    stems, master_audio = _audio(song, 48000)
    for bit_depth, tolerance in ((16, 2.5 / 32768), (24, 1e-6), (32, 0.0)):
        paths = export.export_song(
            song,
            stems,
            master_audio,
            tmp_path / str(bit_depth),
            sample_rate=48000,
            bit_depth=bit_depth,
        )
        written, _ = soundfile.read(paths["master"], dtype="float32")
        assert np.abs(written.T - master_audio).max() <= tolerance


def test_sixteen_bits_are_dithered(tmp_path):
    # a level a third of the way between two 16-bit steps: plain rounding would give all zeros
    level = np.full((2, 44100), 0.3 / 32768, dtype=np.float32)
    path = tmp_path / "quiet.wav"
    export.write_wav(path, level, 44100, 16)
    values, _ = soundfile.read(path, dtype="int16")
    assert set(np.unique(values)) <= {-1, 0, 1, 2}
    assert values.mean() == pytest.approx(0.3, abs=0.02)  # dither keeps the level on average
    again = tmp_path / "again" / "quiet.wav"
    again.parent.mkdir()
    export.write_wav(again, level, 44100, 16)
    assert again.read_bytes() == path.read_bytes()  # the same file name, the same dither


def test_full_scale_does_not_wrap_in_integer_formats(tmp_path):
    loud = np.full((2, 1000), 1.5, dtype=np.float32)
    for bit_depth in (16, 24):
        path = tmp_path / f"loud{bit_depth}.wav"
        export.write_wav(path, loud, 44100, bit_depth)
        values, _ = soundfile.read(path, dtype="float32")
        assert values.min() > 0.99


def test_context_json_has_the_context_and_a_summary(tmp_path):
    song = make_song(tempo_bpm=90.0)
    stems, master_audio = _audio(song, 44100)
    paths = export.export_song(song, stems, master_audio, tmp_path, sample_rate=44100, bit_depth=24)
    document = json.loads(paths["context"].read_text(encoding="utf-8"))
    assert serialize.context_from_dict(document["context"]) == song.context
    summary = document["summary"]
    assert (summary["key"], summary["tempo_bpm"], summary["meter"]) == ("A minor", 90.0, "4/4")
    assert summary["length_s"] == pytest.approx(song.total_beats * 60.0 / 90.0)
    first = summary["sections"][0]
    assert (first["kind"], first["bars"]) == ("intro", 2)
    assert first["chords"] == ["Am", "F"] and "energy" in first


@pytest.mark.parametrize(
    "sample_rate, bit_depth, named", [(22050, 16, "22050"), (96000, 24, "96000"), (44100, 8, "8")]
)
def test_bad_rates_and_depths_are_refused_before_writing(tmp_path, sample_rate, bit_depth, named):
    song = make_song()
    stems, master_audio = _audio(song, 44100)
    with pytest.raises(ValueError, match=named):
        export.export_song(
            song,
            stems,
            master_audio,
            tmp_path / "out",
            sample_rate=sample_rate,
            bit_depth=bit_depth,
        )
    assert not (tmp_path / "out").exists()


def test_stems_of_unequal_length_are_refused(tmp_path):
    song = make_song()
    stems, master_audio = _audio(song, 44100)
    stems["lead"] = stems["lead"][:, :-1]
    with pytest.raises(ValueError, match="one length"):
        export.export_song(song, stems, master_audio, tmp_path, sample_rate=44100, bit_depth=24)
