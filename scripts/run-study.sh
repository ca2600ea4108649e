#!/usr/bin/env bash
# Sets up and runs the default study: installs missing Debian packages, builds amorce
# (release preset), prints the base case and runs the Monte Carlo study of the bundled
# garage solidaire scenario. Extra arguments go to `amorce run` (e.g. --paths 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${AMORCE_JOBS:-2}" --target amorce
scenario=${AMORCE_SCENARIO:-scenarios/garage_solidaire_aci.yaml}
./build/release/amorce check "$scenario" >/dev/null
./build/release/amorce run "$scenario" --out results/garage --report results/garage/report.html "$@"
echo "files written to results/garage/ (summary.json, CSV files, report.html)"
