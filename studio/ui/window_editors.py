"""The studio window's editors: the piano roll for a part (for the vocal lane, how its notes
are sung) and the lyrics of a section, as dialogs. Accepting one runs the edit as one
operation; while the piano roll is open its edit is kept in the project's journal, so a crash
loses nothing.

EditorActions is a part of StudioWindow (kept apart to keep the window's module small).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QInputDialog

from studio.engine.edit import operations
from studio.engine.model import Voice
from studio.engine.singing.presets import default_preset
from studio.ui.piano_roll import PianoRollDialog

AUTOSAVE_MS = 1000  # an editor's changes reach the journal this long after the last one


class EditorActions:
    """Open an editor, journal what it holds, and send the result to the worker."""

    def open_editor(self, what: str, args: tuple) -> None:
        """The piano roll for a part, or the lyrics of a section, as a dialog; accepting it
        runs the edit as one operation."""
        song = self.composition
        if song is None:
            return
        if what == "notes" and args[1] == "vocal":
            self._open_vocal_roll(song, args[0])
        elif what == "notes":
            section_id, lane = args
            section = next(s for s in song.sections if s.id == section_id)
            part = song.parts.get((section_id, lane))
            dialog = PianoRollDialog(f"{lane} — {section.kind}", part.notes if part else (),
                                     section.bars * song.context.meter.beats_per_bar, self)
            autosave = QTimer(dialog, singleShot=True, interval=AUTOSAVE_MS)
            autosave.timeout.connect(lambda: self._journal_notes(song, section_id, lane,
                                                                 dialog.roll.notes()))
            dialog.roll.changed.connect(autosave.start)
            accepted = self.dialog_result(dialog)
            autosave.stop()
            if accepted:
                rows = [[n.pitch, n.start_beats, n.duration_beats, n.velocity]
                        for n in dialog.roll.notes()]
                self.run_operation("set_notes", (section_id, lane, rows))
            else:
                self.workspace.project.discard_recovery()
        else:
            (section_id,) = args
            text, accepted = self.ask_text(
                "Lyrics", "One line per sung line:", "\n".join(song.lyrics[section_id].texts),
                lambda typed: self._journal(operations.set_lyrics, song, section_id, typed))
            if accepted and text.strip():
                self.run_operation("set_lyrics", (section_id, text))
            else:
                self.workspace.project.discard_recovery()

    def _open_vocal_roll(self, song, section_id: int) -> None:
        """The vocal notes with their syllables; accepting sends how the notes the person
        shaped are sung, as one operation."""
        section = next(s for s in song.sections if s.id == section_id)
        part = song.parts.get((section_id, "vocal"))
        lyrics = song.lyrics.get(section_id)
        labels = {syllable.note_index: syllable.text for line in (lyrics.lines if lyrics else ())
                  for syllable in line.syllables}
        voice = song.lanes["vocal"].voice or Voice(default_preset())
        dialog = PianoRollDialog(f"vocal — {section.kind}", part.notes if part else (),
                                 section.bars * song.context.meter.beats_per_bar, self,
                                 voice=voice, section_id=section_id, labels=labels)
        autosave = QTimer(dialog, singleShot=True, interval=AUTOSAVE_MS)
        autosave.timeout.connect(lambda: self._journal(
            operations.set_note_expressions, song, section_id, dialog.expression.edits()))
        dialog.roll.changed.connect(autosave.start)
        accepted = self.dialog_result(dialog)
        autosave.stop()
        edits = dialog.expression.edits()
        if accepted and edits:
            self.run_operation("set_note_expressions", (section_id, edits))
        else:
            self.workspace.project.discard_recovery()

    def _journal_notes(self, song, section_id: int, lane: str, notes) -> None:
        self._journal(operations.set_notes, song, section_id, lane, list(notes))

    def _journal(self, operation, song, *args) -> None:
        """Keep the edit in progress (the operation applied here, a cheap one) in the
        project's journal, so a crash loses nothing."""
        try:
            edited, _change = operation(song, *args)
        except ValueError:
            return  # a state the edit will refuse as well; the last good one stays
        self.workspace.project.journal_edit(edited)

    def dialog_result(self, dialog: QDialog) -> bool:
        """Show a dialog and wait for the person (tests answer it themselves)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_text(self, title: str, label: str, text: str,
                 on_change=None) -> tuple[str, bool]:
        """Multi-line text from the person; `on_change(text)` hears it a moment after each
        change while they type (tests answer this themselves)."""
        dialog = QInputDialog(self)
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        if on_change is not None:
            autosave = QTimer(dialog, singleShot=True, interval=AUTOSAVE_MS)
            autosave.timeout.connect(lambda: on_change(dialog.textValue()))
            dialog.textValueChanged.connect(autosave.start)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.textValue(), accepted

