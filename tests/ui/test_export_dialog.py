"""The export dialog writes what was chosen (format, depth, rate, stems, MIDI, lyrics, range)
with progress, refuses options that cannot be written, and cancels."""

from __future__ import annotations

import json

import soundfile


def test_the_export_dialog_writes_the_chosen_files(qtbot, small_song, tmp_path):
    window = small_song
    window.ask_export()
    dialog = window.export_dialog
    assert dialog.isVisible()
    song = window.composition
    chorus = next(s for s in song.sections if s.kind == "chorus")
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    dialog.format.setCurrentText("flac")
    dialog.bit_depth.setCurrentText("16-bit (dithered)")
    dialog.sample_rate.setCurrentText("44100")
    dialog.stems.setCurrentText("dry")
    dialog.lyrics.setChecked(False)
    dialog.range.setCurrentIndex(dialog.range.findData(chorus.id))
    assert not dialog.times.isEnabled()
    progress = []
    dialog.progress.valueChanged.connect(progress.append)
    dialog.export_button.click()
    assert dialog.running and dialog.cancel_button.text() == "Cancel"
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert "files written" in dialog.status.text(), dialog.status.text()
    assert dialog.progress.value() == 1000 and len(set(progress)) > 2

    master = soundfile.info(str(out / "master.flac"))
    assert (master.samplerate, master.subtype) == (44100, "PCM_16")
    bar_s = song.context.meter.beats_per_bar * 60 / song.context.tempo_bpm
    assert abs(master.duration - chorus.bars * bar_s) < 0.05
    stems = sorted(p.name for p in (out / "stems").iterdir())
    assert stems[0] == "01-drums.flac" and len(stems) == len(song.lanes)  # dry: no returns
    assert (out / "song.mid").exists()
    assert not (out / "lyrics.lrc").exists() and not (out / "lead-sheet.musicxml").exists()
    report = json.loads((out / "report.json").read_text())
    assert (report["format"], report["bit_depth"], report["stems"], report["section_id"]) == (
        "flac", 16, "dry", chorus.id)
    assert window.history.count() == 1  # an export makes no version


def test_the_export_dialog_refuses_and_cancels(qtbot, small_song, tmp_path):
    window = small_song
    window.ask_export()
    dialog = window.export_dialog
    dialog.folder.setText(str(tmp_path / "never"))
    dialog.range.setCurrentIndex(dialog.range.findData("time"))
    assert dialog.times.isEnabled()
    dialog.start_s.setValue(10.0)
    dialog.end_s.setValue(5.0)
    dialog.export_button.click()
    assert not dialog.running and "start must come before its end" in dialog.status.text()
    dialog.format.setCurrentText("flac")  # FLAC has no 32-bit float
    assert not dialog.bit_depth.model().item(2).isEnabled()

    dialog.end_s.setValue(20.0)
    dialog.export_button.click()
    assert dialog.running
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.status.text() == "Cancelled; nothing changed"
    assert dialog.cancel_button.text() == "Close"
    dialog.cancel_button.click()
    assert not dialog.isVisible()
