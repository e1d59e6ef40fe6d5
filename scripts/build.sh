#!/usr/bin/env bash
# Builds the desktop bundle dist/ensemble-studio/ with PyInstaller (build.spec), adds its
# desktop entry, icon and installer, and packs it as
# dist/ensemble-studio-VERSION-linux-x86_64.tar.gz. Prints the sizes and what takes the space.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
version=$(.venv/bin/python -c "import studio; print(studio.__version__)")
bundle=dist/ensemble-studio
tarball=dist/ensemble-studio-$version-linux-x86_64.tar.gz

rm -rf "$bundle" "$tarball"
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN build.spec
# torch's CPU library carries its symbol table (90 MB of 430); the linker needs none of it
strip --strip-unneeded "$bundle"/_internal/torch/lib/*.so*
cp resources/desktop/ensemble-studio.desktop resources/desktop/install.sh \
  resources/icons/ensemble-studio.png "$bundle/"
# gzip's fastest level: a quarter of the time of the default for a few per cent more bytes
tar -C dist -cf - ensemble-studio | gzip -1 > "$tarball"

echo "bundle: $(du -sh "$bundle" | cut -f1)  tarball: $(du -sh "$tarball" | cut -f1) ($tarball)"
echo "largest parts:"
du -s "$bundle"/_internal/* | sort -rn | head -8 \
  | awk '{printf "  %6.0f MB  %s\n", $1 / 1024, $2}'
