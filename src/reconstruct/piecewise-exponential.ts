/**
 * Integrals over the real line of products of d = 1 free propagators, prod_k e^{-m |x_k - z|}, times
 * a weight that is constant between consecutive points. The exponent is linear in z between the
 * sorted points, so each piece integrates in closed form (expm1 keeps short pieces exact).
 * Also a panel Gauss-Legendre rule for the smooth-between-kinks integrands of the non-local and
 * exchange diagrams.
 */
import { gaussLegendreRule } from '../numeric/index.js';

/**
 * sum_j weight(j) int_{piece j} dz exp(-mass sum_k |x_k - z|), where piece j is the interval with
 * exactly j of the sorted points below it (j = 0 .. n; pieces 0 and n are the half-lines).
 */
export function integrateExponentialProduct(points: readonly number[], mass: number, weight: (piece: number) => number = () => 1): number {
  const sorted = [...points].sort((a, b) => a - b);
  const count = sorted.length;
  const exponentAt = (z: number): number => {
    let sum = 0;
    for (const x of sorted) sum += Math.abs(x - z);
    return -mass * sum;
  };
  let total = 0;
  // half-lines: slope +mass*count below the lowest point, -mass*count above the highest
  const w0 = weight(0);
  if (w0 !== 0) total += (w0 * Math.exp(exponentAt(sorted[0]))) / (mass * count);
  const wn = weight(count);
  if (wn !== 0) total += (wn * Math.exp(exponentAt(sorted[count - 1]))) / (mass * count);
  for (let piece = 1; piece < count; piece++) {
    const w = weight(piece);
    if (w === 0) continue;
    const lower = sorted[piece - 1];
    const length = sorted[piece] - lower;
    if (length === 0) continue;
    const slope = -mass * (2 * piece - count);
    const start = Math.exp(exponentAt(lower));
    total += w * start * (slope === 0 ? length : Math.expm1(slope * length) / slope);
  }
  return total;
}

/**
 * int_{lower}^{upper} f with Gauss-Legendre panels: the interval is cut at every breakpoint inside it
 * (kinks of the integrand) and each piece into panels no longer than maxPanel.
 */
export function integratePanels(
  integrand: (z: number) => number,
  lower: number,
  upper: number,
  breakpoints: readonly number[],
  maxPanel: number,
  order = 10,
): number {
  const cuts = [lower, ...breakpoints.filter((b) => b > lower && b < upper).sort((a, b) => a - b), upper];
  const { nodes, weights } = gaussLegendreRule(order);
  let total = 0;
  for (let c = 1; c < cuts.length; c++) {
    const length = cuts[c] - cuts[c - 1];
    if (length <= 0) continue;
    const panels = Math.max(1, Math.ceil(length / maxPanel));
    const half = length / panels / 2;
    for (let p = 0; p < panels; p++) {
      const centre = cuts[c - 1] + (2 * p + 1) * half;
      for (let i = 0; i < order; i++) total += weights[i] * half * integrand(centre + half * nodes[i]);
    }
  }
  return total;
}
