"""The studio window's playback: the audio worker renders what plays, the transport plays
it through the chosen device, and the window's timer follows the playhead, the meters and the
waveforms. The settings dialog's device and rate are applied here.

PlaybackActions is a part of StudioWindow (kept apart to keep the window's module small); it
uses the window's transport, audio worker, song view and mixer panel.
"""

from __future__ import annotations

import os

from studio.engine.background import JobFailed, JobHandle
from studio.engine.playback import (
    PlaybackUnavailable,
    SharedAudio,
    Transport,
    discard_shared,
    position_label,
)
from studio.engine.preferences import StudioSettings, load_settings, save_settings
from studio.engine.progress import Cancelled
from studio.engine.tasks import unpack
from studio.ui.settings_dialog import SettingsDialog, available_devices
from studio.ui.waveforms import envelopes

PLAYBACK_BLOCK = 512


def device_index(name: str | None) -> int | None:
    """The index of the output device of that name now; None (the default) when absent."""
    if name is None:
        return None
    return next((d.index for d in available_devices() if d.name == name), None)


class PlaybackActions:
    """Render, play, pause, stop, seek, loop; waveforms and meters; device settings."""

    def render_audio(self) -> None:
        """Render what plays in the audio worker; a render already running is replaced."""
        if self.composition is None:
            return
        from studio.engine.serialize import composition_to_dict

        previous = self.audio_job
        if previous is not None and previous.done:
            self._release_result(previous)  # rendered, but the song changed since
        self.audio_job = self.audio_worker.submit(
            "studio.engine.tasks:render_audio",
            {"composition": composition_to_dict(self.composition),
             "sample_rate": self.playback_rate, "owner": os.getpid()}, replace=True)

    def _collect_audio(self) -> None:
        job = self.audio_job
        if job is None or not job.done:
            return
        self.audio_job = None
        try:
            description = unpack(job.result(0))
        except (Cancelled, JobFailed):
            return
        if self.composition is None:  # the project was closed while it rendered
            discard_shared(description)
            return
        # the old audio's memory goes when the mixer (crossfading out of it) lets go of it
        self.shared = SharedAudio(description)
        self.transport.mixer.load(self.composition.lanes, self.shared.wet, self.shared.returns)
        self._set_loop()
        context = self.composition.context
        samples_per_bar = context.meter.beats_per_bar * 60.0 / context.tempo_bpm \
            * self.shared.sample_rate
        self.song_view.show_envelopes(None)
        self.waveforms = self.waveform_pool.submit(envelopes, self.shared.wet, samples_per_bar)

    def _collect_waveforms(self) -> None:
        if self.waveforms is not None and self.waveforms.done():
            future, self.waveforms = self.waveforms, None
            self.song_view.show_envelopes(future.result())

    @staticmethod
    def _release_result(job: JobHandle) -> None:
        try:
            discard_shared(unpack(job.result(0)))
        except (Cancelled, JobFailed):
            pass

    def play_pause(self) -> None:
        if self.transport.mixer.playing:
            self.transport.pause()
            self.play_button.setText("Play")
            return
        if self.shared is None:
            self.statusBar().showMessage("The song's audio is still rendering")
            return
        try:
            self.transport.play()
        except PlaybackUnavailable as error:
            self.statusBar().showMessage(str(error))
            return
        self.play_button.setText("Pause")

    def stop(self) -> None:
        self.transport.stop()
        self.play_button.setText("Play")

    def seek(self, sample: int) -> None:
        self.transport.mixer.seek(sample)

    def _set_loop(self) -> None:
        mixer, song = self.transport.mixer, self.composition
        section_id = self.song_view.selected
        if not self.loop_box.isChecked() or song is None or section_id is None:
            mixer.set_loop(None)
            return
        per_beat = 60.0 / song.context.tempo_bpm * self.playback_rate
        section = next(s for s in song.sections if s.id == section_id)
        start = round(song.section_start_beats(section_id) * per_beat)
        end = start + round(section.bars * song.context.meter.beats_per_bar * per_beat)
        mixer.set_loop(start, end)
        mixer.seek(start)

    def _show_position(self) -> None:
        if self.composition is None:
            return
        sample = self.transport.position
        self.position_label.setText(position_label(self.composition, sample,
                                                   self.playback_rate))
        self.song_view.set_playhead(sample / self.playback_rate)
        if self.transport.check() is not None:
            self.statusBar().showMessage(self.transport.error)
            self.play_button.setText("Play")

    def open_settings(self) -> None:
        dialog = SettingsDialog(load_settings(), self)
        if self.dialog_result(dialog):
            self.apply_settings(dialog.settings())

    def apply_settings(self, chosen: StudioSettings) -> None:
        """Save the settings (keeping the recent projects as they are now) and play through
        the chosen device at the chosen rate; audio at another rate is rendered again."""
        settings = load_settings()
        settings.output_device = chosen.output_device
        settings.sample_rate_hz = chosen.sample_rate_hz
        settings.loudness_target = chosen.loudness_target
        save_settings(settings)
        before, self.settings = self.settings, settings
        if (before.output_device, before.sample_rate_hz) == (settings.output_device,
                                                            settings.sample_rate_hz):
            return
        self.stop()
        self.transport.close()
        self.playback_rate = settings.sample_rate_hz
        self.transport = Transport(self.playback_rate, PLAYBACK_BLOCK,
                                   device_index(settings.output_device))
        self.song_view.sample_rate = self.playback_rate
        if before.sample_rate_hz != settings.sample_rate_hz:
            self.shared = None
            self.render_audio()
        elif self.shared is not None:
            self.transport.mixer.load(self.composition.lanes, self.shared.wet,
                                      self.shared.returns)
        self.statusBar().showMessage(f"Playing through {settings.output_device or 'the default'}"
                                     f" at {self.playback_rate} Hz")
