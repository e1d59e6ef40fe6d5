"""Incremental rendering: only stale sections re-render, and the result is a full render."""

import threading

import numpy as np
import pytest

from studio import engine
from studio.engine.edit import operations as op
from studio.engine.progress import Cancelled, CancelToken
from studio.engine.singing.presets import voice_params
from studio.engine.singing.score import spoken_lines, sung_voice
from studio.engine.sound.mix import mix_stems
from studio.engine.sound.renderer import SongRenderer
from studio.engine.sound.side_render import SideRender, prepare_lines
from studio.engine.sound.stems import render_stems


def test_regenerating_a_section_re_renders_only_it_and_matches_a_full_render():
    song = engine.compose("lo-fi study beat", 2, length_s=45)
    renderer = SongRenderer(44100)
    renderer.render(song)
    assert renderer.rendered == len(song.sections) * len(song.lanes)
    target = song.sections[1]
    changed, change = op.regenerate_section(song, target.id)
    state = renderer.render(changed)
    # exactly the parts whose notes changed are rendered again
    assert renderer.rendered == len(change.stale) > 0
    dry = render_stems(changed, 44100)
    stems, mix = mix_stems(dry, changed.lanes, changed.buses, changed.context.tempo_bpm, 44100)
    # effects redone only around the change: inaudibly far from a whole render
    error = np.max(np.abs(state.mix - mix)) / np.max(np.abs(mix))
    assert 20 * np.log10(error + 1e-30) < -90
    assert all(np.max(np.abs(state.stems[n] - stems[n])) < 1e-4 for n in stems)
    for lane in dry:
        assert np.array_equal(state.dry[lane], dry[lane])


def test_mix_changes_need_no_render():
    song = engine.compose("rock", 3, length_s=30)
    renderer = SongRenderer(48000)
    first = renderer.render(song)
    song.lanes["drums"].mute = True
    second = renderer.render(song)
    assert renderer.rendered == 0
    assert not np.any(second.stems["drums"])
    assert np.any(first.dry["drums"])


def test_effect_changes_need_no_render_and_redo_only_their_lane():
    song = engine.compose("ambient", 3, length_s=30)
    renderer = SongRenderer(44100)
    first = renderer.render(song)
    changed, _ = op.set_lane_fx(song, "pad", low_cut_hz=800.0, reverb_send=0.0)
    second = renderer.render(changed)
    assert renderer.rendered == 0
    assert not np.array_equal(first.wet["pad"], second.wet["pad"])
    assert all(second.wet[n] is first.wet[n] for n in song.lanes if n != "pad")
    assert not np.array_equal(first.stems["reverb"], second.stems["reverb"])
    quieter, _ = op.set_buses(changed, reverb_room=0.2)
    third = renderer.render(quieter)
    assert renderer.rendered == 0 and third.wet is not second.wet
    assert not np.array_equal(third.stems["reverb"], second.stems["reverb"])


def test_deleting_a_section_moves_the_rest_without_re_rendering():
    song = engine.compose("folk", 5, length_s=40)
    renderer = SongRenderer(44100)
    renderer.render(song)
    shorter, _ = op.delete_section(song, song.sections[1].id)
    state = renderer.render(shorter)
    assert renderer.rendered == 0
    dry = render_stems(shorter, 44100)
    assert all(np.array_equal(state.dry[lane], dry[lane]) for lane in dry)


def test_sections_come_back_from_the_disk_cache(tmp_path):
    from studio.engine.sound.cache import RenderCache

    song = engine.compose("pop", 6, length_s=20)
    cache = RenderCache(tmp_path / "renders")
    first = SongRenderer(44100, disk=cache).render(song)
    later = SongRenderer(44100, disk=RenderCache(tmp_path / "renders"))
    again = later.render(song)
    assert later.rendered == 0
    assert all(np.array_equal(first.dry[lane], again.dry[lane]) for lane in song.lanes)
    small = RenderCache(tmp_path / "renders", cap_bytes=1)
    small.put("abc123", np.zeros((2, 10), np.float32))
    assert len(list((tmp_path / "renders").glob("*.npy"))) <= 1


