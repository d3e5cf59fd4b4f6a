/**
 * Tanh-sinh (double exponential) quadrature on a finite interval: robust for integrands with
 * integrable endpoint singularities (1/sqrt, logs), where Gauss rules converge slowly. The step is
 * halved until two successive levels agree; their difference is the reported error estimate.
 */
import { CompensatedSum } from './compensated-sum.js';
import type { QuadratureResult } from './adaptive-quadrature.js';

export interface TanhSinhOptions {
  absoluteTolerance?: number;
  relativeTolerance?: number;
  /** Number of step halvings after the first level (level 0 has step 1). */
  maxLevels?: number;
}

/** int_lower^upper f(x) dx with f evaluated only strictly inside the interval. */
export function integrateTanhSinh(f: (x: number) => number, lower: number, upper: number, options: TanhSinhOptions = {}): QuadratureResult {
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) throw new RangeError('tanh-sinh needs a finite interval');
  if (lower === upper) return { value: 0, error: 0, evaluations: 0, converged: true };
  const absoluteTolerance = options.absoluteTolerance ?? 1e-12;
  const relativeTolerance = options.relativeTolerance ?? 1e-10;
  const maxLevels = options.maxLevels ?? 10;
  const halfWidth = 0.5 * (upper - lower);
  // Beyond |t| = tMax the nodes are within float64 resolution of the endpoints.
  const tMax = 4.0;
  let evaluations = 0;
  const sum = new CompensatedSum();
  const addNode = (t: number): void => {
    const u = 0.5 * Math.PI * Math.sinh(t);
    const coshU = Math.cosh(u);
    // Distance from the endpoint as 1 - tanh(|u|) = 2 / (1 + e^{2|u|}), free of cancellation.
    const complement = 2 / (1 + Math.exp(2 * Math.abs(u)));
    const weight = (0.5 * Math.PI * Math.cosh(t)) / (coshU * coshU);
    if (!(weight > 0) || complement === 0) return;
    const x = u >= 0 ? upper - halfWidth * complement : lower + halfWidth * complement;
    if (x <= lower || x >= upper) return;
    evaluations += 1;
    const value = f(x);
    if (Number.isFinite(value)) sum.add(weight * value);
  };
  // Level 0: step 1, nodes at integers.
  let step = 1;
  for (let k = -Math.floor(tMax); k <= Math.floor(tMax); k++) addNode(k);
  let previous = halfWidth * step * sum.value;
  let error = Infinity;
  let converged = false;
  for (let level = 1; level <= maxLevels; level++) {
    step /= 2;
    // New nodes are the odd multiples of the new step.
    for (let t = step; t <= tMax; t += 2 * step) {
      addNode(t);
      addNode(-t);
    }
    const current = halfWidth * step * sum.value;
    error = Math.abs(current - previous);
    previous = current;
    if (level >= 3 && error <= Math.max(absoluteTolerance, relativeTolerance * Math.abs(current))) {
      converged = true;
      break;
    }
  }
  return { value: previous, error, evaluations, converged };
}
