"""Starting the window: the application, a dark theme, and the project to open (the one
named, else the one open last, else a new one); what a previous studio that was killed left
in shared memory is removed first, and SIGTERM or SIGINT close the window as its Close does
(the project saved and closed, the child processes ended).
"""

from __future__ import annotations

import signal
import socket
import sys
from pathlib import Path

from platformdirs import user_documents_dir
from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from studio.engine.playback import sweep_stale
from studio.project import ProjectError
from studio.settings import load_settings
from studio.ui.main_window import StudioWindow

CLOSING_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2d31", QPalette.ColorRole.WindowText: "#e3e5e8",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#2b2d31",
        QPalette.ColorRole.Text: "#e3e5e8", QPalette.ColorRole.Button: "#383a40",
        QPalette.ColorRole.ButtonText: "#e3e5e8", QPalette.ColorRole.Highlight: "#5865f2",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#1e1f22",
        QPalette.ColorRole.ToolTipText: "#e3e5e8", QPalette.ColorRole.PlaceholderText: "#80848e",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def last_project() -> Path | None:
    """The project the window had open last, if it is still there."""
    recent = load_settings().recent_projects
    return Path(recent[0]) if recent and Path(recent[0]).is_file() else None


def default_project() -> Path:
    """Where a new song goes when there is no project to open: Documents/Ensemble/
    Untitled.ensemble (Untitled 2, 3 ... when taken)."""
    folder = Path(user_documents_dir()) / "Ensemble"
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / "Untitled.ensemble", 1
    while path.exists():
        number += 1
        path = folder / f"Untitled {number}.ensemble"
    return path


def close_on_signals(app: QApplication, window: StudioWindow) -> QSocketNotifier:
    """SIGTERM and SIGINT close the window and end the application. The signal's number
    arrives on a socket that Qt's event loop watches (Python runs a handler only between its
    own bytecodes, and the loop is C++); the notifier must be kept."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for number in CLOSING_SIGNALS:
        signal.signal(number, lambda *_: None)  # the wakeup byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        try:
            reader.recv(64)
        except BlockingIOError:
            return
        window.close()
        app.quit()

    notifier.activated.connect(on_signal)
    notifier.sockets = (reader, writer)  # kept open as long as the notifier
    return notifier


def start_window(project: str | Path | None = None) -> StudioWindow:
    """The window on the project named, else on the one it had open last, else on a new
    one. A last project that cannot be opened now (another window has it, it was damaged)
    is said in the new one's status bar."""
    if project is not None:
        return StudioWindow(project)
    last = last_project()
    if last is not None:
        try:
            return StudioWindow(last)
        except ProjectError as error:
            window = StudioWindow(default_project())
            window.statusBar().showMessage(f"{error} A new project was started instead.")
            return window
    return StudioWindow(default_project())


def run(project: str | Path | None = None) -> int:
    sweep_stale()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Ensemble Studio")
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    window = start_window(project)
    window.resize(1400, 800)
    window.show()
    notifier = close_on_signals(app, window)
    code = app.exec()
    notifier.setEnabled(False)
    window.deleteLater()  # before the interpreter's own teardown, which Qt objects outlive badly
    app.processEvents()
    app.shutdown()
    return code
