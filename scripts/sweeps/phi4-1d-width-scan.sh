#!/usr/bin/env bash
# Width scan of local phi^4 in d = 1 (lambda = 0.5) at widths 32, 64, 128, 256, extrapolated to
# infinite width with O(N) = O_inf + c1/N (weighted least squares, errors from the fit covariance)
# and compared with the exact spectral targets. The sweep file, with the settings and what they buy,
# is examples/sweeps/phi4-1d-width-scan.json. About 10 minutes on two cores.
#
# usage: scripts/sweeps/phi4-1d-width-scan.sh [OUT_DIR] [more nnft sweep flags, e.g. --parallel 2]
# Writes OUT_DIR/extrapolation.json, summary.csv, summary.jsonl, report.html, and prints O_inf ±
# error against the exact value, the pull and the fit's chi^2/dof for every correlator.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-runs/phi4-1d-width-scan}"
shift $(( $# > 0 ? 1 : 0 ))
status=0
node "$root/dist/cli/main.js" sweep "$root/examples/sweeps/phi4-1d-width-scan.json" --out "$out" --report "$@" || status=$?
node "$root/scripts/sweeps/summarize-sweep.mjs" "$out"
exit "$status"
