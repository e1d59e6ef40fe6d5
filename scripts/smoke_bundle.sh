#!/usr/bin/env bash
# The bundle on its own (after scripts/build.sh): run from an empty folder outside the
# repository, with a bare environment (no .venv on PATH, no PYTHONPATH, a fresh home), its
# program must
#   - print its version and the NOTICE, and be installed in the menu and on PATH by install.sh;
#   - render a 30 s song read by meaning (the embedding model on torch) whose vocal stem is
#     sung (not silent), loading Flite and espeak-ng from the bundle, not from the system;
#   - open its window offscreen with no arguments and keep it open for 20 s, its workers
#     started as workers (not as more windows), create its project file, and close on
#     SIGTERM with exit code 0 and no child left;
#   - read that project file back (the migrations ran).
# Any failure ends the script with a message and exit code 1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
program=${1:-$repo/dist/ensemble-studio/ensemble-studio}
[ -x "$program" ] || { echo "smoke: no bundle at $program (run scripts/build.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/ensemble-smoke.XXXXXX)
window_pid=""
cleanup() {
  [ -n "$window_pid" ] && kill -KILL "$window_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
mkdir home
fail() { echo "smoke: $*" >&2; exit 1; }
bare=(env -i HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8)
# a stem's RMS level in dB (sox reads it, so no Python is needed)
rms_db() { sox "$1" -n stats 2>&1 | awk '/^RMS lev dB/ {print $4}'; }

"${bare[@]}" "$program" --version > version.txt || fail "--version failed"
grep -q "^Ensemble Studio [0-9]" version.txt || fail "--version gives no version"
grep -q "Flite" version.txt || fail "--version gives no licences (NOTICE)"

# the installer puts the entry in the menu and the command on PATH, which runs through its link
"${bare[@]}" sh "$(dirname "$program")/install.sh" > install.txt || fail "install.sh failed"
grep -q "^Exec=\"$program\" open %f$" home/.local/share/applications/ensemble-studio.desktop \
  || fail "the installed desktop entry does not start $program"
"${bare[@]}" home/.local/bin/ensemble-studio --version > linked.txt \
  && grep -q "^Ensemble Studio [0-9]" linked.txt || fail "the installed command does not run"

# a prompt that names no style, so the style is read by meaning with the embedding model
started=$(date +%s)
"${bare[@]}" LD_DEBUG=files LD_DEBUG_OUTPUT="$work/loaded" "$program" render \
  "rain on a quiet night, soft singing" --length 30 --seed 3 -o song > render.txt 2>&1 \
  || { cat render.txt >&2; fail "the render failed"; }
echo "smoke: rendered in $(( $(date +%s) - started )) s: $(tail -3 render.txt | tr '\n' ' ')"
grep -q "guessed from" render.txt || fail "the style was not read by meaning: $(cat render.txt)"
for file in master.wav song.mid lyrics.lrc lead-sheet.musicxml; do  # music21 writes the last
  [ -s "song/$file" ] || fail "the render wrote no $file"
done
length_s=$(soxi -D song/master.wav)
awk -v s="$length_s" 'BEGIN {exit !(s >= 28 && s <= 36)}' \
  || fail "the master is $length_s s long, not about 30 s"
vocal=$(ls song/stems/*-vocal.wav 2>/dev/null | head -1)
[ -n "$vocal" ] || fail "there is no vocal stem: $(ls song/stems)"
level=$(rms_db "$vocal")
awk -v db="$level" 'BEGIN {exit !(db != "-inf" && db > -45)}' \
  || fail "the vocal stem is silent (RMS $level dB)"
echo "smoke: the vocal stem's RMS is $level dB; the master is $length_s s"
# which copies of the speech libraries the program loaded
inits=$(cat "$work"/loaded.* | grep "calling init:" | grep -E "libflite|libespeak" || true)
bundle_dir=$(dirname "$program")
grep -q "$bundle_dir/.*libflite.so" <<< "$inits" || fail "Flite was not loaded: $inits"
if grep -v "$bundle_dir/" <<< "$inits" | grep -q .; then
  fail "libraries loaded from outside the bundle: $(grep -v "$bundle_dir/" <<< "$inits")"
fi
rm -f "$work"/loaded.*

"${bare[@]}" QT_QPA_PLATFORM=offscreen "$program" > window.txt 2>&1 &
window_pid=$!
sleep 20
kill -0 "$window_pid" 2>/dev/null || { cat window.txt >&2; fail "the window did not stay open"; }
children=$(ps --ppid "$window_pid" -o args= || true)
grep -q -- "--multiprocessing-fork" <<< "$children" || fail "no worker started: $children"
if grep -v -- "--multiprocessing-fork" <<< "$children" | grep -v "multiprocessing.resource_tracker" \
    | grep -q .; then
  fail "a child process is not a worker: $children"
fi
projects=$(ls home/Documents/Ensemble/*.ensemble 2>/dev/null || true)
[ "$(wc -l <<< "$projects")" -eq 1 ] && [ -n "$projects" ] \
  || fail "the window should have made one project, it made: ${projects:-none}"
child_pids=$(ps --ppid "$window_pid" -o pid=)
kill -TERM "$window_pid"
code=0
wait "$window_pid" || code=$?
window_pid=""
[ "$code" -eq 0 ] || { cat window.txt >&2; fail "the window ended with exit code $code"; }
! grep -q "Traceback" window.txt || { cat window.txt >&2; fail "the window raised"; }
for _ in $(seq 20); do  # the children see their parent gone and end within a few seconds
  alive=$(for pid in $child_pids; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done || true)
  [ -z "$alive" ] && break
  sleep 0.5
done
[ -z "$alive" ] || fail "children outlived the window: $(ps -o pid=,args= -p "${alive//$'\n'/,}")"
"${bare[@]}" "$program" log "$projects" > log.txt 2>&1 || { cat log.txt >&2; fail "the project is unreadable"; }
echo "smoke: the window stayed open 20 s with its workers, made $(basename "$projects") and closed"
echo "smoke: passed"
