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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mido

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import mma_patterns  # noqa: E402

OUT = ROOT / "resources" / "styles" / "mma_grooves.json"
LIBRARY = Path("/usr/share/mma/lib")
LIBRARIES = ("stdlib", "casio", "kara", "pflib", "yamaha", "zoom", "alexis")
SKIPPED = re.compile(r"^(metronome.*|none)$")  # click tracks and silence, not styles
SOURCE = (
    "MMA (Musical MIDI Accompaniment) 21.09 by Bob van der Poel and its library's contributors "
    "(Casio, Yamaha and Zoom conversions, Peter Falk, Kara Music Production, Rony Steelandt, "
    "Alexis Archambault), GPL-2.0-or-later; the grooves of /usr/share/mma/lib "
    f"({', '.join(LIBRARIES)}) as MMA renders them over a C major chord with its randomising "
    "turned off, read back by scripts/import_styles.py. Beats are quarter notes of the written "
    "meter (MMA's beats rescaled where a compound meter counts dotted quarters or eighths), "
    "rounded to 1/24; semitones are MIDI pitch - 60; programs are General MIDI, 0-based. Parts: "
    "bass from Bass and Walk tracks (a second, higher one as arp), comp from Chord and Plectrum "
    "tracks, pad from chord tracks named Sus or Pad or holding 3/4 bar or more, arp from "
    "Arpeggio and Scale tracks, drums from all Drum tracks (keys 27-87)."
)
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
    environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same choices on every run
    done = subprocess.run(["mma", *args, str(song)], cwd=folder, capture_output=True,
                          text=True, timeout=600, env=environment)
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


ROLE_SUFFIX = re.compile(r"(intro|ending|end|fill|break)(\d+|[a-d]{1,2}|sus|plus)*$")
ROLE_OF_SUFFIX = {"intro": "intro", "ending": "ending", "end": "ending", "fill": "fill",
                  "break": "fill"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def groove_roles(stem: str, names: list[str]) -> dict[str, str]:
    """name -> role: the groove named like the file (else its first plain one) is the main."""
    roles = {}
    for name in names:
        rest = _key(name).removeprefix(_key(stem)) if _key(name).startswith(_key(stem)) else ""
        found = ROLE_SUFFIX.search(_key(name))
        if rest == "e":  # pflib names its grooves <stem>A, <stem>FA (fill), <stem>E (ending)
            roles[name] = "ending"
        elif re.fullmatch(r"f[a-d]", rest):
            roles[name] = "fill"
        else:
            roles[name] = ROLE_OF_SUFFIX[found.group(1)] if found else "variation"
    plain = [n for n in names if _key(n) == _key(stem)]
    plain = plain or [n for n in names if roles[n] == "variation"]
    if plain:
        roles[plain[0]] = "main"
    return roles


def doc_and_tempo(path: Path) -> tuple[str, float | None]:
    """The file's Doc text on one line (else its first groove's description), and its Tempo
    when it sets one."""
    text = path.read_text(errors="replace")
    docs = re.findall(r"(?ims)^\s*begin\s+doc\b(.*?)^\s*end\b", text)
    docs += re.findall(r"(?im)^\s*doc\s+(.+)$", text)
    # files without a Doc (Zoom's) say at least what their first groove holds
    docs = docs or re.findall(r"(?im)^\s*defgroove\s+\S+\s+(\S.*)$", text)[:1]
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
        tracks[track], found = mma_patterns.read_track(midi)
        markers.update(found)
    roles = groove_roles(path.stem, names)
    grooves = {}
    for index, (name, setting) in enumerate(settings.items()):
        groove = mma_patterns.convert_groove(setting, markers[f"g{index}"], tracks)
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
