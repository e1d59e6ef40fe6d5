"""Convert the grooves of MMA's style library into resources/styles/mma_grooves.json.

MMA (Musical MIDI Accompaniment, Bob van der Poel, GPL-2.0-or-later) is needed only here, at
development time; the studio reads the JSON. Each style file is rendered by MMA itself over a
plain C major chord, one groove after another (each its sequence three times over, randomness
turned off), one MIDI file a track (-xTSplit), and the middle pass of every groove is read back:
drums as GM notes, the pitched tracks as semitones from middle C.

    nice -n 10 .venv/bin/python scripts/import_styles.py                  # the whole library
    .venv/bin/python scripts/import_styles.py --only stdlib/bossanova --out /tmp/b.json
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mido

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "styles" / "mma_grooves.json"
LIBRARY = Path("/usr/share/mma/lib")
LIBRARIES = ("stdlib", "casio", "kara", "pflib", "yamaha", "zoom", "alexis")
SKIPPED = re.compile(r"^(metronome.*|none)$")  # click tracks and silence, not styles
GM_DRUMS = range(27, 88)  # General MIDI (level 2) percussion keys
SOURCE = (
    "MMA (Musical MIDI Accompaniment) 21.09 by Bob van der Poel and its library's contributors "
    "(Casio, Yamaha and Zoom conversions, Peter Falk, Kara Music Production, Rony Steelandt, "
    "Alexis Archambault), GPL-2.0-or-later; the grooves of /usr/share/mma/lib "
    f"({', '.join(LIBRARIES)}) as MMA renders them over a C major chord with its randomising "
    "turned off, read back by scripts/import_styles.py. Beats are quarter notes of the written "
    "meter (MMA's beats rescaled where a compound meter counts dotted quarters or eighths), "
    "rounded to 1/24; semitones are MIDI pitch - 60; programs are General MIDI, 0-based."
)
TICKS = 192  # MMA writes 192 ticks a beat
GRID = 24  # positions a quarter note
CHORD_SPREAD_TICKS = 40  # notes of one strummed chord start within this of its first note
PAD_BAR_SHARE = 0.75  # a chord track whose median chord lasts this much of a bar is a pad
ROLE_OF_TRACK = {"BASS": "bass", "WALK": "bass", "CHORD": "comp", "PLECTRUM": "comp",
                 "ARPEGGIO": "arp", "SCALE": "arp", "ARIA": "arp", "SOLO": "arp",
                 "MELODY": "arp"}
QUIET = ("AllTracks RTime 0", "AllTracks RVolume 0", "AllTracks RSkip 0",
         "AllTracks RDuration 0")


def library_files(only: list[str] | None = None) -> list[tuple[str, Path]]:
    """(file id, path) of every style file, metronome and silence files left out."""
    found = []
    for lib in LIBRARIES:
        for path in sorted((LIBRARY / lib).glob("*.mma")):
            file_id = f"{lib}/{path.stem}"
            if SKIPPED.match(path.stem.lower()) or (only and file_id not in only):
                continue
            found.append((file_id, path))
    return found


def groove_names() -> dict[str, list[str]]:
    """path -> upper-case groove names, from the databases `mma -G` writes in each library."""
    names = {}
    for lib in LIBRARIES:
        data = (LIBRARY / lib / ".mmaDB").read_bytes()
        names.update(pickle.loads(data[data.index(b"\n") + 1:]))  # after a text header line
    return names


def run_mma(args: list[str], text: str, folder: Path, stem: str = "song") -> str:
    """Run mma on `text` in `folder`; its output, or RuntimeError with its error lines."""
    song = folder / f"{stem}.mma"
    song.write_text(text)
    done = subprocess.run(["mma", *args, str(song)], cwd=folder, capture_output=True,
                          text=True, timeout=600)
    errors = [line for line in (done.stdout + done.stderr).splitlines()
              if line.startswith("Error") and "PLUGIN" not in line]
    if done.returncode or errors:
        raise RuntimeError(" ".join(errors) or f"mma exited with {done.returncode}")
    return done.stdout


def groove_settings(path: Path, names: list[str], folder: Path) -> dict[str, tuple]:
    """name -> (bars in the sequence, MMA beats a bar, (numerator, denominator))."""
    lines = [f"Use {path}"]
    for name in names:
        lines += [f"Groove {name}", f"Print @@ {name} $_SeqSize $_Time $_TimeSig"]
    out = run_mma(["-n", "-w"], "\n".join(lines) + "\n", folder, "settings")
    settings = {}
    for line in out.splitlines():
        if line.startswith("@@ "):
            _, name, size, time, meter = line.split()[:5]
            numerator, denominator = meter.split("/")
            settings[name.upper()] = (int(size), float(time), (int(numerator), int(denominator)))
    return settings


def render(path: Path, settings: dict[str, tuple], folder: Path) -> dict[str, mido.MidiFile]:
    """Render every groove three sequences long; MMA track name -> its MIDI file."""
    lines, bar = ["RndSeed 1", f"Use {path}"], 1
    for index, (name, (size, _, _)) in enumerate(settings.items()):
        lines += [f"Groove {name}", "Seq", *QUIET, f"MidiMark g{index}"]
        for _ in range(3 * size):
            lines.append(f"{bar} C")
            bar += 1
    run_mma(["-xTSplit"], "\n".join(lines) + "\n", folder, "song")
    return {midi.stem.removeprefix("song-"): mido.MidiFile(midi)
            for midi in folder.glob("song-*.mid")}


def read_track(midi: mido.MidiFile) -> tuple[list[tuple], dict[str, int]]:
    """Notes (start, end, pitch, velocity, program, drum) in ticks, and the markers' ticks."""
    notes, markers, sounding = [], {}, {}
    for track in midi.tracks:
        tick, program = 0, {}
        for message in track:
            tick += message.time
            if message.type == "marker":
                markers[message.text] = tick
            elif message.type == "program_change":
                program[message.channel] = message.program
            elif message.type == "note_on" and message.velocity:
                key = (message.channel, message.note)
                sounding.setdefault(key, []).append((tick, message.velocity,
                                                     program.get(message.channel, 0)))
            elif message.type in ("note_on", "note_off"):
                key = (message.channel, message.note)
                if sounding.get(key):
                    start, velocity, prog = sounding[key].pop(0)
                    notes.append((start, tick, message.note, velocity, prog,
                                  message.channel == 9))
    return sorted(notes), markers


