#!/bin/sh
# Puts Ensemble Studio in the desktop's menu and the `ensemble-studio` command on PATH, run
# from wherever this folder was unpacked (run it again after moving the folder).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$HOME/.local/bin"
cp "$here/ensemble-studio.png" "$data/icons/hicolor/256x256/apps/ensemble-studio.png"
sed "s|^Exec=ensemble-studio |Exec=\"$here/ensemble-studio\" |" \
  "$here/ensemble-studio.desktop" > "$data/applications/ensemble-studio.desktop"
ln -sf "$here/ensemble-studio" "$HOME/.local/bin/ensemble-studio"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "Ensemble Studio is in the desktop's menu; the command is $HOME/.local/bin/ensemble-studio"
