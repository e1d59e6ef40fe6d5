"""The `studio` command: render with progress, project commands, clear errors."""

import json

import pytest
import soundfile

import studio
from studio.cli import main


def test_render_writes_the_files_and_commits_to_a_project(tmp_path, capsys):
    out = tmp_path / "out"
    project = tmp_path / "song.ensemble"
    assert main(["render", "lo-fi beat about rain", "-o", str(out), "--seed", "3",
                 "--length", "0:25", "--sample-rate", "48000", "--bit-depth", "16",
                 "--project", str(project)]) == 0
    printed = capsys.readouterr()
    for stage in ("prompt", "arrangement", "harmony", "parts", "render", "master", "export"):
        assert stage in printed.err
    assert "committed version 1" in printed.out
    info = soundfile.info(out / "master.wav")
    assert info.samplerate == 48000 and info.subtype == "PCM_16"
    assert sorted(p.name for p in (out / "stems").iterdir())[0] == "01-drums.wav"
    assert (out / "song.mid").exists() and (out / "context.json").exists()


def test_a_second_render_of_the_same_song_comes_from_the_render_cache(tmp_path, capsys):
    render = ["render", "lo-fi beat about rain", "--seed", "3", "--length", "0:20"]
    assert main([*render, "-o", str(tmp_path / "one")]) == 0
    assert "nothing stale" not in capsys.readouterr().err
    cached = list((tmp_path / "cache" / "ensemble-studio" / "renders").glob("*.npy"))
    assert cached  # in the user's cache folder (conftest makes it the test's own)
    assert main([*render, "-o", str(tmp_path / "two")]) == 0
    assert "nothing stale" in capsys.readouterr().err


def test_project_commands(tmp_path, capsys):
    path = tmp_path / "p.ensemble"
    assert main(["new", str(path), "rock song", "--seed", "2", "--length", "0:30"]) == 0
    assert main(["new", str(path)]) == 2
    assert main(["revert", str(path), "1"]) == 0
    assert main(["log", str(path)]) == 0
    assert main(["show", str(path), "1"]) == 0
    printed = capsys.readouterr()
    assert "already exists" in printed.err
    assert "Revert to version 1" in printed.out and "bars" in printed.out


def test_bad_input_gives_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["render", "at 400 bpm", "-o", str(tmp_path)]) == 2
    (tmp_path / "x.ensemble").write_text("hello")
    assert main(["log", str(tmp_path / "x.ensemble")]) == 2
    err = capsys.readouterr().err
    assert "400 bpm" in err and "not an Ensemble project" in err and "Traceback" not in err


def test_rating_a_version_updates_the_profile(tmp_path, capsys):
    from studio.engine.composing.preferences import PreferenceProfile

    path = tmp_path / "r.ensemble"
    assert main(["new", str(path), "folk", "--seed", "1", "--length", "0:30"]) == 0
    assert main(["rate", str(path), "5"]) == 0
    assert PreferenceProfile().defaults().ratings == 1


