"""How soon a song rendered once is ready to play again: in a second process rendering the
same song, and in one reopening a project file that holds it. Both share the first one's
render cache (a folder in a temporary directory here; the user's cache folder in the studio).

    .venv/bin/python bench/render_cache.py [--prompt TEXT] [--seed N] [--length S]

Prints `name: value unit` lines. A second process's figures count from when its interpreter
and imports are up (the import time is printed apart); "ready to play" is the mix in memory,
as the window's audio worker has it before playback starts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATE = 44100


def first_render(args: argparse.Namespace, folder: Path, project_path: Path) -> None:
    from studio import engine
    from studio.engine.sound.cache import RenderCache
    from studio.engine.sound.renderer import SongRenderer
    from studio.project import Project

    song = engine.compose(args.prompt, args.seed, length_s=args.length)
    mixed = []

    def note_mixed(event: engine.ProgressEvent) -> None:
        if event.stage == "mix" and not mixed:
            mixed.append(time.perf_counter())

    started = time.perf_counter()
    renderer = SongRenderer(RATE, disk=RenderCache(folder))
    engine.render_song(song, RATE, renderer=renderer, progress=note_mixed)
    print(f"first render, ready to play: {mixed[0] - started:.3f} s")
    print(f"first render, mastered: {time.perf_counter() - started:.3f} s")
    print(f"sections rendered the first time: {renderer.rendered} sections")
    with Project.create(project_path) as project:
        project.commit(song, f'Generate from "{args.prompt}"', "generate")
    print(f"song length: {song.context.length_s:.1f} s")


def second_process(args: argparse.Namespace) -> dict:
    """Runs in the fresh interpreter: the song composed again or read from the project, then
    rendered from the cache."""
    started = time.perf_counter()
    from studio import engine
    from studio.engine.sound.cache import RenderCache
    from studio.engine.sound.renderer import SongRenderer
    from studio.project import Project

    figures = {"imports_s": time.perf_counter() - started}
    started = time.perf_counter()
    if args.child == "reopen":
        with Project.open(args.project) as project:
            song = project.load()
    else:
        song = engine.compose(args.prompt, args.seed, length_s=args.length)
    figures["song_s"] = time.perf_counter() - started
    cache = RenderCache(args.cache)
    renderer = SongRenderer(RATE, disk=cache)
    state = renderer.render(song)
    assert state.mix is not None
    figures["ready_s"] = time.perf_counter() - started
    if args.child == "export":
        rendered = engine.render_song(song, RATE, renderer=renderer)  # the mix is in hand
        figures["mastered_s"] = time.perf_counter() - started
        engine.export_song(song, rendered, Path(args.project).parent / "export",
                           engine.ExportOptions())
        figures["exported_s"] = time.perf_counter() - started
    figures.update(rendered=renderer.rendered, hits=cache.hits, misses=cache.misses)
    return figures


def run_child(args: argparse.Namespace, kind: str, folder: Path, project_path: Path) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--cache", str(folder), "--project",
               str(project_path), "--prompt", args.prompt, "--seed", str(args.seed),
               "--length", str(args.length)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompt", default="uplifting pop song about summer nights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--length", type=float, default=180.0)
    parser.add_argument("--child", choices=("render", "reopen", "export"), help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(second_process(args)))
        return
    with tempfile.TemporaryDirectory(prefix="ensemble-cache-bench-") as temporary:
        folder, project_path = Path(temporary) / "renders", Path(temporary) / "song.ensemble"
        first_render(args, folder, project_path)
        again = run_child(args, "render", folder, project_path)
        print(f"second process, imports: {again['imports_s']:.3f} s")
        print(f"second process, compose the song again: {again['song_s']:.3f} s")
        print(f"second render, ready to play: {again['ready_s'] - again['song_s']:.3f} s")
        print(f"second render, compose and ready to play: {again['ready_s']:.3f} s")
        print(f"second render, sections rendered: {again['rendered']} sections")
        print(f"second render, cache misses: {again['misses']} entries")
        reopened = run_child(args, "reopen", folder, project_path)
        print(f"reopen, read the project: {reopened['song_s']:.3f} s")
        print(f"reopen, read and ready to play: {reopened['ready_s']:.3f} s")
        print(f"reopen, sections rendered: {reopened['rendered']} sections")
        exported = run_child(args, "export", folder, project_path)
        mastered = exported["mastered_s"] - exported["ready_s"]
        print(f"second render, master from the cache: {mastered:.3f} s")
        print(f"second render, compose, master and export: {exported['exported_s']:.3f} s")
        size = sum(p.stat().st_size for p in folder.glob("*.npy"))
        print(f"cache size for the song: {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
