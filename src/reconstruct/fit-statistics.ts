/**
 * Special functions the fits need: the chi^2 survival function (p-value) through the regularised
 * upper incomplete gamma function (series / Lentz continued fraction), and normal-interval
 * probabilities for Gaussian-kernel convolutions, built on src/numeric's logGamma and erfc.
 */
import { erfc, logGamma } from '../numeric/index.js';

/** Regularised upper incomplete gamma Q(a, x) = Gamma(a, x)/Gamma(a). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // series for P(a, x)
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefactor));
  }
  // continued fraction for Q(a, x) (modified Lentz)
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefactor) * h;
}

/** P(chi^2_dof >= chiSquared): the goodness-of-fit p-value. */
export function chiSquaredPValue(chiSquared: number, dof: number): number {
  if (dof <= 0) return Number.NaN;
  return regularizedGammaQ(dof / 2, chiSquared / 2);
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