def test_lyrics_from_a_file_and_rewritten_by_section(tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text("[Verse]\nI walked along the river in the rain\nThe city lights were "
                     "calling out my name\n\n[Chorus]\nHold on to the night\nWe are burning "
                     "bright\n", encoding="utf-8")
    path = tmp_path / "p.ensemble"
    assert main(["new", str(path), "pop song about rivers", "--seed", "3", "--length", "1:30",
                 "--lyrics", str(words)]) == 0
    assert main(["show", str(path), "--lyrics"]) == 0
    shown = capsys.readouterr().out
    assert "I walked along the river in the rain" in shown
    assert shown.count("Hold on to the night") == 2  # both choruses
    assert main(["lyrics", str(path), "3", "--rewrite"]) == 0
    assert "version 2: New lyrics for chorus 1" in capsys.readouterr().out
    assert main(["lyrics", str(path), "1", "--rewrite"]) == 2
    assert main(["lyrics", str(path), "40", "--rewrite"]) == 2
    assert main(["lyrics", str(path), "2", "--set", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert "intro has no lyrics" in err and "sections 1 to 6" in err and "cannot read" in err
    assert main(["render", "pop", "-o", str(tmp_path / "o"), "--lyrics",
                 str(tmp_path / "missing.txt")]) == 2


def test_render_a_section_as_flac_for_the_club(tmp_path, capsys):
    out = tmp_path / "club"
    assert main(["render", "electronic club track", "-o", str(out), "--seed", "5",
                 "--length", "0:40", "--loudness", "club", "--master-preset", "punchy",
                 "--format", "flac", "--bit-depth", "16", "--section", "2",
                 "--stems", "dry"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert abs(report["integrated_lufs"] - -9.0) < 1.0  # one section of a -9 LUFS master
    assert soundfile.info(out / "master.flac").subtype == "PCM_16"
    assert main(["render", "pop", "-o", str(tmp_path / "x"), "--loudness", "loud"]) == 2
    assert "no loudness target 'loud'" in capsys.readouterr().err


def test_render_sings_in_a_voice_made_from_a_recording(tmp_path, capsys):
    from studio.engine.singing.espeak import speak
    from studio.project import Project

    speech = speak("the morning river runs below the hills and we walk along it singing "
                   "about the light that falls on every open window of the town, and then we "
                   "go home again", "en-us+m3", 110, 20)
    voice = tmp_path / "low voice.wav"
    soundfile.write(voice, speech.audio, speech.sample_rate)
    assert soundfile.info(voice).duration >= 10.0
    project = tmp_path / "song.ensemble"
    assert main(["render", "folk song about rivers", "-o", str(tmp_path / "out"), "--seed", "5",
                 "--length", "0:25", "--stems", "none", "--voice", "low soft",
                 "--voice-from", str(voice), "--project", str(project)]) == 0
    with Project.open(project) as opened:
        sung = opened.load().lanes["vocal"].voice
        (recording_id, name, rate, audio), = opened.recordings()
    assert sung.preset == "low soft" and sung.profile.name == "low voice"
    assert sung.profile.recording_id == recording_id and rate == speech.sample_rate
    assert audio.shape[-1] == speech.audio.size
    assert sung.profile.f0_median_hz < 160.0  # a low speaking voice
    again = tmp_path / "again.ensemble"
    assert main(["render", "folk song about rivers", "-o", str(tmp_path / "out2"), "--seed", "5",
                 "--length", "0:25", "--stems", "none", "--voice-from", str(project),
                 "--project", str(again)]) == 0
    with Project.open(again) as opened:
        assert opened.load().lanes["vocal"].voice.profile.name == "low voice"
        assert not opened.recordings()  # the recording stays where it was made


def test_a_voice_recording_too_short_is_refused(tmp_path, capsys):
    short = tmp_path / "short.wav"
    soundfile.write(short, [0.1, -0.1] * 22050, 44100)
    assert main(["render", "pop song", "-o", str(tmp_path / "out"), "--length", "0:25",
                 "--voice-from", str(short)]) == 2
    assert "at least 10 s" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["render", "pop song", "-o", str(tmp_path / "out"), "--length", "0:25",
                 "--voice-from", str(tmp_path / "missing.wav")]) == 2
    assert "no file" in capsys.readouterr().err


def test_refine_commits_what_it_understands_and_names_what_it_does_not(tmp_path, capsys):
    from studio.project import Project

    path = tmp_path / "p.ensemble"
    assert main(["new", str(path), "pop song about summer", "--seed", "4",
                 "--length", "0:40"]) == 0
    capsys.readouterr()
    assert main(["refine", str(path), "make it sound like a sunset on mars"]) == 0
    said = capsys.readouterr().out
    assert "Nothing changed" in said and "Could not use: mars" in said
    assert "Nearest I can do:" in said
    with Project.open(path) as project:
        assert [v.id for v in project.log()] == [1]  # no empty version
    assert main(["refine", str(path), "more energy in the chorus and purple elephants"]) == 0
    said = capsys.readouterr().out
    assert "version 2: More energy in chorus" in said
    assert "Could not use: purple, elephants" in said
    with Project.open(path) as project:
        assert project.head.id == 2 and project.head.kind == "refine"


def test_export_writes_a_version_of_a_project(tmp_path, capsys):
    path = tmp_path / "p.ensemble"
    assert main(["new", str(path), "lo-fi beat", "--seed", "2", "--length", "0:25"]) == 0
    assert main(["refine", str(path), "faster"]) == 0
    out = tmp_path / "v1"
    assert main(["export", str(path), "-o", str(out), "--version", "1", "--format", "flac",
                 "--bit-depth", "16", "--stems", "none", "--no-lyrics"]) == 0
    assert "exported version 1" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "context.json", "master.flac", "report.json", "song.mid"]
    assert soundfile.info(out / "master.flac").subtype == "PCM_16"
    written = json.loads((out / "context.json").read_text())["summary"]["tempo_bpm"]
    assert written == _tempo_of(path, 1) < _tempo_of(path, 2)  # "faster" made version 2
    assert main(["export", str(path), "-o", str(out), "--section", "40"]) == 2
    assert "there is no section 40" in capsys.readouterr().err


def _tempo_of(path, version):
    from studio.project import Project

    with Project.open(path) as project:
        return project.load(version).context.tempo_bpm


def test_styles_lists_the_library_by_family(capsys):
    assert main(["styles", "latin"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("latin (") and "bossa nova" in listed and "bpm" in listed
    assert "rock" not in listed.split("\n")[0]
    assert main(["styles"]) == 0
    assert "jazz (" in capsys.readouterr().out
    assert main(["styles", "polka-metal"]) == 2
    assert "no family 'polka-metal'" in capsys.readouterr().err


def test_version_gives_the_version_and_the_licences_of_the_bundled_data(capsys):
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"Ensemble Studio {studio.__version__}\n")
    # the NOTICE file as it is laid out: one licence a paragraph
    assert "\n- Flite 2.2 (CMU's speech synthesiser" in printed
    assert "all-MiniLM-L6-v2" in printed and "TimGM6mb.sf2" in printed
