"""The studio window's playback: the audio worker renders what plays, the audio process plays
it through the chosen device (the window only sends it commands), and the window's timer
follows the playhead, the meters and the waveforms from shared memory. The settings dialog's
device, rate and latency are applied here.

PlaybackActions is a part of StudioWindow (kept apart to keep the window's module small); it
uses the window's transport, audio worker, song view and mixer panel.
"""

from __future__ import annotations

import os

from studio.engine.playback import SharedAudio, discard_shared
from studio.engine.playback.client import AudioProcess, position_label
from studio.engine.progress import Cancelled
from studio.engine.serialize import composition_to_dict
from studio.engine.worker.process import JobFailed, JobHandle
from studio.engine.worker.tasks import unpack
from studio.settings import StudioSettings, load_settings, save_settings
from studio.ui.settings_dialog import SettingsDialog
from studio.ui.waveforms import Envelopes, envelopes

EARLY_SECTIONS = 1  # a new song's sections rendered before any of it plays


def audio_process(settings: StudioSettings) -> AudioProcess:
    """The audio process for the settings: their rate, latency and device (by name)."""
    return AudioProcess(settings.sample_rate_hz, settings.latency, settings.output_device)


def shared_envelopes(description: dict, samples_per_bar: float) -> Envelopes | None:
    """The waveforms of a shared block (in a pool thread); None when it is already gone."""
    try:
        return envelopes(SharedAudio(description).wet, samples_per_bar)
    except FileNotFoundError:
        return None  # newer audio replaced it: its waveforms come instead


class PlaybackActions:
    """Render, play, pause, stop, seek, loop; waveforms and meters; device settings."""

    def render_audio(self, packed: bytes | None = None, early: bool = False) -> None:
        """Render what plays in the audio worker; a render already running is replaced.
        `packed` is the song as tasks.pack gives it, when the caller has it already. `early`
        (a new song) renders its first section first, to play while the rest renders: the
        whole song's render follows it, and a song shown meanwhile is the one rendered
        then."""
        if self.composition is None:
            return
        song = packed or composition_to_dict(self.composition)
        if self.early_audio is not None and not early:
            self.early_audio = song  # rendered whole once the first section is in
            return
        previous = self.audio_job
        if previous is not None and previous.done:
            self._release_result(previous)  # rendered, but the song changed since
        self.audio_job = self.audio_worker.submit(
            "studio.engine.worker.tasks:render_audio",
            {"composition": song, "sample_rate": self.playback_rate, "owner": os.getpid(),
             "cache_cap_bytes": self.settings.render_cache_bytes,
             **({"sections": EARLY_SECTIONS} if early else {})}, replace=True)
        self.early_audio = song if early else None

    def _collect_audio(self) -> None:
        job = self.audio_job
        if job is None or not job.done:
            return
        self.audio_job = None
        whole, self.early_audio = self.early_audio, None
        try:
            description = unpack(job.result(0))
        except (Cancelled, JobFailed):
            return
        finally:
            if whole is not None and self.composition is not None:
                self.render_audio(whole)  # the rest of the song, while its start plays
        if self.composition is None:  # the project was closed while it rendered
            discard_shared(description)
            return
        self.audio = description
        self.transport.load(self.composition.lanes, description)
        self._set_loop()
        context = self.composition.context
        samples_per_bar = context.meter.beats_per_bar * 60.0 / context.tempo_bpm \
            * description["sample_rate"]
        self.song_view.show_envelopes(None)
        if whole is not None:
            return  # the first section alone: its waveforms would show the rest as silence
        self.waveforms = self.waveform_pool.submit(shared_envelopes, description,
                                                   samples_per_bar)

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
        if self.transport.playing:
            self.transport.pause()
            self.play_button.setText("Play")
            return
        if self.audio is None:
            self.statusBar().showMessage("The song's audio is still rendering")
            return
        self.transport.play()  # a missing device is said by the next check()
        self.play_button.setText("Pause")

    def stop(self) -> None:
        self.transport.stop()
        self.play_button.setText("Play")

    def seek(self, sample: int) -> None:
        self.transport.seek(sample)

    def _set_loop(self) -> None:
        mixer, song = self.transport, self.composition
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
        dialog.show_device_latency(self.transport.output_latency_s)
        if self.dialog_result(dialog):
            self.apply_settings(dialog.settings())

    def apply_settings(self, chosen: StudioSettings) -> None:
        """Save the settings (keeping the recent projects as they are now) and play through
        the chosen device at the chosen rate and latency; audio at another rate is rendered
        again."""
        settings = load_settings()
        settings.output_device = chosen.output_device
        settings.sample_rate_hz = chosen.sample_rate_hz
        settings.loudness_target = chosen.loudness_target
        settings.latency = chosen.latency
        settings.render_cache_gb = chosen.render_cache_gb
        save_settings(settings)
        before, self.settings = self.settings, settings
        playing = (before.output_device, before.sample_rate_hz, before.latency)
        if playing == (settings.output_device, settings.sample_rate_hz, settings.latency):
            return
        self.stop()
        self.transport.close()
        self.transport = audio_process(settings)
        self.playback_rate = settings.sample_rate_hz
        self.song_view.sample_rate = self.playback_rate
        self.audio = None
        self.render_audio()  # the worker keeps what it rendered: at the same rate, a mix only
        self.statusBar().showMessage(f"Playing through {settings.output_device or 'the default'}"
                                     f" at {self.playback_rate} Hz, {settings.latency} latency")
