"""Incremental rendering: only stale sections re-render, and the result is a full render."""

import numpy as np

from studio import engine
from studio.engine.edit import operations as op
from studio.engine.sound.mix import mix_stems
from studio.engine.sound.renderer import SongRenderer
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
