"""Sound: every lane played by its instrument, mixed, and mastered to a loudness target.

Instruments (instrument, soundfont, voice)
    Instrument: render_part(composition, section_id) -> (2, samples); TAIL_S
    SoundFontSynth(lane, context, sample_rate): a General MIDI program from the SoundFont;
        soundfont_path() (FluidR3_GM where installed, else TimGM6mb), drum_kit(context),
        soundfont_report(composition): the font and drum kit an export played
    soundfont_file: presets(path), kit_played(kit), installed_soundfonts()
    VoiceSynth (voice): the vocal lane sings its lyrics; loaded by instrument_for only when a
        vocal lane renders (it loads the singer's native libraries), so it is not imported here

Stems (stems)
    instrument_for(lane, context, sample_rate, lines=None) -> Instrument: the one factory
    render_stems(composition, sample_rate, progress, cancel) -> {lane: dry stem}
    render_lane(composition, lane, sample_rate); section_starts, stem_samples, song_samples

Incremental rendering (renderer, cache)
    SongRenderer(sample_rate, disk=None).render(composition, ...) -> RenderState: only stale
        sections render again; segment_key(composition, section_id, lane, sample_rate);
        SongRenderer(..., once=True): a song rendered once, keeping nothing for a next render
    RenderedSong: dry stems, wet stems, mix, master and its loudness report
    SideRender (side_render): a whole song's vocal sung in a process of its own while the
        renderer plays the SoundFont lanes (and starts their effects) here; it speaks the
        lines handed to it meanwhile (SongRenderer.speak_ahead, compose's on_lyrics)
    RenderCache(folder=None, cap_bytes=2 GB): rendered audio on disk in the user's cache
        folder, shared by every studio process; what it is kept under (render_keys):
        segment_key, wet_key, returns_key, master_key

Mixing (mix)
    mix_stems(dry_stems, lanes, buses, tempo_bpm, sample_rate) -> (stems, mix)
    lane_fx_defaults(context, lane), bus_defaults(context), fx_settings(fx, **settings)
    RETURNS: the reverb and delay buses, mixed in as stems of their own

Mastering (mastering, limiter, loudness, streaming)
    master_measured(mix, sample_rate, target_lufs, ceiling_dbtp, preset=..., sections=...)
        -> (master, loudness report); master(...) -> the audio alone
    master_preset(context, name), preset_name(context), preset_names(), loudness_target(name)
    limit_to_plr(audio, sample_rate, goal_plr_db, unlimited): the true-peak limiter, no
        harder than needed
    loudness_report(audio, sample_rate), integrated_lufs, loudness_range_lu, true_peak_dbtp,
        true_peak_envelope, LoudnessMeter: ITU-R BS.1770 / EBU R128
    stream_through(plugin, source, shape, sample_rate, *measures): audio measured as made
"""

from studio.engine.sound.cache import RenderCache
from studio.engine.sound.instrument import TAIL_S, Instrument
from studio.engine.sound.limiter import limit_to_plr
from studio.engine.sound.loudness import (
    LoudnessMeter,
    integrated_lufs,
    loudness_range_lu,
    loudness_report,
    true_peak_dbtp,
    true_peak_envelope,
)
from studio.engine.sound.mastering import (
    loudness_target,
    master,
    master_measured,
    master_preset,
    preset_name,
    preset_names,
)
from studio.engine.sound.mix import RETURNS, bus_defaults, fx_settings, lane_fx_defaults, mix_stems
from studio.engine.sound.render_keys import segment_key
from studio.engine.sound.renderer import RenderedSong, RenderState, SongRenderer
from studio.engine.sound.soundfont import (
    SoundFontSynth,
    drum_kit,
    soundfont_path,
    soundfont_report,
)
from studio.engine.sound.stems import (
    instrument_for,
    render_lane,
    render_stems,
    section_starts,
    song_samples,
    stem_samples,
)
from studio.engine.sound.streaming import stream_through

__all__ = [
    "RETURNS", "TAIL_S", "Instrument", "LoudnessMeter", "RenderCache", "RenderState",
    "RenderedSong", "SongRenderer", "SoundFontSynth", "bus_defaults",
    "drum_kit", "fx_settings", "instrument_for", "integrated_lufs", "lane_fx_defaults",
    "limit_to_plr", "loudness_range_lu", "loudness_report", "loudness_target", "master",
    "master_measured", "master_preset", "mix_stems", "preset_name", "preset_names",
    "render_lane", "render_stems", "section_starts", "segment_key", "song_samples",
    "soundfont_path", "soundfont_report", "stem_samples", "stream_through", "true_peak_dbtp",
    "true_peak_envelope",
]
