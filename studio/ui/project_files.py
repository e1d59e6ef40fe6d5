"""The File menu: new, open, save and recent projects, and the recovery of edits a crash
left in a project's journal.

Versions are written as each edit finishes, so Save names the current version (a checkpoint
to find in the history). Edits still open in an editor are journalled as they are made
(Project.journal_edit); a project opened with a journal means the last session ended before
they were finished, and the person chooses to restore them (a new version) or discard them.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from studio.project import SUFFIX, ProjectError
from studio.settings import load_settings, save_settings

FILTER = f"Ensemble projects (*{SUFFIX})"


class ProjectFiles:
    """The File menu's actions for a StudioWindow (which does the switching itself)."""

    def __init__(self, window, menu: QMenu) -> None:
        self.window = window
        self.new_action = QAction("&New…", window, shortcut=QKeySequence.StandardKey.New,
                                  triggered=self.new_project)
        self.open_action = QAction("&Open…", window, shortcut=QKeySequence.StandardKey.Open,
                                   triggered=self.open_project)
        self.save_action = QAction("&Save", window, shortcut=QKeySequence.StandardKey.Save,
                                   triggered=self.save)
        menu.addActions([self.new_action, self.open_action, self.save_action])
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self.show_recent)
        menu.addSeparator()

    # -- asking the person (tests answer these themselves) ------------------------------------

    def ask_path(self, saving: bool) -> str:
        if saving:
            return QFileDialog.getSaveFileName(self.window, "New project", "", FILTER)[0]
        return QFileDialog.getOpenFileName(self.window, "Open project", "", FILTER)[0]

    def ask_name(self, suggestion: str) -> tuple[str, bool]:
        return QInputDialog.getText(self.window, "Save", "Name this version:",
                                    text=suggestion)

    def ask_recover(self, text: str) -> bool:
        answer = QMessageBox.question(self.window, "Recover unsaved edits", text,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # -- actions ---------------------------------------------------------------------------

    def new_project(self) -> None:
        path = self.ask_path(saving=True)
        if not path:
            return
        path = Path(path)
        if path.suffix != SUFFIX:
            path = path.with_suffix(SUFFIX)
        if path.exists():
            self.window.statusBar().showMessage(f"'{path.name}' already exists; open it instead")
            return
        self.open_path(path, create=True)

    def open_project(self) -> None:
        if path := self.ask_path(saving=False):
            self.open_path(Path(path))

    def open_path(self, path: str | Path, create: bool = False) -> bool:
        try:
            self.window.switch_project(Path(path), create)
        except ProjectError as error:
            self.window.statusBar().showMessage(str(error))
            return False
        return True

    def save(self) -> None:
        """Name the current version, so it stands out in the history."""
        project = self.window.workspace.project
        head = project.head
        if head is None:
            self.window.statusBar().showMessage("Nothing to save yet: generate a song first")
            return
        name, accepted = self.ask_name(head.name or time.strftime("Saved %Y-%m-%d %H:%M"))
        if accepted and name.strip():
            project.name_version(head.id, name.strip())
            self.window.refresh_history()
            self.window.statusBar().showMessage(f"Saved as '{name.strip()}'")

    def remember(self, path: Path) -> None:
        settings = load_settings()
        settings.remember(path)
        save_settings(settings)

    def show_recent(self) -> None:
        self.recent_menu.clear()
        current = self.window.workspace.project.path.resolve()
        for recent in load_settings().recent_projects:
            if Path(recent) == current or not Path(recent).exists():
                continue
            self.recent_menu.addAction(Path(recent).name,
                                       lambda p=recent: self.open_path(p)).setToolTip(recent)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def offer_recovery(self) -> None:
        """If the project holds edits a crash left unfinished, restore or discard them."""
        if self.window.closed:  # closed before the offer came up: the next open makes it
            return
        project = self.window.workspace.project
        try:
            recovered = project.recovery()
        except ProjectError as error:  # kept as they are: a later release may read them
            self.window.statusBar().showMessage(str(error))
            return
        if recovered is None:
            return
        if self.ask_recover("The last session ended before its edits were finished. "
                            "Restore them as a new version?"):
            info = project.commit(recovered, "Recovered unsaved edits", "recover")
            self.window.statusBar().showMessage(f"Restored: version {info.id}")
        else:
            project.discard_recovery()
            self.window.statusBar().showMessage("Unsaved edits discarded")
        self.window.undo_stack.clear()
        self.window.refresh()
