#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds the release and asan presets,
# and runs their GoogleTest suites (and the Python/pytest tests registered with ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
presets=${AMORCE_PRESETS:-"release asan"}
for preset in $presets; do
  echo "== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "${AMORCE_JOBS:-2}"
  ctest --preset "$preset"
done
