#!/usr/bin/env bash
# Coupling scan of local phi^4 in d = 1: lambda = 0.1 .. 6 (8 points, log-spaced), each point an
# `nnft design` against the exact spectral targets. The sweep file, with the design budget and what
# it buys, is examples/sweeps/phi4-1d-coupling-scan.json. About 10 minutes on two cores.
#
# usage: scripts/sweeps/phi4-1d-coupling-scan.sh [OUT_DIR] [more nnft sweep flags, e.g. --parallel 2]
# Rerunning with the same OUT_DIR skips finished points. Writes OUT_DIR/summary.csv, summary.jsonl,
# report.html, and prints a table of achieved vs exact correlators per coupling.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-runs/phi4-1d-coupling-scan}"
shift $(( $# > 0 ? 1 : 0 ))
status=0
node "$root/dist/cli/main.js" sweep "$root/examples/sweeps/phi4-1d-coupling-scan.json" --out "$out" --report "$@" || status=$?
node "$root/scripts/sweeps/summarize-sweep.mjs" "$out"
exit "$status"
