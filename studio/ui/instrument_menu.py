"""A mixer strip's instrument chooser: a button naming what plays the lane, whose menu lists
the General MIDI programs by family (the drum kits, for the drums). Choosing one asks for the
same edit as Refine's "swap the keys for an organ", which the window runs in the worker as
one version. The menu is filled when it opens, so a strip costs one button until then."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from studio.engine.composing import instruments
from studio.engine.model import CompositionContext, Lane
from studio.engine.sound.soundfont import drum_kit

NAME_CHARS = 12  # the button shows this much of a long name; the tooltip shows all of it


class InstrumentButton(QToolButton):
    operationRequested = Signal(str, tuple, dict)

    def __init__(self, lane: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.current: int | None = None  # the program, or the kit for the drums
        self.is_drums = False
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self.fill_menu)

    def show_instrument(self, lane: Lane, context: CompositionContext) -> None:
        """Name the instrument that plays the lane now."""
        self.is_drums = lane.is_drums
        if lane.is_drums:
            self.current = drum_kit(context)
            name = f"{instruments.kits().get(self.current, self.current)} kit"
        else:
            self.current = lane.program
            name = instruments.program(lane.program).name
        self.setText(name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…")
        self.setToolTip(f"{self.lane}: {name} (click to choose another)")

    def fill_menu(self) -> None:
        menu = self.menu()
        menu.clear()
        if self.is_drums:
            for kit, name in instruments.kits().items():
                self._add(menu, f"{name} kit", kit, "set_drum_kit", (kit,))
            return
        for family, items in instruments.families().items():
            submenu = menu.addMenu(family.capitalize())
            for instrument in items:
                self._add(submenu, f"{instrument.program + 1}  {instrument.name}",
                          instrument.program, "set_lane_program",
                          (self.lane, instrument.program))
            if any(i.program == self.current for i in items):
                submenu.menuAction().setCheckable(True)
                submenu.menuAction().setChecked(True)

    def _add(self, menu: QMenu, text: str, value: int, operation: str, args: tuple) -> None:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(value == self.current)
        if value != self.current:  # choosing what already plays changes nothing
            action.triggered.connect(
                lambda _checked=False: self.operationRequested.emit(operation, args, {}))
