/**
 * A cos-net whose momentum density is the lattice propagator on the Brillouin zone, so that its
 * two-point function at the sites of a lattice target is the lattice propagator exactly, at every
 * width (docs/conventions.md, "Lattice regulator"; the alpha = 0 construction of docs/ensemble.md with
 * the continuum momentum integral replaced by the lattice's mode sum):
 *
 *   phi(x) = sum_i a_i A cos(k_i.x + c_i),  k_i on the dual lattice k_mu = 2 pi j_mu/(L a), j_mu = -L/2+1 .. L/2,
 *   P(k) = (1/omega_k) / sum_k' (1/omega_k'),  omega_k = m^2 + sum_mu (4/a^2) sin^2(k_mu a/2),
 *   A^2 = 2 G(0),  c ~ U(-pi, pi),  a_i zero mean with E[a^2] = sigma_a^2/N (an amplitude law).
 *
 * Then G2(x, y) = (sigma_a^2/2) A^2 E_P[cos(k.(x - y))] = sigma_a^2 (1/(L a)^d) sum_k cos(k.(x - y))/omega_k,
 * the lattice propagator (at sites; between sites it is the same finite trigonometric sum), and the
 * finite-width connected four-point function is, with s_1..s_3 the signed sums of physics docs,
 *   G_c4 = (k_a sigma_a^4/(2N)) G(0) sum_j G(s_j) - (1/N) sum_3 G G.
 *
 * The forward passes are the cos-net's (the parameter layout momenta/phases/coefficients is the same);
 * the momentum draw is the lattice momentum strategy (momenta-lattice.ts); the exact moments and the
 * description are this family's own.
 */
import { NnftError } from '../errors.js';
import { Rng } from '../random/rng.js';
import type { Dimension, LatticeRegulator } from '../theory/theory.js';
import { amplitudeKurtosis, checkAmplitudeLaw, sampleStandardAmplitude, type AmplitudeLaw } from './amplitude-law.js';
import type { Architecture, ParameterChunk, Points } from './architecture.js';
import { cosNet } from './cos-net.js';
import { connectedFromExactMoments } from './exact-connected.js';
import { latticeMomenta } from './momenta-lattice.js';

export interface LatticeCosNetOptions {
  readonly dimension: Dimension;
  readonly width: number;
  readonly mass: number;
  readonly lattice: Pick<LatticeRegulator, 'spacing' | 'sites'>;
  /** Default Gaussian. */
  readonly amplitude?: AmplitudeLaw;
  /** sigma_a, default 1 (then G2 is exactly the lattice propagator). */
  readonly amplitudeScale?: number;
}

/** The momentum density of the lattice cos-net: every dual-lattice momentum with its probability. */
export interface BrillouinZoneDensity {
  readonly dimension: Dimension;
  /** Momentum components, [modes * d] row-major, each in (-pi/a, pi/a]. */
  readonly momenta: Float64Array;
  /** P(k) of each mode (sums to 1). */
  readonly probabilities: Float64Array;
  /** Running sums of the probabilities (the last is 1), for inverse-CDF draws. */
  readonly cumulative: Float64Array;
  /** The lattice G(0) = (1/(L a)^d) sum_k 1/omega_k. */
  readonly propagatorAtZero: number;
  /** The index of the mode a uniform u in [0, 1) falls on. */
  mode(uniform: number): number;
  /** sum_k P(k) cos(k.s) G(0): the lattice propagator at any separation s (a finite trigonometric sum). */
  propagator(separation: readonly number[]): number;
}

/** Most modes the density tabulates (2^20: 24 MB in d = 3 at 64^3 modes would be 64 x more). */
export const MAX_BRILLOUIN_MODES = 2 ** 20;

export function brillouinZoneDensity(dimension: Dimension, mass: number, lattice: Pick<LatticeRegulator, 'spacing' | 'sites'>): BrillouinZoneDensity {
  const { spacing, sites } = lattice;
  const modes = sites ** dimension;
  if (!(mass > 0)) throw new NnftError('E_SEMANTIC', `the lattice cos-net needs a positive mass, got ${mass}`);
  if (!Number.isInteger(sites) || sites < 2) throw new NnftError('E_SEMANTIC', `lattice sites must be an integer >= 2, got ${sites}`);
  if (modes > MAX_BRILLOUIN_MODES) {
    throw new NnftError('E_RESOURCE', `a Brillouin-zone density of ${sites}^${dimension} = ${modes} modes is more than the ${MAX_BRILLOUIN_MODES} tabulated`, { hint: 'use fewer sites per direction' });
  }
  const momenta = new Float64Array(modes * dimension);
  const weights = new Float64Array(modes);
  let total = 0;
  for (let flat = 0; flat < modes; flat++) {
    let remainder = flat;
    let omega = mass * mass;
    for (let mu = dimension - 1; mu >= 0; mu--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      // signed index in (-L/2, L/2]
      const signed = index > sites / 2 ? index - sites : index;
      const k = (2 * Math.PI * signed) / (sites * spacing);
      momenta[flat * dimension + mu] = k;
      omega += (4 / (spacing * spacing)) * Math.sin((k * spacing) / 2) ** 2;
    }
    weights[flat] = 1 / omega;
    total += weights[flat]!;
  }
  const probabilities = weights.map((weight) => weight / total);
  const cumulative = new Float64Array(modes);
  let running = 0;
  for (let flat = 0; flat < modes; flat++) {
    running += probabilities[flat]!;
    cumulative[flat] = running;
  }
  cumulative[modes - 1] = 1;
  const propagatorAtZero = total / (sites * spacing) ** dimension;
  return {
    dimension,
    momenta,
    probabilities,
    cumulative,
    propagatorAtZero,
    mode(uniform: number): number {
      let low = 0;
      let high = modes - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (cumulative[middle]! > uniform) high = middle;
        else low = middle + 1;
      }
      return low;
    },
    propagator(separation: readonly number[]): number {
      let sum = 0;
      for (let flat = 0; flat < modes; flat++) {
        let phase = 0;
        for (let mu = 0; mu < dimension; mu++) phase += momenta[flat * dimension + mu]! * separation[mu]!;
        sum += probabilities[flat]! * Math.cos(phase);
      }
      return propagatorAtZero * sum;
    },
  };
}

