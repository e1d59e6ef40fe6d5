"""The arranger's report: composes a suite of prompts (notes only, no audio) and prints the
craft measures of studio.engine.composing.craft for each song, then the suite's totals,
one `name: value` line each (the figures tests/test_arrangement_craft.py holds to the
thresholds of the arrangement issue).

    .venv/bin/python scripts/arranger_report.py                  # tests/data/craft_prompts.toml
    .venv/bin/python scripts/arranger_report.py --prompt "sad folk song" --seeds 1 2 3
    .venv/bin/python scripts/arranger_report.py --suite other.toml --length 120
    .venv/bin/python scripts/arranger_report.py --keys   # and music21's key of each MIDI file
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: a studio named there is the one measured

from studio import engine  # noqa: E402  (the path above makes the studio importable)
from studio.engine.composing import craft  # noqa: E402
from studio.engine.model import Composition  # noqa: E402
from studio.engine.theory import MINOR_LIKE  # noqa: E402

SUITE = ROOT / "tests" / "data" / "craft_prompts.toml"


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    style: str = ""


@dataclass(frozen=True)
class Song:
    prompt: Prompt
    seed: int
    composition: Composition


def load_suite(path: Path = SUITE) -> tuple[list[Prompt], list[int], float]:
    """The suite's prompts, seeds and song length in seconds."""
    table = tomllib.loads(path.read_text())
    prompts = [Prompt(p["name"], p["text"], p.get("style", "")) for p in table["prompt"]]
    return prompts, list(table["seeds"]), float(table["length_s"])


def compose_suite(prompts: list[Prompt], seeds: list[int], length_s: float) -> list[Song]:
    """Every prompt composed with every seed (compose only)."""
    return [Song(p, seed, engine.compose(p.text, seed, length_s=length_s))
            for p in prompts for seed in seeds]


def song_figures(c: Composition) -> dict[str, object]:
    """One song's measures, by name, as the report prints them."""
    silent, lanes = craft.silent_section_lanes(c)
    varied, sections = craft.varied_drum_sections(c)
    rests = craft.vocal_rests(c)
    hooks = craft.chorus_hooks(c)
    return {
        "style": c.context.primary_genre,
        "silent lanes": f"{silent}/{lanes}",
        "chorus lift": craft.chorus_lift(c),
        "ending": craft.ending(c),
        "varied drums": f"{varied}/{sections}",
        "off grid": craft.off_grid_share(c),
        "backbeat": craft.has_backbeat(c),
        "ghosts": craft.ghost_notes(c),
        "crowding": craft.vocal_crowding(c),
        "hooks": f"{sum(hooks)}/{len(hooks)}",
        "rests >= 1 beat": _share(sum(r >= 1.0 for r in rests), len(rests)),
        "lowest bass": craft.lowest_note(c, "bass"),
        "bass root": craft.bass_root_share(c),
        "bass on kicks": craft.bass_on_kicks(c),
        "keys doubling pad": craft.keys_doubling_pad(c),
        "vocal on beat": craft.vocal_on_beat_share(c),
        "verse 2 kept": craft.verse_melody_kept(c),
    }


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def suite_figures(songs: list[Song]) -> dict[str, float | str | None]:
    """The suite's totals: the acceptance figures first, then the descriptive ones."""
    cs = [s.composition for s in songs]
    silent = [craft.silent_section_lanes(c) for c in cs]
    lifts = [(craft.chorus_lift(c), c) for c in cs]
    first_npb = last_npb = 0.0
    for lift, c in lifts:
        if lift is not None:
            choruses = [s for s in c.sections if s.kind in craft.CHORUS_KINDS]
            first_npb += craft.notes_per_bar(c, choruses[0])
            last_npb += craft.notes_per_bar(c, choruses[-1])
    varied = [craft.varied_drum_sections(c) for c in cs]
    off_grid = [g for g in (craft.off_grid_share(c) for c in cs) if g is not None]
    backbeat = [c for c in cs if craft.has_backbeat(c)]
    crowd = _crowding_totals(cs)
    hooks = [h for c in cs for h in craft.chorus_hooks(c)]
    rests = [r for c in cs for r in craft.vocal_rests(c)]
    lows = [low for low in (craft.lowest_note(c, "bass") for c in cs) if low is not None]
    opening, spread = craft.opening_spread(cs)
    return {
        "songs": len(cs),
        "silent section-lane share": _share(sum(s for s, _ in silent), sum(t for _, t in silent)),
        "silent section-lane share, lead too": _share(
            sum(craft.silent_section_lanes(c, craft.BAND_LANES)[0] for c in cs),
            sum(craft.silent_section_lanes(c, craft.BAND_LANES)[1] for c in cs)),
        "last chorus notes per bar over first": _share(last_npb, first_npb),
        "songs whose last chorus lifts 15%": _share(
            sum(1 for lift, _ in lifts if lift is not None and lift >= 1.15),
            sum(1 for lift, _ in lifts if lift is not None)),
        "songs ending with an ending": _share(
            sum(craft.ending(c) != "cut" for c in cs), len(cs)),
        "varied drum section share": _share(sum(v for v, _ in varied), sum(n for _, n in varied)),
        "songs with 10% drum onsets off grid": _share(
            sum(g >= 0.1 for g in off_grid), len(off_grid)),
        "drum onsets off grid (median song)": _median(off_grid),
        "backbeat songs with ghost notes": _share(
            sum(craft.ghost_notes(c) >= 4 for c in backbeat), len(backbeat)),
        "prompts whose seeds differ in groove": _groove_difference(songs),
        "sung time crowded by keys or pad": crowd,
        "sung choruses with a hook": _share(sum(hooks), len(hooks)),
        "rests of a beat or longer": _share(sum(r >= 1.0 for r in rests), len(rests)),
        "lowest bass note": min(lows, default=None),
        "most shared 3-word opening": opening,
        "songs with that opening": spread,
        "bass on chord roots (median)": _median([craft.bass_root_share(c) for c in cs]),
        "bass on kicks (median)": _median([craft.bass_on_kicks(c) for c in cs]),
        "keys doubling pad (median)": _median([craft.keys_doubling_pad(c) for c in cs]),
        "sung notes on the beat (median)": _median([craft.vocal_on_beat_share(c) for c in cs]),
        "verse 2 keeps verse 1 (median)": _median([craft.verse_melody_kept(c) for c in cs]),
        "songs in minor keys or modes": _share(
            sum(c.context.key.mode != "major" for c in cs), len(cs)),
    }


