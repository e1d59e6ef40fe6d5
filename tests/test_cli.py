"""The `studio` command: render with progress, project commands, clear errors."""

import json

import soundfile

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
    from studio.engine.preferences import PreferenceProfile

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
