"""Export: formats read back by sox, aligned stems, sections and time ranges (audio, MIDI and
lyrics), refused options, the loudness report checked against a meter we did not write."""

import json
import subprocess

import mido
import numpy as np
import pyloudnorm
import pytest
import soundfile
import soxr

from studio import engine
from studio.engine import serialize
from studio.engine.export.files import ExportOptions, SongExport, export_song, write_audio
from studio.engine.export.lyric_files import line_times_s, lrc_text
from studio.engine.export.midi import to_midi
from studio.engine.export.ranges import cut_midi, section_range
from studio.engine.export.staging import ExportError
from studio.engine.orchestrator import RenderedSong
from studio.engine.progress import ProgressEvent
from studio.engine.sound.loudness import loudness_report
from studio.engine.sound.mix import RETURNS
from studio.engine.sound.soundfont import soundfont_report
from studio.engine.sound.stems import section_starts, stem_samples
from tests.engine.songs import LANES, make_song

RATE = 44100
FORMATS = [  # format, bit depth, what sox calls the encoding
    ("wav", 16, "Signed Integer PCM"),
    ("wav", 24, "Signed Integer PCM"),
    ("wav", 32, "Floating Point PCM"),
    ("flac", 16, "FLAC"),
    ("flac", 24, "FLAC"),
]


