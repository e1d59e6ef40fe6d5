"""The export dialog: what to write (master, stems wet or dry or none, MIDI, lyrics as LRC
and a MusicXML lead sheet), how (WAV or FLAC, bit depth, sample rate) and which part of the
song (all of it, one section, or from one time to another). Export runs the worker's export
job through the window; the dialog shows its progress and can cancel it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.engine.export.files import SAMPLE_RATES_HZ, STEM_KINDS, ExportOptions
from studio.engine.model import Composition

BIT_DEPTHS = {"16-bit (dithered)": 16, "24-bit": 24, "32-bit float": 32}


class ExportDialog(QDialog):
    def __init__(self, window, composition: Composition, folder: str = "") -> None:
        super().__init__(window)
        self.studio = window
        self.setWindowTitle("Export")
        self.folder = QLineEdit(folder)
        browse = QPushButton("Browse…", clicked=self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder)
        folder_row.addWidget(browse)
        self.master = QCheckBox("Master (always written)", checked=True, enabled=False)
        self.stems = QComboBox()
        self.stems.addItems(list(STEM_KINDS))
        self.midi = QCheckBox("MIDI file", checked=True)
        self.lyrics = QCheckBox("Lyrics (LRC and a MusicXML lead sheet)", checked=True)
        self.format = QComboBox()
        self.format.addItems(["wav", "flac"])
        self.bit_depth = QComboBox()
        self.bit_depth.addItems(list(BIT_DEPTHS))
        self.bit_depth.setCurrentText("24-bit")
        self.sample_rate = QComboBox()
        self.sample_rate.addItems([str(rate) for rate in SAMPLE_RATES_HZ])
        self.range = QComboBox()
        self.range.addItem("Whole song", None)
        for section in composition.sections:
            start = composition.section_start_beats(section.id) \
                / composition.context.meter.beats_per_bar
            self.range.addItem(f"{section.kind} (bars {start + 1:g}–{start + section.bars:g})",
                               section.id)
        self.range.addItem("From … to …", "time")
        self.start_s, self.end_s = QDoubleSpinBox(suffix=" s"), QDoubleSpinBox(suffix=" s")
        context = composition.context
        length = sum(s.bars for s in composition.sections) * context.meter.beats_per_bar \
            * 60.0 / context.tempo_bpm
        for box, value in ((self.start_s, 0.0), (self.end_s, length)):
            box.setRange(0.0, length)
            box.setDecimals(2)
            box.setValue(value)
        times = QHBoxLayout()
        for widget in (QLabel("from"), self.start_s, QLabel("to"), self.end_s):
            times.addWidget(widget)
        self.times = QWidget()
        self.times.setLayout(times)
        self.progress = QProgressBar(maximum=1000)
        self.status = QLabel("")
        self.export_button = QPushButton("Export", clicked=self.start)
        self.cancel_button = QPushButton("Close", clicked=self.cancel)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("", self.master)
        form.addRow("Stems", self.stems)
        form.addRow("", self.midi)
        form.addRow("", self.lyrics)
        form.addRow("Format", self.format)
        form.addRow("Bit depth", self.bit_depth)
        form.addRow("Sample rate (Hz)", self.sample_rate)
        form.addRow("Range", self.range)
        form.addRow("", self.times)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        column.addLayout(buttons)
        self.range.currentIndexChanged.connect(lambda _i: self._show_times())
        self.format.currentTextChanged.connect(lambda _t: self._check_depths())
        self._show_times()
        self.running = False
        window.progressed.connect(self.on_window_progressed)
        window.jobFinished.connect(self.on_window_job_finished)

    def options(self) -> dict:
        """The choices as ExportOptions' keywords; ValueError names one that cannot be."""
        chosen = {"format": self.format.currentText(),
                  "bit_depth": BIT_DEPTHS[self.bit_depth.currentText()],
                  "sample_rate": int(self.sample_rate.currentText()),
                  "stems": self.stems.currentText(), "midi": self.midi.isChecked(),
                  "lyrics": self.lyrics.isChecked()}
        span = self.range.currentData()
        if span == "time":
            chosen.update(start_s=self.start_s.value(), end_s=self.end_s.value())
        elif span is not None:
            chosen["section_id"] = span
        ExportOptions(**chosen)  # checks them before anything starts
        return chosen

    def browse(self) -> None:
        if folder := QFileDialog.getExistingDirectory(self, "Export to", self.folder.text()):
            self.folder.setText(folder)

    def start(self) -> None:
        folder = self.folder.text().strip()
        if not folder:
            self.status.setText("Choose a folder to export to")
            return
        try:
            options = self.options()
        except ValueError as error:
            self.status.setText(str(error))
            return
        self.running = True
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.progress.setValue(0)
        self.studio.export(Path(folder), **options)

    def cancel(self) -> None:
        if self.running:
            self.studio.cancel()
        else:
            self.close()

    def on_window_progressed(self, fraction: float, message: str) -> None:
        if self.running:
            self.progress.setValue(int(1000 * fraction))
            self.status.setText(message)

    def on_window_job_finished(self, kind: str, ok: bool, message: str) -> None:
        if not self.running or kind != "export":
            return
        self.running = False
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.progress.setValue(1000 if ok else 0)
        self.status.setText(message)

    def _show_times(self) -> None:
        self.times.setEnabled(self.range.currentData() == "time")

    def _check_depths(self) -> None:
        """FLAC holds 16 or 24 bits: 32-bit float is for WAV only."""
        flac = self.format.currentText() == "flac"
        item = self.bit_depth.model().item(list(BIT_DEPTHS).index("32-bit float"))
        item.setEnabled(not flac)
        if flac and self.bit_depth.currentText() == "32-bit float":
            self.bit_depth.setCurrentText("24-bit")
