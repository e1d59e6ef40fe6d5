"""The `studio` command: render with progress, project commands, clear errors."""

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