def synthetic_render(song, sample_rate=RATE, level=1.0) -> RenderedSong:
    """Tones per lane as dry stems; wet stems at a fader's gain plus two effect returns, which
    together sum to the mix; the master is the mix at a louder level."""
    length = stem_samples(song, sample_rate)
    seconds = np.arange(length) / sample_rate
    dry = {}
    for index, lane in enumerate(song.lanes):
        swell = 0.6 + 0.4 * np.sin(2 * np.pi * 0.3 * seconds + index)
        tone = 0.1 * swell * np.sin(2 * np.pi * 110.0 * (index + 1) * seconds)
        dry[lane] = np.stack([tone, np.roll(tone, 5 * index)]).astype(np.float32)
    wet = {lane: (0.7 * audio).astype(np.float32) for lane, audio in dry.items()}
    send = sum(wet.values())
    wet["reverb"] = (0.1 * np.roll(send, sample_rate // 20, axis=1)).astype(np.float32)
    wet["delay"] = (0.05 * np.roll(send, sample_rate // 4, axis=1)).astype(np.float32)
    mix = sum(wet.values()).astype(np.float32)
    master = (level * 0.5 / np.abs(mix).max() * mix).astype(np.float32)
    return RenderedSong(sample_rate, dry, wet, mix, master)


@pytest.fixture(scope="module")
def song():
    return make_song()


@pytest.fixture(scope="module")
def rendered(song):
    return synthetic_render(song)


def sox_info(path, flag: str) -> str:
    """One field of `sox --i` (-r rate, -c channels, -b bits, -s samples, -e encoding)."""
    done = subprocess.run(["sox", "--i", flag, str(path)], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def midi_notes(midi: mido.MidiFile) -> list[tuple[int, int, int, int]]:
    """(track, on tick, off tick, pitch) of every note, sorted."""
    notes = []
    for index, track in enumerate(midi.tracks):
        now, sounding = 0, {}
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                sounding.setdefault((message.channel, message.note), []).append(now)
            elif message.type in ("note_on", "note_off"):
                on = sounding[(message.channel, message.note)].pop(0)
                notes.append((index, on, now, message.note))
    return sorted(notes)


def clipped(notes, start_tick: int, end_tick: int) -> list[tuple[int, int, int, int]]:
    """What a cut to [start_tick, end_tick) should hold of these notes."""
    return sorted((track, max(on, start_tick) - start_tick, min(off, end_tick) - start_tick, pitch)
                  for track, on, off, pitch in notes if on < end_tick and off > start_tick)


def audio_paths(paths):
    return [path for key, path in paths.items() if key == "master" or key.startswith("stem:")]


def level_db(signal: np.ndarray) -> float:
    """RMS level in dB; a floor keeps an exact match finite."""
    return 10 * np.log10(np.mean(np.square(signal, dtype=np.float64)) + 1e-30)


@pytest.mark.parametrize("out_rate", (44100, 48000))
@pytest.mark.parametrize("file_format, bit_depth, encoding", FORMATS)
def test_every_audio_file_has_the_declared_format_and_length(
    tmp_path, song, rendered, file_format, bit_depth, encoding, out_rate
):
    options = ExportOptions(format=file_format, bit_depth=bit_depth, sample_rate=out_rate)
    paths = export_song(song, rendered, tmp_path, options)
    stem_names = [path.name for path in audio_paths(paths)[1:]]
    named = (*LANES, "reverb", "delay")
    assert stem_names == [f"{i:02d}-{name}.{file_format}" for i, name in enumerate(named, 1)]
    assert paths["master"] == tmp_path / f"master.{file_format}"
    expected = round(rendered.master.shape[1] * out_rate / RATE)
    lengths = set()
    for path in audio_paths(paths):
        assert sox_info(path, "-r") == str(out_rate)
        assert sox_info(path, "-c") == "2"
        assert sox_info(path, "-b") == str(bit_depth)
        assert encoding in sox_info(path, "-e")
        lengths.add(int(sox_info(path, "-s")))
    assert len(lengths) == 1 and abs(lengths.pop() - expected) <= 1
    assert len(mido.MidiFile(paths["midi"]).tracks) == 1 + len(song.lanes)


@pytest.mark.parametrize("out_rate", (44100, 48000))
def test_wet_stems_are_aligned_and_sum_to_the_mix(tmp_path, song, rendered, out_rate):
    paths = export_song(song, rendered, tmp_path,
                               ExportOptions(bit_depth=32, sample_rate=out_rate))
    stems = [soundfile.read(paths[f"stem:{name}"], dtype="float32")[0].T
             for name in rendered.stems]
    assert len({stem.shape for stem in stems}) == 1
    mix = rendered.mix
    if out_rate != RATE:
        mix = soxr.resample(mix.T, RATE, out_rate, quality="VHQ").T
    assert level_db(sum(stems) - mix) - level_db(mix) < -50.0


def test_dry_stems_leave_out_the_returns_and_none_writes_only_the_master(tmp_path, song, rendered):
    paths = export_song(song, rendered, tmp_path / "dry", ExportOptions(stems="dry"))
    assert [key for key in paths if key.startswith("stem:")] == [f"stem:{n}" for n in LANES]
    written, _ = soundfile.read(paths["stem:bass"], dtype="float32")
    assert np.abs(written.T - rendered.dry_stems["bass"]).max() < 1e-6
    paths = export_song(song, rendered, tmp_path / "none",
                               ExportOptions(stems="none", midi=False))
    assert sorted(paths) == ["context", "master", "report"]
    assert not (tmp_path / "none" / "stems").exists()


def test_a_section_is_its_own_samples_and_notes(tmp_path, song, rendered):
    starts = dict(section_starts(song, RATE))
    paths = export_song(song, rendered, tmp_path, ExportOptions(bit_depth=32,
                                                                      section_id=1))
    for path in audio_paths(paths):
        assert int(sox_info(path, "-s")) == starts[2] - starts[1]
    written, _ = soundfile.read(paths["master"], dtype="float32")
    assert np.array_equal(written.T, rendered.master[:, starts[1]:starts[2]])
    first_tick, end_tick = (round(song.section_start_beats(i) * 480) for i in (1, 2))
    cut = mido.MidiFile(paths["midi"])
    notes = midi_notes(cut)
    assert notes == clipped(midi_notes(to_midi(song)), first_tick, end_tick)
    assert min(on for _, on, _, _ in notes) == 0  # the section's downbeat is the file's start
    assert cut.length == pytest.approx((starts[2] - starts[1]) / RATE, abs=1e-3)
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    assert (report["start_s"], report["end_s"]) == (starts[1] / RATE, starts[2] / RATE)


def test_the_last_section_runs_to_the_end_of_the_release_tail(tmp_path, song, rendered):
    last = song.sections[-1].id
    paths = export_song(song, rendered, tmp_path, ExportOptions(section_id=last))
    length = stem_samples(song, RATE) - dict(section_starts(song, RATE))[last]
    assert int(sox_info(paths["master"], "-s")) == length


def test_a_time_range_cuts_the_audio_and_clips_notes_at_its_edges(tmp_path, song, rendered):
    start_s, end_s = 3.3, 7.1  # beats 6.6 and 14.2 at 120 bpm: through held notes
    options = ExportOptions(format="flac", bit_depth=24, sample_rate=48000,
                            start_s=start_s, end_s=end_s)
    paths = export_song(song, rendered, tmp_path, options)
    length = round(end_s * RATE) - round(start_s * RATE)
    for path in audio_paths(paths):
        assert abs(int(sox_info(path, "-s")) - round(length * 48000 / RATE)) <= 1
    first_tick, end_tick = round(6.6 * 480), round(14.2 * 480)
    whole = midi_notes(to_midi(song))
    assert any(on < first_tick < off for _, on, off, _ in whole)  # some notes are clipped
    assert any(on < end_tick < off for _, on, off, _ in whole)
    cut = mido.MidiFile(paths["midi"])
    assert midi_notes(cut) == clipped(whole, first_tick, end_tick)
    conductor = [message.type for message in cut.tracks[0] if message.time == 0]
    assert {"set_tempo", "time_signature", "key_signature"} <= set(conductor)
    assert sum(message.time for message in cut.tracks[0]) == end_tick - first_tick


def test_a_cut_keeps_lyrics_inside_the_range_only():
    track = mido.MidiTrack([
        mido.Message("program_change", program=53),
        mido.MetaMessage("lyrics", text="one"),
        mido.Message("note_on", note=60, velocity=90),
        mido.MetaMessage("lyrics", text="two", time=480),
        mido.Message("note_off", note=60, velocity=0),
        mido.Message("note_on", note=62, velocity=90),
        mido.Message("note_off", note=62, velocity=0, time=480),
    ])
    midi = mido.MidiFile(ticks_per_beat=480)
    midi.tracks.append(track)
    cut = cut_midi(midi, 240, 960)
    timed = []
    now = 0
    for message in cut.tracks[0]:
        now += message.time
        timed.append((now, message.type, getattr(message, "text", None)))
    assert timed[0] == (0, "program_change", None)
    assert (240, "lyrics", "two") in timed and (0, "lyrics", "one") not in timed
    assert midi_notes(cut) == [(0, 0, 240, 60), (0, 240, 720, 62)]


@pytest.mark.parametrize(
    "options, named",
    [
        ({"sample_rate": 22050}, "22050"),
        ({"bit_depth": 8}, "bit depth 8"),
        ({"format": "flac", "bit_depth": 32}, "FLAC .*32"),
        ({"format": "mp3"}, "mp3"),
        ({"stems": "all"}, "all"),
        ({"start_s": 20.0}, "start 20 s"),
        ({"end_s": 99.0}, "end 99 s"),
        ({"start_s": -1.0}, "start -1 s"),
        ({"start_s": 5.0, "end_s": 5.0}, "from 5 s to 5 s"),
        ({"start_s": 6.0, "end_s": 4.5}, "from 6 s to 4.5 s"),
        ({"section_id": 7}, "no section 7"),
        ({"section_id": 1, "start_s": 2.0}, "not both"),
    ],
)
def test_bad_options_are_refused_before_writing(tmp_path, song, rendered, options, named):
    with pytest.raises(ValueError, match=named):
        export_song(song, rendered, tmp_path, ExportOptions(**options))
    assert list(tmp_path.iterdir()) == []


def files_in(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_export_that_fails_leaves_the_earlier_one_whole(tmp_path, song, rendered):
    """The MIDI file, the lyrics and the context are written while the render runs; a file
    named `stems` stops the export when the stems arrive. Nothing written so far takes a
    final name: the earlier export's files are as they were and no temporary is left."""
    export_song(song, rendered, tmp_path, ExportOptions(stems="none"))
    (tmp_path / "stems").write_text("in the way\n", encoding="utf-8")
    before = files_in(tmp_path)
    with pytest.raises(ExportError, match="stems is a file, not a folder") as failed:
        export_song(song, rendered, tmp_path)
    assert "not written: " in str(failed.value) and "song.mid" in str(failed.value)
    assert files_in(tmp_path) == before


def test_a_folder_under_a_final_name_stops_the_export_before_anything_is_written(
        tmp_path, song, rendered):
    (tmp_path / "report.json").mkdir()
    with pytest.raises(ExportError, match="report.json there is a folder"):
        export_song(song, rendered, tmp_path)
    assert files_in(tmp_path) == {}


def test_an_export_writes_no_temporary_name_and_the_same_bytes(tmp_path, song, rendered):
    """Written under temporary names, 16-bit files are still dithered by their final name:
    the same song exports to the same bytes, and stems do not share a dither pattern."""
    options = ExportOptions(bit_depth=16)
    first = export_song(song, rendered, tmp_path / "a", options)
    export_song(song, rendered, tmp_path / "b", options)
    assert files_in(tmp_path / "a") == files_in(tmp_path / "b")
    assert not [p for p in tmp_path.rglob("*") if ".partial" in p.name]
    values, _ = soundfile.read(first["stem:drums"], dtype="int16")
    again = tmp_path / "01-drums.wav"
    write_audio(again, rendered.stems["drums"], RATE, 16)
    assert np.array_equal(soundfile.read(again, dtype="int16")[0], values)


def test_a_render_at_another_rate_needs_an_output_rate(tmp_path, song):
    rendered = synthetic_render(song, 22050)
    with pytest.raises(ValueError, match="22050"):
        export_song(song, rendered, tmp_path)
    paths = export_song(song, rendered, tmp_path, ExportOptions(sample_rate=44100))
    assert sox_info(paths["master"], "-r") == "44100"


def test_stems_of_unequal_length_are_refused(tmp_path, song, rendered):
    stems = dict(rendered.stems, lead=rendered.stems["lead"][:, :-1])
    short = RenderedSong(RATE, rendered.dry_stems, stems, rendered.mix, rendered.master)
    with pytest.raises(ValueError, match="one length"):
        export_song(song, short, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_report_measures_the_master_as_written(tmp_path, song, rendered):
    options = ExportOptions(bit_depth=16, sample_rate=48000)
    paths = export_song(song, rendered, tmp_path, options)
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    written, rate = soundfile.read(paths["master"], dtype="float32")
    for key, value in loudness_report(written.T, rate).items():
        assert report[key] == pytest.approx(value, abs=0.01), key
    assert report["integrated_lufs"] == pytest.approx(
        pyloudnorm.Meter(rate).integrated_loudness(written), abs=0.1)
    assert (report["format"], report["bit_depth"], report["sample_rate_hz"]) == ("wav", 16, 48000)
    assert (report["start_s"], report["end_s"]) == (0.0, rendered.master.shape[1] / RATE)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert set(report["files"]) == on_disk == {p.relative_to(tmp_path).as_posix()
                                               for p in paths.values()}
    # the SoundFont and drum kit that played are named
    assert report["soundfont"] == soundfont_report(song)["soundfont"]
    assert report["drum_kit"] == soundfont_report(song)["drum_kit"]


def test_a_silent_master_reports_null_not_infinity(tmp_path, song):
    rendered = synthetic_render(song, level=0.0)
    paths = export_song(song, rendered, tmp_path, ExportOptions(stems="none"))
    text = paths["report"].read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    report = json.loads(text)
    assert report["integrated_lufs"] is None and report["sample_peak_dbfs"] is None


def test_progress_reports_every_file(tmp_path, song, rendered):
    events: list[ProgressEvent] = []
    paths = export_song(song, rendered, tmp_path, progress=events.append)
    assert {event.stage for event in events} == {"export"}
    fractions = [event.fraction for event in events]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert sorted(event.message for event in events[1:]) == sorted(p.name for p in paths.values())


def test_sixteen_bits_are_dithered(tmp_path):
    # a level a third of the way between two 16-bit steps: plain rounding would give all zeros
    level = np.full((2, 44100), 0.3 / 32768, dtype=np.float32)
    path = tmp_path / "quiet.wav"
    write_audio(path, level, 44100, 16)
    values, _ = soundfile.read(path, dtype="int16")
    assert set(np.unique(values)) <= {-1, 0, 1, 2}
    assert values.mean() == pytest.approx(0.3, abs=0.02)  # dither keeps the level on average
    again = tmp_path / "again" / "quiet.wav"
    again.parent.mkdir()
    write_audio(again, level, 44100, 16)
    assert again.read_bytes() == path.read_bytes()  # the same file name, the same dither


@pytest.mark.parametrize("file_format", ("wav", "flac"))
def test_full_scale_does_not_wrap_in_integer_formats(tmp_path, file_format):
    loud = np.full((2, 1000), 1.5, dtype=np.float32)
    for bit_depth in (16, 24):
        path = tmp_path / f"loud{bit_depth}.{file_format}"
        peak = write_audio(path, loud, 44100, bit_depth, file_format)
        values, _ = soundfile.read(path, dtype="float32")
        assert values.min() > 0.99 and peak == pytest.approx(1.0, abs=1e-4)


def test_context_json_has_the_context_and_a_summary(tmp_path):
    song = make_song(tempo_bpm=90.0)
    paths = export_song(song, synthetic_render(song), tmp_path)
    document = json.loads(paths["context"].read_text(encoding="utf-8"))
    assert serialize.context_from_dict(document["context"]) == song.context
    summary = document["summary"]
    assert (summary["key"], summary["tempo_bpm"], summary["meter"]) == ("A minor", 90.0, "4/4")
    assert summary["length_s"] == pytest.approx(song.total_beats * 60.0 / 90.0)
    first = summary["sections"][0]
    assert (first["kind"], first["bars"]) == ("intro", 2)
    assert first["chords"] == ["Am", "F"] and "energy" in first


@pytest.fixture(scope="module")
def real_song():
    composition = engine.compose("uplifting pop song about summer nights", 4, length_s=30)
    return composition, engine.render_song(composition)


def test_a_real_song_exports_whole_with_its_lyrics(tmp_path, real_song):
    composition, rendered = real_song
    paths = export_song(composition, rendered, tmp_path, ExportOptions(bit_depth=32))
    assert paths["lrc"].read_text(encoding="utf-8") == lrc_text(composition,
                                                                composition.vocals())
    assert paths["musicxml"].stat().st_size > 0
    stems = [soundfile.read(paths[f"stem:{name}"], dtype="float32")[0].T
             for name in rendered.stems]
    assert list(rendered.stems)[-2:] == ["reverb", "delay"]
    assert level_db(sum(stems) - rendered.mix) - level_db(rendered.mix) < -50.0


def test_a_real_song_section_cuts_its_midi_and_lyrics(tmp_path, real_song):
    composition, rendered = real_song
    sung = next(iter(composition.vocals()))
    start, end = section_range(composition, RATE, sung)
    paths = export_song(composition, rendered, tmp_path,
                               ExportOptions(section_id=sung, sample_rate=48000))
    assert "musicxml" not in paths and not (tmp_path / "lead-sheet.musicxml").exists()
    expected = [(seconds - start / RATE, text)
                for seconds, text in line_times_s(composition, composition.vocals())
                if start / RATE <= seconds < end / RATE]
    rows = paths["lrc"].read_text(encoding="utf-8").splitlines()[2:]
    lines = [(int(row[1:3]) * 60 + float(row[4:9]), row[10:]) for row in rows]
    assert [text for _, text in lines] == [text for _, text in expected] != []
    assert [s for s, _ in lines] == pytest.approx([s for s, _ in expected], abs=0.006)
    first_tick = round(composition.section_start_beats(sung) * 480)
    end_tick = round(end / RATE * composition.context.tempo_bpm / 60 * 480)
    cut = mido.MidiFile(paths["midi"])
    assert midi_notes(cut) == clipped(midi_notes(to_midi(composition)), first_tick, end_tick)
    lyrics = [m.text for track in cut.tracks for m in track if m.type == "lyrics"]
    assert lyrics[0].rstrip("-") == composition.lyrics[sung].lines[0].syllables[0].text


def test_render_and_export_writes_what_the_two_steps_write(tmp_path):
    """The overlapped path (files written while the song renders and masters) gives the same
    files, byte for byte, as rendering first and exporting after."""
    song = engine.compose("lo-fi beat about rain", 3, length_s=25)
    options = ExportOptions(bit_depth=16)
    rendered = engine.render_song(song, RATE)
    apart = export_song(song, rendered, tmp_path / "apart", options)
    events = []
    _, together = engine.render_and_export(song, tmp_path / "together", options,
                                           progress=events.append)
    assert list(together) == list(apart)
    for key, path in apart.items():
        assert together[key].read_bytes() == path.read_bytes(), key
    done = [e for e in events if e.stage == "export"]
    assert done[-1].fraction == 1.0 and {e.message for e in done} >= {"master.wav", "song.mid"}


def test_render_and_export_checks_before_it_renders_and_stops_on_cancel(tmp_path):
    song = engine.compose("lo-fi beat about rain", 3, length_s=25)
    stages = []
    with pytest.raises(ValueError, match="no section 99"):
        engine.render_and_export(song, tmp_path / "bad", ExportOptions(section_id=99),
                                 progress=lambda e: stages.append(e.stage))
    assert not (tmp_path / "bad").exists() and "render" not in stages
    token = engine.CancelToken()

    def cancel_while_rendering(event):
        if event.stage == "render":
            token.cancel()

    with pytest.raises(engine.Cancelled):
        engine.render_and_export(song, tmp_path / "cancelled", progress=cancel_while_rendering,
                                 cancel=token)
    written = {p.name for p in (tmp_path / "cancelled").iterdir()}
    assert "master.wav" not in written and "report.json" not in written
    assert not (tmp_path / "cancelled" / "stems").exists()


def test_stems_handed_over_in_parts_keep_the_render_order(tmp_path):
    """The lanes' stems are handed over as soon as their faders are done, before the buses'
    returns exist (those rendered here even before the vocal sung in a process of its own is
    back); written in parts, they are numbered as if written at once."""
    song = engine.compose("lo-fi beat about rain", 3, length_s=25)
    handed = []
    rendered = engine.render_song(song, RATE,
                                  on_stems=lambda dry, stems: handed.append(list(stems)))
    lanes = [name for name in rendered.stems if name not in RETURNS]
    assert handed[-2:] == [lanes, list(rendered.stems)]
    assert all(later[:len(earlier)] == earlier
               for earlier, later in zip(handed, handed[1:], strict=False))
    with SongExport(song, tmp_path, sample_rate=RATE,
                           length=rendered.master.shape[-1]) as begun:
        begun.add_stems(rendered.dry_stems, {name: rendered.stems[name] for name in lanes})
        begun.add_stems(rendered.dry_stems, {name: rendered.stems[name] for name in lanes})
        paths = begun.finish(rendered)
    written = sorted(path.name for path in (tmp_path / "stems").iterdir())
    assert written == [f"{n:02d}-{name}.wav" for n, name in enumerate(rendered.stems, start=1)]
    for name in rendered.stems:
        assert np.allclose(soundfile.read(paths[f"stem:{name}"], always_2d=True)[0].T,
                           rendered.stems[name], atol=2 ** -22)
