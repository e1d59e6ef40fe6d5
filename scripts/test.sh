#!/usr/bin/env bash
# Sets up what is missing, then runs the whole test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
if [ $# -eq 0 ]; then
  # The minute of playback under load runs in a pytest process of its own, as the studio's
  # audio does: after the rest of the suite in the same process it meets stalls of 15-26 ms
  # that a fresh process does not.
  .venv/bin/python -m pytest -q -m "not own_process"
  exec .venv/bin/python -m pytest -q -m own_process
fi
exec .venv/bin/python -m pytest -q "$@"
