"""Every style of the library, played: eight bars or more of each, rendered through the
SoundFont and judged with librosa and pretty_midi, not only by our own tables."""

from __future__ import annotations

import io
from dataclasses import replace

import librosa
import numpy as np
import pretty_midi
import pytest
import scipy.stats

from studio.engine import resources
from studio.engine.composing import groove_library, grooves
from studio.engine.composing.context import build_context
from studio.engine.composing.prompt import PromptReading
from studio.engine.export.midi import to_midi
from studio.engine.model import Meter
from studio.engine.orchestrator import compose_context
from studio.engine.sound.renderer import SongRenderer
from studio.engine.sound.stems import section_starts

RATE = 22050
STYLES = sorted(resources.genres())
MIN_SECONDS = 12.0  # a fast style plays more than eight bars, so the tempo can be heard


def test_the_library_has_150_styles_in_every_family_and_600_grooves():
    families = {row["family"] for row in resources.genres().values()}
    assert len(STYLES) >= 150
    assert families == set(resources.families())
    played = set()
    for row in resources.genres().values():
        for meter in row["meters"]:
            meter = Meter(*(int(p) for p in meter.split("/")))
            by_role = groove_library.grooves_of(list(row.get("mma", ())), str(meter))
            played.update(n for names in by_role.values() for n in names)
        played.update(row.get("grooves", ()))
    assert len(played) >= 600, len(played)
    assert all(n in grooves.groove_names() for n in played)


def _song(style: str, seed: int = 3):
    """A composition of the style alone, without a voice, about eight bars long."""
    reading = PromptReading(genre_blend={style: 1.0}, excluded_lanes=frozenset({"vocal"}))
    context = build_context(reading, seed)
    bar_s = context.meter.beats_per_bar * 60.0 / context.tempo_bpm
    bars = max(8, 4 * int(np.ceil(MIN_SECONDS / bar_s / 4)))
    return compose_context(replace(context, length_bars=bars), seed)


@pytest.mark.parametrize("style", STYLES)
def test_every_style_renders_in_tempo_with_its_own_instruments(style):
    row = resources.genre(style)
    song = _song(style)
    context = song.context
    low_bpm, high_bpm = row["tempo_bpm"]
    assert low_bpm <= context.tempo_bpm <= high_bpm
    assert str(context.meter) == row["meters"][0]

    # each lane on its program; drums only where the style has them
    midi = pretty_midi.PrettyMIDI(io.BytesIO(_midi_bytes(song)))
    drums = [i for i in midi.instruments if i.is_drum and i.notes]
    assert bool(drums) == ("drums" in row["lanes"])
    pitched = {i.program for i in midi.instruments if not i.is_drum and i.notes}
    wanted = {program for lane, program in row["lanes"].items() if lane != "drums"}
    assert pitched == wanted, (pitched, wanted)

    state = SongRenderer(RATE).render(song)
    mix = sum(state.wet.values())
    mono = mix.mean(axis=0)
    assert np.sqrt(np.mean(mono ** 2)) > 1e-3  # not silent

    # librosa hears the tempo: its estimate, told the style's tempo range, is the song's, or
    # its free estimate is the song's up to a beat tracker's octave (double or half). A
    # dembow or a funk groove can mislead one of the two, never both (measured over every
    # style); a drone without drums or chords to strike has no beat to hear, nor has a band
    # of bowed strings, organ and choir alone (a string quartet's or a choir's soft attacks:
    # the estimates miss its tempo in two or three keys of six, whatever the arrangement)
    if "drums" not in row["lanes"] and "keys" not in row["lanes"] \
            and row["bass_style"] in ("drone", "pedal"):
        return
    if all(program in _SUSTAINED for program in row["lanes"].values()):
        return
    # judged after the intro, whose pattern may be a sparse count-in
    after_intro = dict(section_starts(song, RATE)).get(1, 0)
    onset = librosa.onset.onset_strength(y=mono[after_intro:], sr=RATE)
    tempo = context.tempo_bpm
    in_range = float(librosa.feature.tempo(
        onset_envelope=onset, sr=RATE,
        prior=scipy.stats.uniform(0.9 * low_bpm, 1.1 * high_bpm - 0.9 * low_bpm))[0])
    free = float(librosa.feature.tempo(onset_envelope=onset, sr=RATE, start_bpm=tempo)[0])
    octaves = [free * factor for factor in (0.5, 1.0, 2.0)]
    assert abs(in_range - tempo) <= 0.08 * tempo \
        or any(abs(t - tempo) <= 0.08 * tempo for t in octaves), (in_range, free, tempo)


# General MIDI's sustained instruments without an attack to hear: the bowed strings (violin,
# viola, cello, contrabass, tremolo, the ensembles and synth strings), the organs and the
# choir voices
_SUSTAINED = {40, 41, 42, 43, 44, 48, 49, 50, 51, 16, 17, 18, 19, 20, 52, 53, 54}


def _midi_bytes(song) -> bytes:
    buffer = io.BytesIO()
    to_midi(song).save(file=buffer)
    return buffer.getvalue()


def _pairs() -> list[tuple[str, str]]:
    """A style of each family blended with one of the next family (and a meter apart)."""
    by_family: dict[str, list[str]] = {}
    for name in STYLES:
        by_family.setdefault(resources.genre(name)["family"], []).append(name)
    families = sorted(by_family)
    pairs = []
    for k, family in enumerate(families):
        other = by_family[families[(k + 1) % len(families)]]
        mine = by_family[family]
        pairs += [(mine[i % len(mine)], other[(i + 1) % len(other)]) for i in range(2)]
    return pairs


@pytest.mark.parametrize(("first", "second"), _pairs())
def test_any_two_styles_blend(first, second):
    """A blend plays the leading style's grooves and takes chords, tempo and mood from both."""
    reading = PromptReading(genre_blend={first: 0.6, second: 0.4},
                            excluded_lanes=frozenset({"vocal"}))
    context = build_context(reading, 7)
    song = compose_context(replace(context, length_bars=32), 7)
    low = min(resources.genre(s)["tempo_bpm"][0] for s in (first, second))
    high = max(resources.genre(s)["tempo_bpm"][1] for s in (first, second))
    assert low <= context.tempo_bpm <= high
    played = {s.groove for s in song.sections}
    theirs = {n for s in (first, second)
              for n in grooves.groove_names_for(s, context.meter)
              + grooves.section_grooves(s, context.meter, "intro")}
    assert played <= theirs, (played - theirs)
    # the bass plays in every section but those where the arrangement rests it
    resting = {s.id for s in song.sections if s.density.get("bass", 1.0) == 0.0}
    assert all(part.notes for part in song.parts.values()
               if part.lane == "bass" and part.section_id not in resting)
    assert any(part.notes for part in song.parts.values() if part.lane == "bass")
