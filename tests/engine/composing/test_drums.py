"""Drums: energy shapes density and loudness, kicks on the bass's grid, fills, crashes."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from studio.engine import resources
from studio.engine.composing import feel, grooves
from studio.engine.composing.generators import drums
from studio.engine.model import Lane, Meter, Section
from studio.engine.rng import rng_for
from tests.engine.contexts import make_context

LANE = Lane("drums", 0, is_drums=True)
FOUR_FOUR = Meter(4, 4)
METERS = [Meter(4, 4), Meter(3, 4), Meter(6, 8), Meter(2, 4), Meter(12, 8)]
# (kind, energy, bars) of a typical song
SONG = (("intro", 0.3, 4), ("verse", 0.5, 8), ("pre-chorus", 0.65, 4), ("chorus", 0.85, 8),
        ("verse", 0.55, 8), ("chorus", 0.9, 8), ("bridge", 0.45, 8), ("chorus", 0.95, 8),
        ("outro", 0.25, 4))
GENRE_OF_GROOVE = {g: genre for genre, row in sorted(resources.genres().items())
                   for g in row["grooves"]}
# the palmas of flamenco are hand claps alone: one loudness, no drums to fill with, so they
# stay out of the drum-kit invariants below
CLAPS_ONLY = {"palmas_rumba", "palmas_compas"}
GROOVES_44 = sorted(g for g in GENRE_OF_GROOVE
                    if "4/4" in grooves.groove(g).meters and g not in CLAPS_ONLY)
FILL_VOICES = {37, 38, 40, 41, 43, 45, 47, 48, 50}  # snares and toms
TIME_KEEPERS = {42, 44, 46, 51, 52, 53, 54, 70}  # hats, rides, tambourine, shaker


def grooves_for(meter):
    return GROOVES_44 if str(meter) == "4/4" else grooves.groove_names_for("pop", meter)


def song_parts(groove, meter=FOUR_FOUR, seed=11, song=SONG):
    context = make_context(GENRE_OF_GROOVE.get(groove, "pop"), meter=meter, seed=seed)
    sections = [Section(i, kind, bars, energy, (), groove)
                for i, (kind, energy, bars) in enumerate(song)]
    parts = []
    for i, section in enumerate(sections):
        following = sections[i + 1] if i + 1 < len(sections) else None
        rng = rng_for(context.seed, section.id, "drums")
        parts.append((section, drums.generate(context, section, LANE, rng, following)))
    return context, parts


def in_bar(notes, bar, bar_beats):
    # a stroke played a few milliseconds ahead of a bar belongs to it
    return [n for n in notes
            if bar * bar_beats - 0.1 <= n.start_beats < (bar + 1) * bar_beats - 0.1]


def kick_notes(groove):
    return {layer.note for layer in grooves.groove(groove).layers if layer.kick}


def test_every_genre_and_meter_names_a_groove_that_fits():
    for genre in resources.genres():
        for meter in METERS:
            for name in grooves.groove_names_for(genre, meter):
                if grooves.groove(name).layers:  # an imported piano style has no drums
                    bars = range(grooves.pattern_bars(name, meter))
                    assert any(grooves.kick_onsets_beats(name, meter, 0.0, bar=bar)
                               for bar in bars), (genre, meter, name)
    hand_written = set(resources.table("grooves")["groove"])
    assert set(GENRE_OF_GROOVE) | {"waltz", "compound", "march", "five"} == hand_written


@pytest.mark.parametrize("groove", GROOVES_44)
def test_density_and_velocity_rise_with_section_energy(groove):
    _, parts = song_parts(groove)
    energies = [section.energy for section, _ in parts]
    density = [len(notes) / section.bars for section, notes in parts]
    loudness = [np.mean([n.velocity for n in notes]) for _, notes in parts]
    assert spearmanr(energies, density)[0] > 0.7
    assert spearmanr(energies, loudness)[0] > 0.7


@pytest.mark.parametrize("meter", METERS, ids=str)
def test_layers_never_thin_out_or_soften_as_energy_rises(meter):
    # a soft note joining may lower the mean velocity by a hair at the energy where it joins,
    # so loudness is compared a twentieth of the energy range apart
    for groove in grooves_for(meter):
        counts, velocities = [], []
        for energy in np.linspace(0.0, 1.0, 101):
            hits = grooves.bar_hits(groove, meter, energy)
            assert len({(h.step, h.note) for h in hits}) == len(hits), (groove, energy)
            counts.append(len(hits))
            velocities.append(float(np.mean([h.velocity for h in hits])))
        assert all(b >= a for a, b in zip(counts, counts[1:], strict=False)), groove
        assert all(b > a for a, b in zip(velocities, velocities[5:], strict=False)), groove
        assert counts[-1] >= 2 * counts[0], groove


def test_grooves_agree_on_what_an_energy_sounds_like():
    # a bridge may play another genre's groove; it must still sit in the song's energy order
    def measure(energy):
        bars = [grooves.bar_hits(g, FOUR_FOUR, energy) for g in GROOVES_44]
        return [len(h) for h in bars], [np.mean([x.velocity for x in h]) for h in bars]

    for low, high in ((0.0, 0.3), (0.2, 0.5), (0.4, 0.7), (0.6, 0.9), (0.7, 1.0)):
        (low_counts, low_velocities), (high_counts, high_velocities) = measure(low), measure(high)
        assert max(low_counts) < min(high_counts), (low, high)
        assert max(low_velocities) < min(high_velocities), (low, high)


@pytest.mark.parametrize("meter", METERS, ids=str)
def test_kicks_outside_fill_bars_keep_the_bass_grid(meter):
    # every kick of the grid (the song's own push with it) plays exactly on it, no
    # microtiming on the kick; a bar that ends a phrase may push one kick more in its second
    # half: never one left out
    for groove in grooves_for(meter):
        context, parts = song_parts(groove, meter)
        swing = feel.swing_amount(context)
        bar_beats = meter.beats_per_bar
        for section, notes in parts:
            grid = grooves.kick_onsets_beats(groove, meter, section.energy, seed=context.seed)
            steady_bars = section.bars - (1 if section.id < len(parts) - 1 else 0)
            pushed = 0
            for bar in range(steady_bars):
                played = [round(n.start_beats, 6) for n in in_bar(notes, bar, bar_beats)
                          if n.pitch in kick_notes(groove)]
                expected = {round(feel.swing_beats(bar * bar_beats + k, swing), 6)
                            for k in grid}
                extra = [p for p in played if p not in expected]
                assert expected <= set(played), (groove, section.kind, bar)
                assert len(extra) <= 1, (groove, section.kind, bar)
                assert all(p - bar * bar_beats >= bar_beats / 2 for p in extra)
                pushed += bool(extra)
            assert pushed <= steady_bars / 2, (groove, section.kind)


def test_kicks_grow_with_energy_and_are_deterministic():
    quiet = grooves.kick_onsets_beats("pop", Meter(4, 4), 0.2)
    loud = grooves.kick_onsets_beats("pop", Meter(4, 4), 0.9)
    assert set(quiet) < set(loud)
    assert quiet == grooves.kick_onsets_beats("pop", Meter(4, 4), 0.2)
    assert grooves.kick_onsets_beats("compound", Meter(12, 8), 0.0) == (0.0, 3.0)


def shifted(notes, beats):
    return sorted((round(n.start_beats - beats, 6), n.pitch) for n in notes)


def bar_pattern(notes, bar, bar_beats):
    """What a bar plays, on the sixteenth grid: ghost notes and the crash left out."""
    steps = {n: round((n.start_beats - bar * bar_beats) * 4) for n in in_bar(notes, bar, bar_beats)}
    return {(step, n.pitch) for n, step in steps.items()
            if not is_ghost(n, step) and n.pitch != 49}


def is_ghost(note, step):
    return note.pitch in (38, 40) and note.velocity < 50 and step % 2 == 1


@pytest.mark.parametrize("meter", METERS, ids=str)
def test_fills_into_a_hook_and_not_out_of_the_song(meter):
    for groove in grooves_for(meter):
        context, parts = song_parts(groove, meter)
        swing = feel.swing_amount(context)
        fills = feel.drum_feel(context.primary_genre).fills
        bar_beats = meter.beats_per_bar
        for section, notes in parts:
            last = in_bar(notes, section.bars - 1, bar_beats)
            if section.id == len(parts) - 1:
                # the outro's last bar has no fill: nothing its other bars do not play
                others = set().union(*(bar_pattern(notes, b, bar_beats)
                                       for b in range(section.bars - 1)))
                new = bar_pattern(notes, section.bars - 1, bar_beats) - others
                assert not any(pitch in FILL_VOICES for _, pitch in new), groove
                continue
            if parts[section.id + 1][0].kind != "chorus":
                continue
            half_start = section.bars * bar_beats - bar_beats / 2
            tail = [n for n in last if n.start_beats >= half_start - 0.05]
            if fills == "soft":  # a cymbal swell: a rising roll on a crash, no toms
                ride = [n.velocity for n in tail if n.pitch == 57]
                assert len(ride) >= 4 and ride[-1] >= ride[0] + 30, groove
                assert spearmanr(range(len(ride)), ride)[0] > 0.8, groove
                steady = {p for b in range(section.bars - 1)
                          for _, p in bar_pattern(notes, b, bar_beats)}
                assert not any(n.pitch in FILL_VOICES - {37, 38} - steady for n in tail)
                continue
            if fills == "hats":  # a hi-hat roll in thirty-seconds
                assert sum(n.pitch == 42 for n in tail) >= 8, groove
                continue
            # the second half of the last bar: no time-keeping, a roll on every eighth
            assert not any(n.pitch in TIME_KEEPERS for n in tail), (groove, section.kind)
            eighths = np.arange(half_start, section.bars * bar_beats - 1e-9, 0.5)
            rolled = [n.start_beats for n in tail if n.pitch in FILL_VOICES]
            for eighth in eighths:
                at = feel.swing_beats(eighth, swing)
                assert any(abs(r - at) < 0.05 for r in rolled), (groove, eighth)


def fill_span_beats(notes, section, bar_beats):
    """How much of the last bar is a snare or tom roll (0 when there is none)."""
    end = section.bars * bar_beats
    steady = {p for bar in range(section.bars - 1) for _, p in bar_pattern(notes, bar, bar_beats)}
    rolled = [n.start_beats for n in in_bar(notes, section.bars - 1, bar_beats)
              if n.pitch in FILL_VOICES and n.velocity >= 50
              and (n.pitch not in steady or n.pitch == 38)
              and round(n.start_beats * 4) % 4 != 0 or n.pitch in FILL_VOICES - {37, 38} - steady]
    return end - min(rolled) if rolled else 0.0


def test_fills_grow_with_the_change_into_the_next_section():
    song = (("verse", 0.6, 4), ("chorus", 0.9, 4), ("verse", 0.85, 4), ("outro", 0.3, 4))
    into_chorus, small = [], []
    for seed in range(8):
        _, parts = song_parts("pop", song=song, seed=seed)
        into_chorus.append(fill_span_beats(parts[0][1], parts[0][0], 4.0))
        small.append(fill_span_beats(parts[1][1], parts[1][0], 4.0))
        loud = in_bar(parts[0][1], 3, 4.0)
        assert not any(n.pitch == 42 for n in loud)
        assert any(40 < n.pitch <= 50 and n.pitch not in (42, 44, 46) for n in loud)
    # into the hook a whole bar, over a small change a beat at most, sometimes nothing
    assert min(into_chorus) >= 3.5
    assert max(small) <= 1.05 and min(small) < max(small)


def test_gentle_styles_never_fill_with_toms():
    context, parts = song_parts("folk")
    assert feel.drum_feel(context.primary_genre).fills == "soft"
    for section, notes in parts[:-1]:
        steady = set().union(*(bar_pattern(notes, b, 4.0) for b in range(section.bars - 1)))
        last = bar_pattern(notes, section.bars - 1, 4.0)
        assert not any(p in FILL_VOICES - {37, 38} for _, p in last - steady), section.kind


def test_crash_starts_loud_sections_and_marks_their_phrases():
    crash = grooves.crash()
    assert 0.4 <= crash.min_energy <= 0.6
    _, parts = song_parts("rock")
    for section, notes in parts:
        crashed = any(n.pitch == crash.note and n.start_beats == 0.0 for n in notes)
        assert crashed == (section.energy >= crash.min_energy), section.kind
        inside = {n.start_beats for n in notes if n.pitch == crash.note and n.start_beats > 0}
        if section.energy >= 0.8:  # a crash on the first beat of every four-bar phrase
            assert inside == {16.0 * p for p in range(1, section.bars // 4)}, section.kind
        elif section.energy < 0.6:
            assert not inside, section.kind
    assert not any(n.pitch == crash.note for n in parts[0][1])


@pytest.mark.parametrize("meter", METERS, ids=str)
def test_every_groove_gives_valid_notes_inside_the_section(meter):
    for groove in grooves_for(meter):
        song = (("intro", 0.0, 1), ("verse", 0.4, 2), ("chorus", 1.0, 3), ("outro", 0.7, 1))
        _, parts = song_parts(groove, meter, song=song)
        for section, notes in parts:
            end = section.bars * meter.beats_per_bar
            assert notes, (groove, section.kind)
            assert list(notes) == sorted(notes, key=lambda n: (n.start_beats, n.pitch))
            assert len({(n.start_beats, n.pitch) for n in notes}) == len(notes)  # no doubles
            for note in notes:
                assert 0.0 <= note.start_beats and note.end_beats <= end + 1e-9
                assert 0 < note.duration_beats <= 0.25
                assert 1 <= note.velocity <= 127 and 27 <= note.pitch <= 87


def test_same_seed_same_notes_and_another_seed_another_groove():
    first = song_parts("boom_bap", seed=3)[1]
    again = song_parts("boom_bap", seed=3)[1]
    assert first == again
    # seeds vary the variation bars, ghost notes and fills, not only the velocities
    played = {tuple(frozenset(bar_pattern(notes, b, 4.0)) for _, notes in
                    song_parts("boom_bap", seed=seed)[1] for b in range(4))
              for seed in range(6)}
    assert len(played) >= 4


def test_a_section_without_a_groove_plays_the_genre_groove():
    context = make_context("hip-hop", seed=2)
    plain = Section(0, "verse", 2, 0.6, ())
    named = Section(0, "verse", 2, 0.6, (), grooves.groove_names_for("hip-hop", FOUR_FOUR)[0])
    assert drums.generate(context, plain, LANE, rng_for(2, 0, "drums"), None) == \
        drums.generate(context, named, LANE, rng_for(2, 0, "drums"), None)
    # a style's hand-written groove comes first, then those of its MMA style files
    # a style plays the grooves of its MMA style files first, then its hand-written ones,
    # unless those were written for it
    jazz = grooves.groove_names_for("jazz", Meter(4, 4))
    assert jazz[0] == "jazz_swing" and all("/" in name for name in jazz[1:])
    bossa = grooves.groove_names_for("bossa-nova", Meter(4, 4))
    assert bossa[-1] == "pop" and all("/" in name for name in bossa[:-1])
    assert grooves.groove_names_for("rock", Meter(12, 8)) == ["compound"]
    assert grooves.groove_names_for("string-quartet", Meter(4, 4)) == ["pop"]  # bass grid


def test_unknown_or_mismatched_grooves_raise():
    with pytest.raises(ValueError, match="polka_x"):
        grooves.kick_onsets_beats("polka_x", Meter(4, 4), 0.5)
    with pytest.raises(ValueError, match="polka_x"):
        section = Section(0, "verse", 2, 0.5, (), "polka_x")
        drums.generate(make_context("pop"), section, LANE, rng_for(1, 0, "drums"), None)
    with pytest.raises(ValueError, match="waltz"):
        grooves.kick_onsets_beats("waltz", Meter(4, 4), 0.5)
    with pytest.raises(ValueError, match="7/8"):
        grooves.groove_names_for("pop", Meter(7, 8))
