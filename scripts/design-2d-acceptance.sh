#!/usr/bin/env bash
# The d = 2 design acceptance runs (issue: nnft design), each validated on a fresh seed:
#   phi4-local-2d-weak (lambda = 0.1)  design vs first-order perturbation theory, within the errors
#                                       plus the O(lambda^2) estimate
#   phi4-local-2d      (lambda = 1)    design vs the network reference (the analytic construction at
#                                       width 1024 on quadrature momenta: the file's own regulator)
# About 15 minutes on two cores. Usage: scripts/design-2d-acceptance.sh [OUT_DIR] (needs a build: npx tsc -p .)
set -euo pipefail
out="${1:-runs/acceptance-2d}"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
nnft() { node "$here/../dist/cli/main.js" "$@"; }

nnft design targets/phi4-local-2d-weak.json --width 128 --ensemble 20000 --validation-ensemble 100000 --tolerance 0.2 --out "$out/weak" > "$out/weak.log" 2>&1 || true
nnft design targets/phi4-local-2d.json --target-method network --width 128 --ensemble 20000 --validation-ensemble 40000 --tolerance 0.2 --out "$out/strong" > "$out/strong.log" 2>&1 || true

# The O(lambda^2) allowance for the weak run: r = the one-loop estimate of the neglected second-order
# terms relative to the first-order ones (weak-coupling.ts, good to a factor ~3, so 3 r is allowed);
# G_c4 gets 3 r |first order|, G2 (whose first-order shift vanishes for a Wick-ordered phi^4) 3 r^2 G(0).
read -r c4 c2 < <(node --input-type=module -e "
  const { loadTarget } = await import('$here/../dist/theory/load-target.js');
  const { secondOrderEstimate } = await import('$here/../dist/correlators/weak-coupling.js');
  const { propagatorAtZero } = await import('$here/../dist/correlators/free-propagator.js');
  const { theory } = await loadTarget('targets/phi4-local-2d-weak.json');
  const r = secondOrderEstimate(theory);
  console.log(3 * r, 3 * r * r * propagatorAtZero(2, theory.mass, theory.momentumCutoff));")
echo "== lambda = 0.1: design (validation) vs first-order perturbation theory, allowance G_c4 $c4 x |PT|, G2 $c2"
node "$here/compare-within-errors.mjs" "$out/weak" "target:$out/weak" --systematic "4:$c4" --systematic "2:abs:$c2" || true
echo "== lambda = 1: design (validation) vs the network reference (same regulator)"
node "$here/compare-within-errors.mjs" "$out/strong" "target:$out/strong" || true
