/**
 * Tensor-product Gauss-Legendre cubature over a box in 1..4 dimensions, refined by doubling the
 * panels per axis until two successive levels agree. The reported error is the difference between
 * the last two levels (an overestimate for the finer one when the rule converges fast), so every
 * multi-dimensional integral in nnft comes with an honest bound.
 */
import { CompensatedSum } from './compensated-sum.js';
import { gaussLegendreRule } from './gauss-legendre.js';

export interface BoxQuadratureOptions {
  /** Gauss-Legendre points per panel per axis. */
  order?: number;
  /** Panels per axis at the first level (one number, or one per axis). */
  initialPanels?: number | readonly number[];
  absoluteTolerance?: number;
  relativeTolerance?: number;
  /** Stop refining before a level would exceed this many integrand evaluations. */
  maxEvaluations?: number;
}

export interface BoxQuadratureResult {
  value: number;
  error: number;
  evaluations: number;
  converged: boolean;
  /** Panels per axis of the last level. */
  panels: number[];
}

/** One level: `panels[axis]` equal panels of the `order`-point rule along each axis. */
function tensorRule(f: (point: Float64Array) => number, lower: readonly number[], upper: readonly number[], order: number, panels: readonly number[]): number {
  const dimension = lower.length;
  const { nodes, weights } = gaussLegendreRule(order);
  // Precompute per-axis abscissae and weights.
  const axisPoints: Float64Array[] = [];
  const axisWeights: Float64Array[] = [];
  for (let axis = 0; axis < dimension; axis++) {
    const count = panels[axis]! * order;
    const points = new Float64Array(count);
    const w = new Float64Array(count);
    const width = (upper[axis]! - lower[axis]!) / panels[axis]!;
    for (let panel = 0; panel < panels[axis]!; panel++) {
      const centre = lower[axis]! + (panel + 0.5) * width;
      for (let i = 0; i < order; i++) {
        points[panel * order + i] = centre + 0.5 * width * nodes[i]!;
        w[panel * order + i] = 0.5 * width * weights[i]!;
      }
    }
    axisPoints.push(points);
    axisWeights.push(w);
  }
  const total = new CompensatedSum();
  const point = new Float64Array(dimension);
  const index = new Array<number>(dimension).fill(0);
  const counts = axisPoints.map((p) => p.length);
  for (;;) {
    let weight = 1;
    for (let axis = 0; axis < dimension; axis++) {
      point[axis] = axisPoints[axis]![index[axis]!]!;
      weight *= axisWeights[axis]![index[axis]!]!;
    }
    total.add(weight * f(point));
    let axis = dimension - 1;
    while (axis >= 0) {
      index[axis]! += 1;
      if (index[axis]! < counts[axis]!) break;
      index[axis] = 0;
      axis -= 1;
    }
    if (axis < 0) break;
  }
  return total.value;
}

/** int over prod_axis [lower, upper] of f(point), with an error estimate from panel doubling. */
export function integrateBox(
  f: (point: Float64Array) => number,
  lower: readonly number[],
  upper: readonly number[],
  options: BoxQuadratureOptions = {},
): BoxQuadratureResult {
  const dimension = lower.length;
  if (upper.length !== dimension || dimension === 0) throw new RangeError('integrateBox: lower and upper must have the same non-zero length');
  const order = options.order ?? 8;
  const absoluteTolerance = options.absoluteTolerance ?? 1e-10;
  const relativeTolerance = options.relativeTolerance ?? 1e-7;
  const maxEvaluations = options.maxEvaluations ?? 2_000_000;
  let panels = Array.from({ length: dimension }, (_, axis) =>
    Math.max(1, Math.round(typeof options.initialPanels === 'number' ? options.initialPanels : (options.initialPanels?.[axis] ?? 1))),
  );
  const levelCost = (p: readonly number[]): number => p.reduce((product, count) => product * count * order, 1);
  let evaluations = levelCost(panels);
  let previous = tensorRule(f, lower, upper, order, panels);
  let error = Infinity;
  let value = previous;
  for (;;) {
    const next = panels.map((count) => count * 2);
    const cost = levelCost(next);
    if (evaluations + cost > maxEvaluations) break;
    evaluations += cost;
    value = tensorRule(f, lower, upper, order, next);
    error = Math.abs(value - previous);
    panels = next;
    previous = value;
    if (error <= Math.max(absoluteTolerance, relativeTolerance * Math.abs(value))) break;
  }
  return { value, error, evaluations, converged: error <= Math.max(absoluteTolerance, relativeTolerance * Math.abs(value)), panels };
}
