#!/usr/bin/env bash
# Sets up what is missing, then runs the whole test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
if [ $# -eq 0 ]; then
  # The tests that time real-time work (a minute of playback under load, the window's thread
  # while a song is generated) run in a pytest process of their own, as the studio's audio
  # and window do: after the rest of the suite, the process's heap is several times a
  # studio's, and a full garbage collection of it holds every thread for a few hundred ms.
  # The rest runs on every core (at most four): each test module stays in one process, so a
  # module's shared fixture (the song suite renders many whole songs) is made once.
  .venv/bin/python -m pytest -q -m "not own_process" --numprocesses=auto --maxprocesses=4 \
    --dist loadscope
  exec .venv/bin/python -m pytest -q -m own_process
fi
exec .venv/bin/python -m pytest -q "$@"