def chord_hits(notes: list[tuple]) -> list[list]:
    """Group a chord track's notes into hits [start, end, velocity, pitches] (strums joined)."""
    hits: list[list] = []
    for start, end, pitch, velocity, _, _ in notes:
        hit = hits[-1] if hits else None
        if hit and start - hit[0] < CHORD_SPREAD_TICKS and pitch not in hit[3]:
            hit[1], hit[2] = max(hit[1], end), max(hit[2], velocity)
            hit[3].append(pitch)
        else:
            hits.append([start, end, velocity, [pitch]])
    return hits


def merged_chords(hits: list[tuple]) -> list[list]:
    """Chord hits of several tracks at one beat become one: the longest, loudest, all notes."""
    by_beat: dict[int, list] = {}
    for beat, length, velocity, notes in sorted(hits):
        if beat in by_beat:
            hit = by_beat[beat]
            hit[1], hit[2] = max(hit[1], length), max(hit[2], velocity)
            hit[3] = sorted(set(hit[3]) | set(notes))
        else:
            by_beat[beat] = [beat, length, velocity, list(notes)]
    return list(by_beat.values())


def period_bars(parts: dict[str, list], size: int, bar: int) -> int:
    """The fewest bars whose pattern, repeated, plays the whole sequence."""
    for bars in range(1, size):
        if size % bars:
            continue
        span = bars * bar

        def chunks(events: list, span: int = span) -> set:
            return {(e[0] // span, e[0] % span, *map(str, e[1:])) for e in events}

        if all(_repeats(chunks(events), size // bars) for events in parts.values()):
            return bars
    return size


def _repeats(events: set, count: int) -> bool:
    first = {e[1:] for e in events if e[0] == 0}
    return all({e[1:] for e in events if e[0] == k} == first for k in range(1, count))


def swing_of(onsets_quarters: list[float]) -> float:
    """How late the off-beat eighths fall: 0 on the half beat .. 1 on the last triplet."""
    offbeats = sorted(q % 1 for q in onsets_quarters if 0.45 <= q % 1 <= 0.72)
    if not offbeats:
        return 0.0
    middle = offbeats[len(offbeats) // 2]
    return round(min(1.0, max(0.0, (middle - 0.5) * 6)), 2)


def convert_groove(setting: tuple, start: int, tracks: dict[str, list]) -> dict:
    """One groove's middle sequence as parts on the quarter-note grid (see the module doc)."""
    size, time, meter = setting
    quarters = meter[0] * 4 / meter[1]  # a bar of the written meter, in quarter notes
    scale = quarters / time  # quarter notes per MMA beat
    bar_ticks = round(time * TICKS)
    low = start + size * bar_ticks
    cycle = round(size * quarters * GRID)

    def grid(ticks: int) -> int:
        return round(ticks * scale * GRID / TICKS)

    parts: dict[str, list] = {"drums": [], "bass": [], "comp": [], "pad": [], "arp": []}
    programs: dict[str, Counter] = {role: Counter() for role in parts}
    onsets = []
    for name, notes in tracks.items():
        inside = [n for n in notes if low <= n[0] < low + size * bar_ticks]
        onsets += sorted({(n[0] - low) * scale / TICKS for n in inside})
        kind = name.split("-")[0]
        if kind == "DRUM" or (inside and inside[0][5]):
            parts["drums"] += [(grid(n[0] - low) % cycle, n[2], n[3]) for n in inside
                               if n[2] in GM_DRUMS]
            continue
        role = ROLE_OF_TRACK.get(kind, "arp")
        if role == "comp" and inside:
            hits = chord_hits(inside)
            lengths = sorted(h[1] - h[0] for h in hits)
            if lengths[len(lengths) // 2] * scale >= PAD_BAR_SHARE * quarters * TICKS:
                role = "pad"
            parts[role] += [(grid(h[0] - low) % cycle, max(1, grid(h[1] - h[0])), h[2],
                             sorted(p - 60 for p in h[3])) for h in hits]
        else:
            parts[role] += [(grid(n[0] - low) % cycle, n[2] - 60, max(1, grid(n[1] - n[0])),
                             n[3]) for n in inside]
        programs[role].update(n[4] for n in inside)
    loudest: dict[tuple, int] = {}
    for beat, note, velocity in parts["drums"]:
        loudest[beat, note] = max(velocity, loudest.get((beat, note), 0))
    parts["drums"] = sorted((beat, note, v) for (beat, note), v in loudest.items())
    for role in ("comp", "pad"):
        parts[role] = merged_chords(parts[role])
    for role in ("bass", "arp"):
        parts[role] = sorted(set(parts[role]))
    bars = period_bars(parts, size, round(quarters * GRID))
    span = bars * round(quarters * GRID)
    groove = {"meter": list(meter), "bars": bars,
              "swing": swing_of([q for q in onsets if q < bars * quarters])}
    for role, events in parts.items():
        groove[role] = [[_beat(e[0]), *e[1:]] if role in ("drums", "comp", "pad")
                        else [_beat(e[0]), e[1], _beat(e[2]), e[3]]
                        for e in events if e[0] < span]
        for event in groove[role]:
            if role in ("comp", "pad"):
                event[1] = _beat(event[1])
    groove["programs"] = {role: count.most_common(1)[0][0]
                          for role, count in programs.items() if count}
    return groove


def _beat(position: int) -> float | int:
    """A grid position as quarter notes, an integer when whole (keeps the JSON small)."""
    value = round(position / GRID, 4)
    return int(value) if value == int(value) else value


ROLE_SUFFIX = re.compile(r"(intro|ending|end|fill|break)(\d+|[a-d]{1,2}|sus|plus)*$")
ROLE_OF_SUFFIX = {"intro": "intro", "ending": "ending", "end": "ending", "fill": "fill",
                  "break": "fill"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def groove_roles(stem: str, names: list[str]) -> dict[str, str]:
    """name -> role: the groove named like the file (else its first plain one) is the main."""
    roles = {}
    for name in names:
        rest = _key(name).removeprefix(_key(stem))
        found = ROLE_SUFFIX.search(_key(name))
        if rest != _key(name) and rest == "e":  # pflib: <stem>A, <stem>FA, <stem>E
            roles[name] = "ending"
        elif rest != _key(name) and re.fullmatch(r"f[a-d]", rest):
            roles[name] = "fill"
        else:
            roles[name] = ROLE_OF_SUFFIX[found.group(1)] if found else "variation"
    plain = [n for n in names if _key(n) == _key(stem)]
    plain = plain or [n for n in names if roles[n] == "variation"]
    if plain:
        roles[plain[0]] = "main"
    return roles


def doc_and_tempo(path: Path) -> tuple[str, float | None]:
    """The file's Doc text on one line, and its Tempo when it sets one."""
    text = path.read_text(errors="replace")
    docs = re.findall(r"(?ims)^\s*begin\s+doc\b(.*?)^\s*end\b", text)
    docs += re.findall(r"(?im)^\s*doc\s+(.+)$", text)
    tempo = re.search(r"(?im)^\s*tempo\s+(\d+(?:\.\d+)?)\s*(?://.*)?$", text)
    value = float(tempo.group(1)) if tempo else None
    return " ".join(" ".join(docs).split()), (int(value) if value == int(value or 0) else value)


def convert_file(file_id: str, path: Path, names: list[str]) -> tuple[dict, dict[str, str]]:
    """Groove id -> groove for one style file, and groove name -> why it failed."""
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mma-") as folder:
        try:
            settings = groove_settings(path, names, Path(folder))
        except RuntimeError:
            settings = {}
            for name in names:  # find the grooves that fail alone
                try:
                    settings.update(groove_settings(path, [name], Path(folder)))
                except RuntimeError as alone:
                    failed[name] = str(alone)
        failed.update({n: "MMA printed no settings" for n in names
                       if n not in settings and n not in failed})
        if not settings:
            return {}, failed
        midi_files = render(path, settings, Path(folder))
    tracks, markers = {}, {}
    for track, midi in midi_files.items():
        tracks[track], markers = read_track(midi)[0], {**markers, **read_track(midi)[1]}
    roles = groove_roles(path.stem, names)
    grooves = {}
    for index, (name, setting) in enumerate(settings.items()):
        groove = convert_groove(setting, markers[f"g{index}"], tracks)
        if not (groove["drums"] or groove["bass"] or groove["comp"]):
            failed[name] = "plays no drums, bass or comp"
            continue
        lib = file_id.split("/")[0]
        grooves[f"{lib}/{name.lower()}"] = {"file": file_id, "role": roles[name], **groove}
    return grooves, failed


def convert_library(only: list[str] | None = None, workers: int = 2) -> tuple[dict, dict]:
    """The whole table, and file id -> {groove: why it failed}."""
    names = groove_names()
    files = library_files(only)

    def one(entry: tuple[str, Path]) -> tuple[dict, dict]:
        file_id, path = entry
        grooves = [n for n in dict.fromkeys(names.get(str(path), [])) if "METRONOME" not in n]
        try:
            return convert_file(file_id, path, grooves)
        except (RuntimeError, KeyError) as error:
            return {}, {name: f"{type(error).__name__}: {error}" for name in grooves}

    table = {"source": SOURCE, "files": {}, "grooves": {}}
    failures = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for (file_id, path), (grooves, failed) in zip(files, pool.map(one, files), strict=True):
            doc, tempo = doc_and_tempo(path)
            if grooves:
                table["files"][file_id] = {"grooves": list(grooves), "tempo": tempo, "doc": doc}
                table["grooves"].update(grooves)
            if failed:
                failures[file_id] = failed
    return table, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="file ids such as stdlib/bossanova")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table, failures = convert_library(args.only)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, separators=(",", ":")) + "\n")
    for file_id, failed in failures.items():
        for name, why in failed.items():
            print(f"failed {file_id} {name}: {why}", file=sys.stderr)
    count = sum(len(f) for f in failures.values())
    print(f"{len(table['grooves'])} grooves from {len(table['files'])} files, {count} failed; "
          f"{args.out.stat().st_size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    os.nice(10)  # rendering runs beside real-time measurements
    main()
