"""The project file: one SQLite file (suffix .ensemble) holding a composition and every
version of it. SQLAlchemy stays inside this package; callers get model objects.

    Project.create(path) / Project.open(path) -> Project (a context manager)
    project.commit(composition, message, kind) -> VersionInfo
    project.log(), project.head, project.load(id), project.checkout(id), project.revert(id)
    project.name_version(id, name), project.star(id), project.diff(a, b) -> VersionDiff
    project.journal_edit(c), project.recovery(), project.discard_recovery()
    project.add_recording(name, audio, rate), project.recordings(), project.delete_recording(id)
    ProjectError and its kinds: NotAProject, ProjectDamaged, NewerProject, ProjectLocked,
    ProjectReadOnly, DiskFull, ImpossibleContents (a version beyond what the studio makes)
"""

from studio.project.errors import (
    DiskFull,
    ImpossibleContents,
    NewerProject,
    NotAProject,
    ProjectDamaged,
    ProjectError,
    ProjectLocked,
    ProjectReadOnly,
)
from studio.project.project import Project, VersionDiff, VersionInfo
from studio.project.schema import SUFFIX

__all__ = [
    "DiskFull", "ImpossibleContents", "NewerProject", "NotAProject", "Project",
    "ProjectDamaged", "ProjectError", "ProjectLocked", "ProjectReadOnly", "SUFFIX",
    "VersionDiff", "VersionInfo",
]
