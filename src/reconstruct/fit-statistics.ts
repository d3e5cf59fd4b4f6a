/**
 * Special functions the fits need: the chi^2 p-value (src/numeric/distributions.ts) and
 * normal-interval probabilities for Gaussian-kernel convolutions, built on src/numeric's erfc.
 */
import { chiSquaredSurvival, erfc } from '../numeric/index.js';

/** P(chi^2_dof >= chiSquared): the goodness-of-fit p-value (numeric/distributions.ts). */
export function chiSquaredPValue(chiSquared: number, dof: number): number {
  if (dof <= 0) return Number.NaN;
  return chiSquaredSurvival(chiSquared, dof);
}

/** erfc from src/numeric, extended to +-Infinity (interval ends of half-lines). */
export function complementaryErrorFunction(x: number): number {
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  return erfc(x);
}

/** P(lower < Z < upper) for a standard normal Z, accurate in the tails. */
export function normalIntervalProbability(lower: number, upper: number): number {
  if (upper <= lower) return 0;
  const scale = Math.SQRT1_2;
  if (lower >= 0) return 0.5 * (complementaryErrorFunction(lower * scale) - complementaryErrorFunction(upper * scale));
  if (upper <= 0) return 0.5 * (complementaryErrorFunction(-upper * scale) - complementaryErrorFunction(-lower * scale));
  return 1 - 0.5 * (complementaryErrorFunction(-lower * scale) + complementaryErrorFunction(upper * scale));
}
