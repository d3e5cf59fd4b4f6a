/**
 * Amplitude laws for the output weights a_i of one-hidden-layer networks. Every law has zero mean
 * and unit variance for the standard variable t; the engine sets a_i = sigma_a t_i / sqrt(N), so
 * E[a^2] = sigma_a^2 / N. Laws differ in the kurtosis k = E[t^4] (3 Gaussian, 1 fixed |a|).
 *
 * The tunable family draws t = ±sqrt(v) with v ~ Gamma(shape kappa, scale 1/kappa), so E[t^2] = 1 and
 * E[t^4] = 1 + 1/kappa; kappa = 1/(k - 1) gives any kurtosis k > 1. It passes through the Gaussian at
 * k = 3 exactly (v is then chi^2_1) and tends to fixed |a| as k -> 1.
 */
import { NnftError } from '../errors.js';
import type { Rng } from '../random/rng.js';

export type AmplitudeLaw = { readonly kind: 'gaussian' } | { readonly kind: 'fixed' } | { readonly kind: 'kurtosis'; readonly kurtosis: number };

export function amplitudeKurtosis(law: AmplitudeLaw): number {
  switch (law.kind) {
    case 'gaussian':
      return 3;
    case 'fixed':
      return 1;
    case 'kurtosis':
      return law.kurtosis;
  }
}

export function checkAmplitudeLaw(law: AmplitudeLaw): void {
  if (law.kind === 'kurtosis' && !(law.kurtosis >= 1 && Number.isFinite(law.kurtosis))) {
    throw new NnftError('E_SEMANTIC', `amplitude kurtosis must be a finite number >= 1, got ${law.kurtosis}`);
  }
}

/** Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 through the u^{1/shape} boost). */
function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const boost = rng.uniformOpen() ** (1 / shape);
    return sampleGamma(rng, shape + 1) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One standard amplitude t (zero mean, unit variance) from the law. */
export function sampleStandardAmplitude(law: AmplitudeLaw, rng: Rng): number {
  switch (law.kind) {
    case 'gaussian':
      return rng.normal();
    case 'fixed':
      return rng.uniform() < 0.5 ? -1 : 1;
    case 'kurtosis': {
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      if (law.kurtosis === 1) return sign;
      const shape = 1 / (law.kurtosis - 1);
      return sign * Math.sqrt(sampleGamma(rng, shape) / shape);
    }
  }
}
