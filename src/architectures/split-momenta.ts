/**
 * Split momenta for d = 1 cos-nets without a momentum cutoff: fixed quadrature nodes below a split
 * momentum P and stratified cells above it (docs/ensemble.md, "Split momenta").
 *
 * Why. A target with no cutoff has a free field whose momenta reach |p| = infinity, so pure
 * quadrature momenta (stratified-momenta.ts) cannot hold it, and stratified momenta leave every
 * network with its own covariance. An interaction regulated at P (the deformation's mode cutoff) sees
 * only |p| < P. Putting the neurons below P on fixed nodes makes the field the interaction sees
 * exactly Gaussian with one covariance for every network (Gaussian amplitude pairs), independent of
 * the few random neurons above P that only complete the free propagator. That is what the exact
 * first-order control variate needs (estimators/linear-response.ts), and it removes the
 * network-to-network fluctuation of the propagator from the interaction.
 *
 * Layout for width N and radial CDF F (F(P) = u_P):
 *   low  neurons i < n = N - max(1, round(N (1 - u_P)), round(N / HIGH_SHARE)): the midpoint rule in p on [0, P], nodes
 *        p_i = (i + 1/2) P / n with weights W_i = rho(p_i) P / n (rho = dF/dp);
 *   high neurons: N - n equal slices of the quantile range [u_P, 1), momentum uniform in quantile
 *        inside the slice (probability q = (1 - u_P) / (N - n) each).
 * A neuron of probability W gets the amplitude factor A(p) sqrt(N W), so E[phi phi] is the regulated
 * propagator's quadrature below P plus its exact value above P. The midpoint rule in p (not
 * Gauss-Legendre, and not cell probabilities at the midpoints, whose error grows like (P s / n)^2)
 * keeps the low covariance accurate out to separations near 2 pi n / P minus a few correlation
 * lengths: by Poisson summation its error is the alias G(2 pi n / P - s) plus an Euler-Maclaurin end
 * term O((P/n)^2 rho(P) s), and G(0) is off by O((P/n)^2 rho'(P)) (measured at m = 1, P = 20, N = 64:
 * |C_N / G - 1| <= ~1e-5 out to s = 4). The exact moments use the nodes as they are, so every
 * comparison sees the ensemble as it is.
 */
import { NnftError } from '../errors.js';
import type { AlphaMomentumDensity } from './alpha-momentum-density.js';

/**
 * At least one neuron in HIGH_SHARE sits above the split. The random momenta there leave a connected
 * four-point function of about K_high(0)^2 / (N - n) (each cell's cosine runs through whole periods),
 * while fewer low nodes move the alias of the low covariance closer (2 pi n / P): measured at m = 1,
 * P = 20, width 64, G_c4(0, 0.5, 1, 1.5) of the base is 1.2e-4 with 2 high neurons and 3e-5 with 8.
 */
export const HIGH_SHARE = 16;

export interface SplitNode {
  /** Fixed momentum of the low neuron (d = 1: one component). */
  readonly components: readonly number[];
  /** Amplitude factor A(p) sqrt(N W). */
  readonly factor: number;
  /** The node's probability W. */
  readonly weight: number;
}

export interface SplitCell {
  /** Radial quantile range [uLow, uHigh) of the high neuron. */
  readonly uLow: number;
  readonly uHigh: number;
  /** sqrt(N q) with q = uHigh - uLow (times A(p) at the sampled momentum). */
  readonly factor: number;
}

export interface SplitLayout {
  readonly splitMomentum: number;
  /** Radial quantile of the split momentum, F(P). */
  readonly splitQuantile: number;
  /** Neurons 0 .. nodes.length - 1. */
  readonly nodes: readonly SplitNode[];
  /** Neurons nodes.length .. N - 1. */
  readonly cells: readonly SplitCell[];
}

/** What the layout needs of the momentum density: its radial CDF F, dF/dp and A(p). */
export type SplitDensity = Pick<AlphaMomentumDensity, 'cdf' | 'density' | 'amplitudeFactor'>;

export function splitLayout(width: number, splitMomentum: number, density: SplitDensity): SplitLayout {
  if (!Number.isInteger(width) || width < 2) {
    throw new NnftError('E_SEMANTIC', `split momenta need a width of at least 2 (one node below the split and one cell above it), got ${width}`, { hint: 'raise the width or use momentumSampling "stratified"' });
  }
  if (!(splitMomentum > 0) || !Number.isFinite(splitMomentum)) {
    throw new NnftError('E_SEMANTIC', `the split momentum must be positive and finite, got ${splitMomentum}`);
  }
  const splitQuantile = density.cdf(splitMomentum);
  if (!(splitQuantile > 0 && splitQuantile < 1)) throw new NnftError('E_SEMANTIC', `the split momentum ${splitMomentum} leaves no probability on one side`);
  const highCount = Math.min(width - 1, Math.max(1, Math.round(width * (1 - splitQuantile)), Math.round(width / HIGH_SHARE)));
  const lowCount = width - highCount;
  const spacing = splitMomentum / lowCount;
  const nodes: SplitNode[] = [];
  for (let i = 0; i < lowCount; i++) {
    const momentum = (i + 0.5) * spacing;
    const weight = density.density(momentum) * spacing;
    nodes.push({ components: [momentum], factor: density.amplitudeFactor(momentum) * Math.sqrt(width * weight), weight });
  }
  const slice = (1 - splitQuantile) / highCount;
  const cells: SplitCell[] = [];
  for (let k = 0; k < highCount; k++) {
    const uLow = splitQuantile + k * slice;
    const uHigh = k === highCount - 1 ? 1 : splitQuantile + (k + 1) * slice;
    cells.push({ uLow, uHigh, factor: Math.sqrt(width * (uHigh - uLow)) });
  }
  return { splitMomentum, splitQuantile, nodes, cells };
}
