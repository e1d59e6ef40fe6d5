"""Incremental rendering: only stale sections re-render, and the result is a full render."""

import numpy as np

from studio import engine
from studio.engine import operations as op
from studio.engine.mix import mix_stems
from studio.engine.render import render_stems
from studio.engine.renderer import SongRenderer


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
    _, mix = mix_stems(dry, changed.lanes)
    error = np.max(np.abs(state.mix - mix)) / np.max(np.abs(mix))
    assert error < 1e-3  # -60 dB
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
    from studio.engine.render_cache import RenderCache

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
