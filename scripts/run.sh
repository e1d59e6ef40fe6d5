#!/usr/bin/env bash
# Sets up what is missing, then starts Ensemble Studio (arguments go to the `studio` command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/studio "$@"