def _crowding_totals(cs: list[Composition]) -> float | None:
    """Crowded sung time over all sung time of the suite."""
    crowded = total = 0.0
    for c in cs:
        share = craft.vocal_crowding(c)
        if share is not None:
            sung = sum(n.duration_beats for n in c.lane_notes("vocal"))
            crowded += share * sung
            total += sung
    return _share(crowded, total)


def _groove_difference(songs: list[Song]) -> float | None:
    """Share of prompts whose seeds play different grooves (any two of them)."""
    by_prompt: dict[str, list[Composition]] = {}
    for song in songs:
        by_prompt.setdefault(song.prompt.name, []).append(song.composition)
    differ = [any(craft.grooves_differ(a, b) for i, a in enumerate(cs) for b in cs[i + 1:])
              for cs in by_prompt.values()]
    return _share(sum(differ), len(differ))


def music21_key(c: Composition) -> tuple[int, str]:
    """music21's key analysis of the song's MIDI file: (tonic pitch class, major | minor)."""
    import music21  # only with --keys: it takes seconds to import

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "song.mid"
        engine.write_midi(c, path)
        key = music21.converter.parse(str(path)).analyze("key")
    return key.tonic.pitchClass, key.mode


def key_agrees(c: Composition, estimate: tuple[int, str]) -> bool:
    """The estimate names the song's key, its relative, or (for a mode) the major or minor
    key of the same tonic and third, as tests/test_song_suite.py judges it."""
    tonic = c.context.key.tonic_pc
    if c.context.key.mode in MINOR_LIKE:
        wanted = {(tonic, "minor"), ((tonic + 3) % 12, "major")}
    else:
        wanted = {(tonic, "major"), ((tonic + 9) % 12, "minor")}
    return estimate in wanted


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "-" if value is None else str(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=SUITE)
    parser.add_argument("--prompt", action="append", help="a prompt instead of the suite")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--length", type=float, help="song length in seconds")
    parser.add_argument("--keys", action="store_true",
                        help="also music21's key analysis of each song's MIDI file")
    args = parser.parse_args(argv)
    prompts, seeds, length_s = load_suite(args.suite)
    if args.prompt:
        prompts = [Prompt(text[:24], text) for text in args.prompt]
    songs = compose_suite(prompts, args.seeds or seeds, args.length or length_s)
    agreed = 0
    for song in songs:
        figures = song_figures(song.composition)
        if args.keys:
            estimate = music21_key(song.composition)
            agreed += key_agrees(song.composition, estimate)
            figures["key"] = song.composition.context.key.name
            figures["music21 key"] = f"{song.composition.context.key.spell(estimate[0])} " \
                                     f"{estimate[1]}"
        print(f"{song.prompt.name} (seed {song.seed}): "
              + "; ".join(f"{k} {_shown(v)}" for k, v in figures.items()))
    print()
    for name, value in suite_figures(songs).items():
        print(f"{name}: {_shown(value)}")
    if args.keys:
        print(f"music21 key agrees: {_shown(agreed / len(songs))}")


if __name__ == "__main__":
    main()