def test_a_vocal_sung_in_a_process_of_its_own_is_the_one_sung_here():
    song = engine.compose("an upbeat pop song about summer", 3, length_s=50)
    sung = [s for s in song.sections if s.id in song.lyrics]
    assert len(sung) >= 2  # enough for the vocal to go aside
    aside, here = SongRenderer(44100), SongRenderer(44100, aside=False)
    beside = aside.render(song)
    assert aside.side is None and aside.rendered == len(song.sections) * len(song.lanes)
    alone = here.render(song)
    assert np.any(beside.dry["vocal"])
    for lane in song.lanes:
        assert np.array_equal(beside.dry[lane], alone.dry[lane]), lane
    assert np.array_equal(beside.mix, alone.mix)
    assert (aside.sent_aside, here.sent_aside) == ("vocal", None)
    # the lines sung there are kept (and counted) here: an edit sings only what it changes
    assert aside.lines.lines.keys() == here.lines.lines.keys() and aside.lines.lines
    assert aside.lines.sung == here.lines.sung > 0


def test_a_vocal_whose_lines_were_spoken_while_composing_is_the_one_sung_here():
    renderer = SongRenderer(44100)
    renderer.start_aside()
    song = engine.compose("an upbeat pop song about summer", 3, length_s=50,
                          on_lyrics=renderer.speak_ahead)
    beside = renderer.render(song)
    alone = SongRenderer(44100, aside=False).render(song)
    assert renderer.sent_aside == "vocal" and np.any(beside.dry["vocal"])
    assert np.array_equal(beside.dry["vocal"], alone.dry["vocal"])


def test_lines_are_spoken_ahead_until_the_request_comes():
    from studio.engine.singing.world import line_analysis

    song = engine.compose("an upbeat pop song about summer", 3, length_s=50)
    params = voice_params(sung_voice(song.lanes["vocal"]))
    lines = list(dict.fromkeys(line for lyrics in song.lyrics.values()
                               for line in spoken_lines(lyrics, params)))
    line_analysis.cache_clear()
    asked = threading.Event()
    prepare_lines(lines[:2], asked)
    assert line_analysis.cache_info().currsize == 2
    asked.set()  # the request is in: what is left is spoken as it is sung
    prepare_lines(lines[2:], asked)
    assert line_analysis.cache_info().currsize == 2


def test_a_renderer_made_once_renders_the_same_and_keeps_nothing():
    song = engine.compose("an upbeat pop song about summer", 3, length_s=40)
    kept, once = SongRenderer(44100, aside=False), SongRenderer(44100, aside=False, once=True)
    whole = kept.render(song)
    for _ in range(2):  # a second render renders everything again
        state = once.render(song)
        assert once.rendered == len(song.sections) * len(song.lanes)
        assert once.state is None and not once.segments and not state.wet
        assert np.array_equal(state.mix, whole.mix)
        for lane in song.lanes:
            assert np.array_equal(state.dry[lane], whole.dry[lane]), lane
            assert np.array_equal(state.stems[lane], whole.stems[lane]), lane
    # no dry stems wanted: each lane's effects are written over its dry stem
    state = once.render(song, keep_dry=False)
    assert not state.dry and not state.wet and np.array_equal(state.mix, whole.mix)
    assert all(np.array_equal(state.stems[lane], whole.stems[lane]) for lane in song.lanes)


def test_a_render_once_keeps_a_section_two_lanes_share_until_both_are_assembled():
    from dataclasses import replace

    song = engine.compose("an upbeat pop song about summer", 3, length_s=40)
    first = song.sections[0].id
    # two lanes with one instrument that rest in a section sound the same there: one key
    song.lanes["pad"] = replace(song.lanes["pad"], program=song.lanes["keys"].program)
    for lane in ("keys", "pad"):
        song.parts[(first, lane)] = replace(song.parts[(first, lane)], notes=())
    whole = SongRenderer(44100, aside=False).render(song)
    state = SongRenderer(44100, once=True).render(song)
    assert all(np.array_equal(state.dry[lane], whole.dry[lane]) for lane in song.lanes)


