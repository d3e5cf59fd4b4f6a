/**
 * Gauss-Legendre rules on [-1, 1], computed once per order by Newton iteration on the Legendre
 * recurrence (accurate to a few ulps for the orders nnft uses, up to a few hundred), and a
 * convenience integrator on [a, b] split into equal panels.
 */
import { CompensatedSum } from './compensated-sum.js';

export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const ruleCache = new Map<number, QuadratureRule>();

/** The n-point Gauss-Legendre rule on [-1, 1] (nodes ascending). */
export function gaussLegendreRule(order: number): QuadratureRule {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`Gauss-Legendre order must be a positive integer, got ${order}`);
  const cached = ruleCache.get(order);
  if (cached) return cached;
  const nodes = new Float64Array(order);
  const weights = new Float64Array(order);
  const half = Math.floor((order + 1) / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi's initial guess, then Newton on P_n.
    let x = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let previous = 1;
      let current = x;
      for (let k = 2; k <= order; k++) {
        const next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
        previous = current;
        current = next;
      }
      if (order === 1) {
        current = x;
        previous = 1;
      }
      derivative = (order * (x * current - previous)) / (x * x - 1);
      const step = current / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    // Recompute the derivative at the converged node for the weight.
    let previous = 1;
    let current = x;
    for (let k = 2; k <= order; k++) {
      const next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
      previous = current;
      current = next;
    }
    derivative = order === 1 ? 1 : (order * (x * current - previous)) / (x * x - 1);
    const weight = 2 / ((1 - x * x) * derivative * derivative);
    nodes[i] = -x;
    nodes[order - 1 - i] = x;
    weights[i] = weight;
    weights[order - 1 - i] = weight;
  }
  if (order % 2 === 1) nodes[(order - 1) / 2] = 0;
  const rule = { nodes, weights };
  ruleCache.set(order, rule);
  return rule;
}

/** int_a^b f by `panels` equal panels of the `order`-point Gauss-Legendre rule. */
export function integrateGaussLegendre(f: (x: number) => number, lower: number, upper: number, order = 20, panels = 1): number {
  const { nodes, weights } = gaussLegendreRule(order);
  const width = (upper - lower) / panels;
  const total = new CompensatedSum();
  for (let panel = 0; panel < panels; panel++) {
    const centre = lower + (panel + 0.5) * width;
    const halfWidth = width / 2;
    for (let i = 0; i < order; i++) total.add(halfWidth * weights[i]! * f(centre + halfWidth * nodes[i]!));
  }
  return total.value;
}
