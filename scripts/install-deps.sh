#!/usr/bin/env bash
# Installs the Debian 12 packages amorce needs to build and test, only when missing.
set -euo pipefail
pkgs=(build-essential cmake ninja-build libyaml-cpp-dev libcli11-dev libfmt-dev libeigen3-dev
      libboost-dev libboost-math-dev librandom123-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
      python3-dev pybind11-dev python3-numpy python3-pytest python3-scipy python3-matplotlib)
# the project officer's workbook (amorce run --out: NAME.xlsx) and its read-back test
pkgs+=(libxlsxwriter-dev pkg-config python3-openpyxl)
# fuzzing (fuzz/run.sh): clang 14 and its runtime libraries (libFuzzer, ASan, UBSan)
pkgs+=(clang-14 libclang-rt-14-dev)
# the funder's report: headless Chromium for its browser test (tests/browser)
pkgs+=(chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# the funder's report: vega, vega-lite, vega-embed and playwright-core pinned by report/package-lock.json
if command -v npm >/dev/null 2>&1 && [ ! -d "$(dirname "$0")/../report/node_modules" ]; then
  npm ci --prefix "$(dirname "$0")/../report" --no-audit --no-fund --loglevel=error
fi
