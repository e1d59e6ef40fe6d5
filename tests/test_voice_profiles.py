"""Voice profiles in project files: a recording kept beside the song, the profile reused from
another project file, and both deleted together."""

from dataclasses import replace

import pytest

from studio import engine
from studio.project.project import Project
from studio.voice_profiles import add_profile, delete_profile, profile_from_project
from tests.engine.singing.recordings import voice_recording


@pytest.fixture(scope="module")
def song():
    return engine.compose("an upbeat pop song about summer", 3, length_s=40)


def test_profiles_are_kept_in_the_project_and_reused_elsewhere(song, tmp_path):
    audio, rate = voice_recording("en-us+m3", 30, 0.9)
    with Project.create(tmp_path / "one.ens") as project:
        profile = add_profile(project, song, "me", audio, rate)
        project.commit(song, "sing in my voice")
        assert [r[0] for r in project.recordings()] == [profile.recording_id]
        assert project.load().lanes["vocal"].voice.profile == profile
    reused = profile_from_project(tmp_path / "one.ens")
    assert reused == replace(profile, recording_id=-1)
    with Project.open(tmp_path / "one.ens") as project:
        delete_profile(project, song)
        assert project.recordings() == [] and song.lanes["vocal"].voice.profile is None
