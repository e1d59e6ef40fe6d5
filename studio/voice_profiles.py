"""Voice profiles kept in project files: a recording analysed and stored beside the song,
deleted with its profile, or a profile taken from another project file.

The engine measures a recording (studio.engine.singing.profile); this module is where the
measurement meets the project file, above both layers.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from studio.engine.model import Composition, VoiceProfile
from studio.engine.singing.profile import analyse_profile, use_profile
from studio.project import Project


def add_profile(project: Project, composition: Composition, name: str, audio: np.ndarray,
                sample_rate: int) -> VoiceProfile:
    """Analyse a recording, keep it in the project file and sing the composition in it."""
    profile = analyse_profile(audio, sample_rate, name)
    recording_id = project.add_recording(name, audio, sample_rate)
    profile = replace(profile, recording_id=recording_id)
    use_profile(composition, profile)
    return profile


def delete_profile(project: Project, composition: Composition) -> None:
    """Stop singing in the composition's profile and delete its recording."""
    voice = composition.lanes["vocal"].voice
    if voice is None or voice.profile is None:
        return
    if voice.profile.recording_id >= 0:
        project.delete_recording(voice.profile.recording_id)
    use_profile(composition, None)


def profile_from_project(path: str | Path) -> VoiceProfile:
    """The profile the latest version of another project file sings in (its recording stays
    there: the copy has none)."""
    with Project.open(path) as other:
        lane = other.load().lanes.get("vocal")
    if lane is None or lane.voice is None or lane.voice.profile is None:
        raise ValueError(f"'{Path(path).name}' has no voice profile")
    return replace(lane.voice.profile, recording_id=-1)
