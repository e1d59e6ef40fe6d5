#!/usr/bin/env bash
# Prepares a Debian machine for Ensemble Studio: system packages, then the virtual
# environment at .venv with the `studio` command. Safe to run again; it only does what is
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-dev build-essential   # Python 3.11 and a compiler
  portaudio19-dev libportaudio2                      # sounddevice, and PyAudio for tinysoundfont
  libsndfile1 sox                                    # audio files; sox reads them back in tests
  jackd2                                             # a paced sound card without hardware, for tests
  fluid-soundfont-gm                                 # FluidR3_GM, the General MIDI SoundFont played
  fluidsynth                                         # the yardstick of bench/render_song.py
  libflite1                                          # Flite: the speech the singing voices start from
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3   # Qt, also offscreen
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    PYTHON=$candidate; break
  fi
done
[ -n "$PYTHON" ] || { echo "Ensemble Studio needs Python 3.11" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Reinstall only when the declared dependencies change.
stamp=.venv/.installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,build]"
  echo "$wanted" > "$stamp"
fi
