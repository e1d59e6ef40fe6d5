"""Starting the window: the application, a dark theme, and the project to open."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_documents_dir
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from studio.ui.main_window import StudioWindow


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


def default_project() -> Path:
    """Where a new song goes when no project is named: Documents/Ensemble/Untitled.ensemble
    (Untitled 2, 3 ... when taken)."""
    folder = Path(user_documents_dir()) / "Ensemble"
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / "Untitled.ensemble", 1
    while path.exists():
        number += 1
        path = folder / f"Untitled {number}.ensemble"
    return path


def run(project: str | Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Ensemble Studio")
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    window = StudioWindow(project or default_project())
    window.resize(1400, 800)
    window.show()
    code = app.exec()
    window.deleteLater()  # before the interpreter's own teardown, which Qt objects outlive badly
    app.processEvents()
    app.shutdown()
    return code
