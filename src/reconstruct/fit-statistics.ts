/**
 * Special functions the fits need: the chi^2 survival function (p-value) through the regularised
 * upper incomplete gamma function, and erfc for Gaussian-kernel convolutions. Private to reconstruct
 * until src/numeric exports equivalents.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGammaFunction(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGammaFunction(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularised upper incomplete gamma Q(a, x) = Gamma(a, x)/Gamma(a). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefactor = -x + a * Math.log(x) - logGammaFunction(a);
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

/**
 * erfc(x) to ~1e-15 relative: a positive-term series for erf at |x| < 2.5 (no cancellation),
 * Lentz continued fraction above.
 */
export function complementaryErrorFunction(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - complementaryErrorFunction(-x);
  if (x > 27) return 0; // below the smallest double
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1.3.5...(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** P(lower < Z < upper) for a standard normal Z, accurate in the tails. */
export function normalIntervalProbability(lower: number, upper: number): number {
  if (upper <= lower) return 0;
  const scale = Math.SQRT1_2;
  if (lower >= 0) return 0.5 * (complementaryErrorFunction(lower * scale) - complementaryErrorFunction(upper * scale));
  if (upper <= 0) return 0.5 * (complementaryErrorFunction(-upper * scale) - complementaryErrorFunction(-lower * scale));
  return 1 - 0.5 * (complementaryErrorFunction(-lower * scale) + complementaryErrorFunction(upper * scale));
}
