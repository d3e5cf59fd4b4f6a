/**
 * How large the first-order terms are, as a dimensionless number: at a probe point x (the first
 * point), the largest of |delta G2(x,x)| / G(x,x), |G_c3| / G^{3/2}, |G_c4| / (3 G^2), |G_c6| / (15 G^3),
 * all at coincident points (the Gaussian values of the same moments set the scale). First-order
 * perturbation theory is trusted for auto only when this is small; its square estimates the
 * relative size of the neglected O(g^2) terms.
 */
import type { Theory } from '../theory/theory.js';
import { computePerturbative } from './perturbative.js';
import { propagatorAtZero } from './free-propagator.js';
import { integrateAdaptive } from '../numeric/adaptive-quadrature.js';

export function firstOrderSize(theory: Theory): number {
  const probe: Theory = { ...theory, points: [theory.points[0] ?? new Array(theory.dimension).fill(0)], connectedOrders: [2, 3, 4, 6] };
  const result = computePerturbative(probe);
  const free = propagatorAtZero(theory.dimension, theory.mass, theory.momentumCutoff);
  let size = 0;
  for (const block of result.correlators) {
    const value = block.values[0]!;
    const gaussianScale = { 2: free, 3: free ** 1.5, 4: 3 * free ** 2, 6: 15 * free ** 3 }[block.order as 2 | 3 | 4 | 6];
    const firstOrder = block.order === 2 ? value - free : value;
    size = Math.max(size, Math.abs(firstOrder) / gaussianScale);
  }
  return size;
}

/**
 * Order-of-magnitude estimate of the relative size of the neglected O(g^2) terms: the one-loop
 * bubble that corrects a vertex, r = sum_terms |g_n| n(n-1)/8 G(0)^{(n-4)/2} B (plus |g_2|/m^2 for a
 * mass shift) with
 * B = int d^dz G(z)^2 = int_{|p|<Lambda} d^dp/(2pi)^d (p^2+m^2)^{-2} (whole space, an upper bound for a
 * box). For d = 1 phi^4 (m = 1) this gives 3 lambda/8 against the exact 0.9 lambda of G_c4(0,0,0,0),
 * so it is an estimate within a factor ~3, not a bound.
 */
export function secondOrderEstimate(theory: Theory): number {
  const { dimension, mass, momentumCutoff } = theory;
  const prefactor = { 1: 1 / Math.PI, 2: 1 / (2 * Math.PI), 3: 1 / (2 * Math.PI ** 2), 4: 1 / (8 * Math.PI ** 2) }[dimension];
  const upper = momentumCutoff ?? Infinity;
  const bubble = prefactor * integrateAdaptive((p) => p ** (dimension - 1) / (p * p + mass * mass) ** 2, 0, upper).value;
  const zero = (): number => propagatorAtZero(dimension, mass, momentumCutoff);
  let estimate = 0;
  for (const term of theory.interactions) {
    if (term.coupling === 0) continue;
    const power = term.kind === 'local' ? term.power : 4;
    // A mass shift g phi^2/2 resums to 1/(p^2 + m^2 + g): the second-order term is ~ g/m^2 of the first.
    if (power === 2) estimate += Math.abs(term.coupling) / (mass * mass);
    if (power < 3) continue;
    estimate += Math.abs(term.coupling) * ((power * (power - 1)) / 8) * (power === 4 ? 1 : zero() ** ((power - 4) / 2)) * bubble;
  }
  return estimate;
}