def test_a_render_once_keeps_the_lanes_effects_in_the_disk_cache_before_fading_them(tmp_path):
    from studio.engine.sound.cache import RenderCache

    song = engine.compose("an upbeat pop song about summer", 3, length_s=50)
    whole = SongRenderer(44100, aside=False).render(song)
    once = SongRenderer(44100, disk=RenderCache(tmp_path / "renders"), once=True)
    state = once.render(song)  # the vocal aside: the other lanes are faded while it is sung
    assert once.sent_aside == "vocal"
    assert np.array_equal(state.mix, whole.mix)
    assert all(np.array_equal(state.stems[lane], whole.stems[lane]) for lane in song.lanes)
    cache = RenderCache(tmp_path / "renders")
    for lane in song.lanes:  # what the cache holds is the lane after its effects, unfaded
        assert np.array_equal(cache.get(state.wet_keys[lane]), whole.wet[lane]), lane


def test_a_side_render_is_stopped_by_cancel_and_its_failure_comes_back():
    song = engine.compose("an upbeat pop song about summer", 3, length_s=50)
    ids = [s.id for s in song.sections]
    cancel = CancelToken()
    cancel.cancel()
    side = SideRender()
    side.ask(song, "vocal", ids, 44100)
    with pytest.raises(Cancelled):
        side.result(cancel)
    assert side._process.poll() is not None  # the child is gone
    failing = SideRender()
    failing.ask(song, "no such lane", ids, 44100)
    with pytest.raises(RuntimeError, match="KeyError"):
        failing.result()
    idle = SideRender()  # started, never asked: it is ended when told to
    idle.stop()
    assert idle._process.returncode is not None


def test_a_process_started_for_the_vocal_ends_with_the_render_that_did_not_need_it():
    song = engine.compose("lo-fi study beat", 2, length_s=30)
    renderer = SongRenderer(44100)
    renderer.start_aside()
    side = renderer.side
    renderer.render(song)
    assert renderer.side is None and side._process.returncode is not None


@pytest.mark.parametrize("stems", ["wet", "dry"])
def test_an_export_while_the_vocal_sings_aside_writes_the_same_files(tmp_path, stems):
    song = engine.compose("an upbeat pop song about summer", 3, length_s=50)
    written = {}
    for aside in (True, False):
        folder = tmp_path / f"aside-{aside}"
        # rendered once (wet stems: the lanes' effects over their dry stems), or kept
        renderer = SongRenderer(44100, aside=aside, once=aside)
        engine.render_and_export(song, folder, engine.ExportOptions(stems=stems),
                                 renderer=renderer)
        assert renderer.sent_aside == ("vocal" if aside else None)
        written[aside] = {path.relative_to(folder).as_posix(): path.read_bytes()
                          for path in sorted(folder.rglob("*")) if path.is_file()}
    assert "stems/06-vocal.wav" in written[True]
    assert written[True].keys() == written[False].keys()
    for name, data in written[True].items():
        assert data == written[False][name], name


def test_section_audio_of_other_songs_is_kept_only_up_to_its_cap():
    """The current song's sections stay; those of songs rendered before are forgotten, the
    ones used longest ago first, beyond max_spare_bytes (a process rendering song after song
    would otherwise hold every one of them)."""
    first = engine.compose("lo-fi study beat", 2, length_s=30)
    second = engine.compose("rock", 3, length_s=30)
    third = engine.compose("folk song", 4, length_s=30)
    renderer = SongRenderer(22050, max_spare_bytes=0)
    renderer.render(first)
    first_keys = set(renderer.segments)
    first_bytes = sum(a.nbytes for a in renderer.segments.values())
    renderer.render(second)
    second_keys = set(renderer.segments)
    assert not first_keys & second_keys  # none of the first song's is kept
    renderer.render(first)
    assert renderer.rendered == len(first.sections) * len(first.lanes)  # all again

    capped = SongRenderer(22050, max_spare_bytes=first_bytes)
    for song in (first, second, third):
        capped.render(song)
    third_keys = {p.key for placed in capped._layout(third).values() for p in placed}
    spare = {k: a for k, a in capped.segments.items() if k not in third_keys}
    assert third_keys <= set(capped.segments)
    assert spare and set(spare) <= second_keys  # the second, used after the first, stays
    assert sum(a.nbytes for a in spare.values()) <= first_bytes