export interface LatticeCosNet extends Architecture {
  readonly kind: 'lattice-cos-net';
  readonly density: BrillouinZoneDensity;
  readonly kurtosis: number;
}

const difference = (left: readonly number[], right: readonly number[]): number[] => left.map((value, mu) => value - right[mu]!);

export function latticeCosNet(options: LatticeCosNetOptions): LatticeCosNet {
  const { dimension, width, mass, lattice } = options;
  const amplitude = options.amplitude ?? { kind: 'gaussian' as const };
  const amplitudeScale = options.amplitudeScale ?? 1;
  checkAmplitudeLaw(amplitude);
  if (!(amplitudeScale > 0)) throw new NnftError('E_SEMANTIC', `amplitude scale must be positive, got ${amplitudeScale}`);
  const density = brillouinZoneDensity(dimension, mass, lattice);
  // The cos-net supplies the forward passes over the shared parameter layout; its own momentum density
  // (any valid one: a cutoff at the Brillouin zone's corner) is never drawn from.
  const passes = cosNet({ dimension, width, mass, cutoff: (Math.PI * Math.sqrt(dimension)) / lattice.spacing + 1, amplitude, amplitudeScale });
  const kurtosis = amplitudeKurtosis(amplitude);
  const scale2 = amplitudeScale ** 2;
  const g = (left: readonly number[], right: readonly number[]): number => scale2 * density.propagator(difference(left, right));

  const momentumDraw = latticeMomenta(density);
  const sample = (seed: number, count: number): ParameterChunk => {
    const rng = new Rng(seed);
    const momenta = new Float64Array(count * width * dimension);
    const phases = new Float64Array(count * width);
    const coefficients = new Float64Array(count * width);
    for (let slot = 0; slot < count * width; slot++) {
      // (sigma_a A) / sqrt(N), A = sqrt(2 G(0)) the strategy's amplitude factor
      const factor = (amplitudeScale * momentumDraw.drawMomentum(rng, slot % width, momenta, slot * dimension)) / Math.sqrt(width);
      phases[slot] = Math.PI * (2 * rng.uniform() - 1);
      coefficients[slot] = factor * sampleStandardAmplitude(amplitude, rng);
    }
    return { count, arrays: { momenta, phases, coefficients } };
  };

  /** E_0[phi...phi] at 0, 1, 2 or 4 points (odd: 0 by the uniform phase); null beyond. */
  const exactMoment = (points: Points): number | null => {
    if (points.length % 2 === 1) return 0;
    if (points.length === 0) return 1;
    if (points.length === 2) return g(points[0]!, points[1]!);
    if (points.length !== 4) return null;
    const [x1, x2, x3, x4] = points as [number[], number[], number[], number[]];
    const pairs = g(x1, x2) * g(x3, x4) + g(x1, x3) * g(x2, x4) + g(x1, x4) * g(x2, x3);
    const signed = [
      x1.map((v, mu) => v + x2[mu]! - x3[mu]! - x4[mu]!),
      x1.map((v, mu) => v - x2[mu]! + x3[mu]! - x4[mu]!),
      x1.map((v, mu) => v - x2[mu]! - x3[mu]! + x4[mu]!),
    ];
    const zero = new Array<number>(dimension).fill(0);
    const connected = ((kurtosis * scale2 * g(zero, zero)) / (2 * width)) * signed.reduce((sum, s) => sum + density.propagator(s), 0) - pairs / width;
    return connected + pairs;
  };

  return {
    kind: 'lattice-cos-net',
    dimension,
    width,
    z2Symmetric: true,
    description: { kind: 'lattice-cos-net', dimension, width, mass, lattice: { spacing: lattice.spacing, sites: lattice.sites }, amplitude, amplitudeScale, momenta: 'Brillouin zone, P(k) ∝ 1/(m^2 + p_lat^2)' },
    sample,
    applyAtPoints: passes.applyAtPoints,
    applyOnGrid: passes.applyOnGrid,
    referenceAtPoints: passes.referenceAtPoints,
    exactMoment,
    exactConnected: (points, tuples) => connectedFromExactMoments({ z2Symmetric: true, exactMoment }, points, tuples),
    gaussianModes: null,
    density,
    kurtosis,
  };
}
