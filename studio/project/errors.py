"""What can go wrong with a project file, as messages a musician can act on."""


class ProjectError(Exception):
    """A project file could not be opened or saved; the message says why and what to do."""


class NotAProject(ProjectError):
    """The file is not an Ensemble project (another program's file, text, empty)."""


class ProjectDamaged(ProjectError):
    """The file is an Ensemble project whose bytes are damaged."""


class NewerProject(ProjectError):
    """The file was written by a newer release than this one."""


class ProjectLocked(ProjectError):
    """Another process has the project open."""


class ProjectReadOnly(ProjectError):
    """The file or its folder cannot be written."""


class DiskFull(ProjectError):
    """A save did not fit on the disk; the project is as it was before it."""


class ImpossibleContents(ProjectError):
    """A version (or a recording) holds what the studio cannot make: a 2,000,000-bar verse,
    a tempo of 0. Nothing is shown, played or rendered from it."""
