"""Playback soak: a 3-minute song played and looped through a JACK server with its dummy
driver (48 kHz, 512-frame periods) on the default latency, for 15 minutes, while the worker
composes and renders songs one after another, another process keeps a core busy, and this
process (standing in for the window) holds its interpreter for 300 ms every 2 s in one C
call. Prints the underflows, whether the device was reported lost, the longest time
between two audio callbacks, and the cycles the JACK server found late with the clients it
was waiting for.

    .venv/bin/python bench/playback_soak.py [--minutes 15]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.jack_device import RATE, jack_device  # noqa: E402
from tests.load import busy_core, gil_holder, machine_stalls  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15.0)
    minutes = parser.parse_args().minutes
    from studio import engine
    from studio.engine.playback import share_audio
    from studio.engine.playback.client import AudioProcess
    from studio.engine.playback.server import DEFAULT_LATENCY, LATENCIES
    from studio.engine.sound.renderer import SongRenderer
    from studio.engine.worker import WARM_UP
    from studio.engine.worker.process import Worker
    from studio.engine.worker.tasks import unpack

    song = engine.compose("uplifting pop song about summer nights", 1, length_s=180)
    state = SongRenderer(RATE).render(song)
    names = list(state.wet)
    arrays = [state.wet[n] for n in names] + [state.stems[n] for n in ("reverb", "delay")]
    songs, lost = 0, None
    # the worker loads its SoundFont as it starts, as the window's audio worker does
    with jack_device() as device, Worker(warm_up=(WARM_UP, {"sample_rate": RATE})) as worker:
        worker.start()
        worker.warm.wait(60)
        audio = AudioProcess(RATE, device=device.index)
        description = share_audio(arrays, names, RATE, os.getpid())
        audio.load(song.lanes, description)
        audio.set_loop(0, description["length"])
        with busy_core(), gil_holder(0.3, 2.0) as held, machine_stalls() as machine:
            try:
                audio.play()
                started = time.monotonic()
                while time.monotonic() - started < minutes * 60:
                    handle = worker.submit("studio.engine.worker.tasks:render",
                                           {"prompt": "driving rock anthem", "seed": songs,
                                            "length_s": 120, "sample_rate": RATE})
                    unpack(handle.result(300))
                    songs += 1
                    lost = lost or audio.check()
                lost = lost or audio.check()
                playing = audio.playing
                underflows, worst, callbacks = (audio.underflows, audio.worst_gap_s,
                                                audio.callbacks)
                late_callbacks = audio.late_callbacks()
            finally:
                audio.close()
        late = device.xruns()  # read before the server and its log go
    period = LATENCIES[DEFAULT_LATENCY][0] / RATE
    print(f"minutes: {minutes:g} min")
    print(f"songs rendered meanwhile: {songs} songs")
    print(f"interpreter holds of 300 ms: {len(held)} holds (longest {max(held) * 1000:.0f} ms)")
    print(f"callbacks: {callbacks} callbacks")
    print(f"underflows: {underflows}")
    print(f"device lost: {0 if lost is None else 1} ({lost or 'never'})")
    print(f"still playing: {int(playing)}")
    print(f"worst callback gap: {worst * 1000:.1f} ms (block period {period * 1000:.1f} ms)")
    print(f"late cycles by the server's account: {len(late)} cycles")
    print(f"machine stalls: {machine}")
    _, excused = machine.judge(late_callbacks, 2 * period)
    print(f"late callbacks while the machine stalled: {len(excused)} callbacks "
          f"(of the last {len(late_callbacks)} kept)")
    for clients in late:  # which clients it found unfinished, and in what state
        print("  late:", ", ".join(f"{client} {state}" for client, state in clients))


if __name__ == "__main__":
    main()
