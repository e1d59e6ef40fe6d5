"""The history panel: every version with its message, name and star, newest first. The
person reverts to one, names one, stars one, rates one (1 to 5 stars), or compares two in a
small dialog that lists what changed between them (sections, parts, words, lanes, settings).

A star and a rating teach the person's preference profile, as `studio rate` does: a starred
version counts as liked (5 stars), and new songs lean toward (or away from) what was rated.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.engine.composing.preferences import PreferenceProfile, stars_to_rating
from studio.engine.model import Composition
from studio.project import Project, ProjectError, VersionDiff, VersionInfo

SETTING_NAMES = {"tempo_bpm": "tempo", "key": "key", "meter": "meter", "genre_blend": "genres",
                 "mood": "mood", "energy_curve": "energy curve", "title": "title",
                 "master": "mastering", "seed": "seed", "prompt": "prompt"}


def describe_diff(diff: VersionDiff, old: Composition, new: Composition) -> list[str]:
    """What changed from `old` to `new`, one line per change, in words."""
    def section(song: Composition, section_id: int) -> str:
        same = [s for s in song.sections if s.id == section_id]
        return same[0].kind if same else f"section {section_id}"

    lines = [f"added {section(new, s)}" for s in diff.sections_added]
    lines += [f"removed {section(old, s)}" for s in diff.sections_removed]
    old_order = [s.id for s in old.sections if s.id in {t.id for t in new.sections}]
    if old_order != [s.id for s in new.sections if s.id in set(old_order)]:
        lines.append("sections in another order")
    for sid in diff.sections_changed:
        parts = sorted(lane for s, lane in diff.parts_changed if s == sid)
        words = " and words" if sid in diff.lyrics_changed else ""
        lines.append(f"{section(new, sid)}: {', '.join(parts) or 'its shape'}{words}")
    lines += [f"mix of {lane}" for lane in diff.lanes_changed]
    lines += [SETTING_NAMES.get(name, name.replace("_", " ")) for name in diff.settings_changed]
    return lines or ["nothing: the two versions are the same song"]


class CompareDialog(QDialog):
    def __init__(self, title: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare versions")
        self.changes = QListWidget()
        self.changes.addItems(lines)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.changes)
        layout.addWidget(buttons)


RATINGS = ("Rate…", "★ 1 (disliked)", "★★ 2", "★★★ 3", "★★★★ 4", "★★★★★ 5 (liked)")
STARRED = 5  # a starred version teaches the profile as five stars do


class HistoryPanel(QWidget):
    revertRequested = Signal(int)
    listenRequested = Signal(int)  # compare this version with the current one by ear
    rated = Signal(str)  # what a star or a rating taught the preference profile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.compare_dialog: CompareDialog | None = None
        buttons = QHBoxLayout()
        self.revert_button = QPushButton("Revert", clicked=self.revert)
        self.name_button = QPushButton("Name…", clicked=self.rename)
        self.star_button = QPushButton("Star", clicked=self.toggle_star)
        self.compare_button = QPushButton("Compare", clicked=self.compare)
        self.listen_button = QPushButton("A/B", clicked=self.listen)
        self.rating = QComboBox()
        self.rating.addItems(RATINGS)
        self.rating.activated.connect(self.rate)
        for button, tip in (
                (self.revert_button, "Make the selected version current again (as a new one)"),
                (self.name_button, "Give the selected version a name"),
                (self.star_button, "Star or unstar the selected version"),
                (self.rating, "Rate the selected version: new songs lean toward what you "
                              "liked"),
                (self.compare_button, "List what changed between two versions"),
                (self.listen_button, "Compare the selected version with the current one by "
                                     "ear: switch between them while the song plays")):
            button.setToolTip(tip)
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(self.list)
        column.addLayout(buttons)

    def show_history(self, project: Project, versions: list[VersionInfo] | None = None) -> None:
        """The project's versions, newest first (`versions`: its log, oldest first, when
        the caller read it already; the newest is then the current one)."""
        self.project = project
        head = project.head if versions is None else (versions[-1] if versions else None)
        self.list.clear()
        previous, items = None, []
        for version in project.log() if versions is None else versions:
            mark = "● " if head is not None and version.id == head.id else "  "
            star = "★ " if version.starred else ""
            name = f"[{version.name}]  " if version.name else ""
            # a version made on an older one starts a branch of the tree: say where from
            branch = f"  (from {version.parent_id})" if version.parent_id is not None and \
                version.parent_id != previous else ""
            previous = version.id
            item = QListWidgetItem(f"{mark}{star}{version.id}  {name}{version.message}{branch}")
            item.setData(Qt.ItemDataRole.UserRole, version.id)
            item.setToolTip(f"{version.kind}: {version.message}")
            items.append(item)
        for item in reversed(items):  # newest first
            self.list.addItem(item)

    def selected_ids(self) -> list[int]:
        """The selected versions, oldest first."""
        return sorted(i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems())

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def ask_name(self, current: str) -> tuple[str, bool]:
        return QInputDialog.getText(self, "Name this version", "Name:", text=current)

    def revert(self) -> None:
        if (version_id := self.current_id()) is not None:
            self.revertRequested.emit(version_id)

    def listen(self) -> None:
        if (version_id := self.current_id()) is not None:
            self.listenRequested.emit(version_id)

    def rename(self) -> None:
        version_id = self.current_id()
        if version_id is None or self.project is None:
            return
        info = next(v for v in self.project.log() if v.id == version_id)
        name, accepted = self.ask_name(info.name or "")
        if accepted:
            self.project.name_version(version_id, name.strip() or None)
            self._reshow(version_id)

    def toggle_star(self) -> None:
        version_id = self.current_id()
        if version_id is None or self.project is None:
            return
        info = next(v for v in self.project.log() if v.id == version_id)
        self.project.star(version_id, not info.starred)
        self._reshow(version_id)
        if not info.starred:
            self._teach(version_id, STARRED, f"Starred version {version_id}")

    def rate(self, index: int) -> None:
        """Rate the selected version with the stars chosen in the menu (index 1..5)."""
        self.rating.setCurrentIndex(0)
        version_id = self.current_id()
        if index > 0 and version_id is not None and self.project is not None:
            self._teach(version_id, index, f"Rated version {version_id} {index} stars")

    def _teach(self, version_id: int, stars: int, said: str) -> None:
        """The preference profile learns from a version rated `stars`."""
        try:
            song = self.project.load(version_id)
        except ProjectError as error:
            self.rated.emit(str(error))
            return
        PreferenceProfile().rate(song, stars_to_rating(stars))
        lean = "toward" if stars > 3 else "away from" if stars < 3 else "neither way from"
        self.rated.emit(f"{said}: new songs lean {lean} it")

    def compare(self) -> None:
        """The two selected versions (or the selected one and the current one) compared."""
        ids = self.selected_ids()
        head = self.project.head if self.project is not None else None
        if len(ids) == 1 and head is not None and ids[0] != head.id:
            ids = sorted([ids[0], head.id])
        if len(ids) != 2:
            return
        old, new = ids
        try:
            lines = describe_diff(self.project.diff(old, new), self.project.load(old),
                                  self.project.load(new))
        except ProjectError as error:  # a version that cannot be read is said, not compared
            lines = [str(error)]
        self.compare_dialog = CompareDialog(f"From version {old} to version {new}:", lines,
                                            self)
        self.compare_dialog.show()

    def _reshow(self, version_id: int) -> None:
        self.show_history(self.project)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == version_id:
                self.list.setCurrentRow(row)
