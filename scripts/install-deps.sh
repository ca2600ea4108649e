#!/usr/bin/env bash
# Installs the Debian 12 packages amorce needs to build and test, only when missing.
set -euo pipefail
pkgs=(build-essential cmake ninja-build libyaml-cpp-dev libcli11-dev libfmt-dev libeigen3-dev
      libboost-dev libboost-math-dev librandom123-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
      python3-dev pybind11-dev python3-numpy python3-pytest python3-scipy python3-matplotlib)
# grouped Sobol reference (tests/reference/grouped_sobol_openturns.py, ctest grouped_sobol_openturns)
pkgs+=(python3-openturns)
# the project officer's workbook (amorce run --out: NAME.xlsx) and its read-back test
pkgs+=(libxlsxwriter-dev pkg-config python3-openpyxl)
# fuzzing (fuzz/run.sh): clang 14 and its runtime libraries (libFuzzer, ASan, UBSan)
pkgs+=(clang-14 libclang-rt-14-dev)
# the funder's report: headless Chromium for its browser test (tests/browser)
pkgs+=(chromium)
# portfolios across processes (`mpirun -n R amorce portfolio`, docs/portfolio.md): Open MPI and Boost.MPI
pkgs+=(openmpi-bin libopenmpi-dev libboost-mpi-dev)
# the synthetic portfolio generator (scripts/portfolio-generate.py)
pkgs+=(python3-yaml)
# `amorce serve` (the what-if page): the HTTP server library
pkgs+=(libcpp-httplib-dev)
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
# the funder's report: vega, vega-lite, vega-embed, playwright-core and puppeteer-core (the what-if
# page's browser test) pinned by report/package-lock.json; also when a package was added since
report="$(dirname "$0")/../report"
if command -v npm >/dev/null 2>&1 && { [ ! -d "$report/node_modules" ] || [ ! -d "$report/node_modules/puppeteer-core" ]; }; then
  npm ci --prefix "$(dirname "$0")/../report" --no-audit --no-fund --loglevel=error
fi
