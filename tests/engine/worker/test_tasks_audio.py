"""The audio worker's render of what plays: a new song's first section comes first, on the
song's whole timeline, and is what the whole song's render has there."""

import os

import numpy as np

from studio import engine
from studio.engine.playback import SharedAudio, discard_shared
from studio.engine.serialize import composition_to_dict
from studio.engine.worker import tasks

RATE = 48000


def test_the_first_section_alone_is_the_start_of_the_whole_song():
    song = engine.compose("an upbeat pop song about summer", 3, length_s=40)
    payload = {"composition": composition_to_dict(song), "sample_rate": RATE,
               "owner": os.getpid()}
    cached = _entries(RATE, payload)
    first = tasks.unpack(tasks.render_audio({**payload, "sections": 1}, _ignore, None))
    # its sections are kept for the whole song's render; its mixed lanes are not
    assert len(_entries(RATE, payload) - cached) == len(song.lanes)
    whole = tasks.unpack(tasks.render_audio(payload, _ignore, None))
    try:
        assert first["partial"] and not whole["partial"]
        assert first["length"] == whole["length"] and first["lanes"] == whole["lanes"]
        start, end = (round(song.section_start_beats(s.id) * 60 / song.context.tempo_bpm * RATE)
                      for s in song.sections[1:3])
        early, late = SharedAudio(first).arrays, SharedAudio(whole).arrays
        assert len(early) == len(song.lanes) + 2  # the lanes, then the two returns
        lanes = len(song.lanes)
        for index, (one, other) in enumerate(zip(early, late, strict=True)):
            # the same samples until the second section starts, silence after its tail; a
            # return is the sum of its bus's responses to pieces of the song (cut where they
            # fall under -100 dBFS, see mix.BUS_PIECES), and the first section alone is cut
            # into other pieces: the same but for the bus's own hum, under -100 dBFS
            if index < lanes:
                assert np.array_equal(one[:, :start], other[:, :start])
            else:
                assert np.abs(one[:, :start] - other[:, :start]).max() < 1e-5
            assert not np.any(one[:, end:])
        assert np.any(late[0][:, end:])  # the whole song goes on
    finally:
        discard_shared(first)
        discard_shared(whole)


def _ignore(event) -> None:
    pass


def _entries(rate, payload) -> set:
    """The render cache's entries the audio worker's renderer at `rate` sees."""
    renderer = tasks._RENDERERS.get(rate)
    folder = renderer.disk.folder if renderer is not None else tasks._cache(payload).folder
    return {path.name for path in folder.glob("*.npy")}
