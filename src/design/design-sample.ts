/**
 * The fixed sample of a sample-average design (common random numbers): M networks drawn once from the
 * spec at amplitude scale 1, reduced to what the design objective needs per network, so that every
 * later evaluation of the correlators and their Jacobian at new parameters is host arithmetic over
 * cached numbers instead of a new pass over the networks.
 *
 * Why this works: with the momentum scale held (networks without a momentum cutoff) the field at
 * amplitude scale sigma is sigma * phi_1, so
 * - every monomial of the field at the points is sigma^k times its value at sigma = 1, and
 * - every deformation functional is a polynomial in sigma whose coefficients are raw integrals of
 *   phi_1 over the interaction region: F_local(n) = (1/n!) int :(sigma phi_1)^n:_{G0} needs
 *   int phi_1^j for j = n, n-2, ...; the non-local quartic functional scales as sigma^4.
 * The weights exp(-sum_k g_k F_k) then follow for any couplings g and sigma.
 *
 * Per network we keep the monomials averaged over the symmetry images of the point set (the images
 * the validation estimate averages over; the weight is per network, so averaging commutes with it)
 * and the raw integrals. Memory: M x (monomials + integrals) numbers.
 */
import { tf } from '../backend/index.js';
import { architectureFromSpec, deformationFromSpec, symmetryImages } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import { belowModeCutoff, gaussianKernelMatrix } from '../densities/deformations.js';
import { monomialTable, type MonomialTable } from '../estimators/monomials.js';
import { deriveSeed } from '../random/index.js';
import { factorial } from '../numeric/special-functions.js';
import { NnftError } from '../errors.js';
import type { DesignTerm } from './cos-net-design-model.js';

/** One term's functional as sum_j coefficient_j sigma^power_j R_j, R_j a cached raw integral. */
export interface FunctionalExpansion {
  readonly parts: readonly { readonly power: number; readonly coefficient: number; readonly integral: number }[];
}

export interface DesignSample {
  readonly count: number;
  readonly table: MonomialTable;
  /** Image-averaged monomials at sigma = 1, network-major: [count][table.tuples.length]. */
  readonly monomials: Float32Array;
  /** Raw integrals per network: integrals[r][m]. */
  readonly integrals: readonly Float64Array[];
  /** Which raw integral each slot holds (a power of phi, or the non-local quartic double integral). */
  readonly integralKinds: readonly ({ kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number })[];
  /** Per design term, its functional in terms of the raw integrals. */
  readonly functionals: readonly FunctionalExpansion[];
  readonly imageCount: number;
  readonly seed: number;
  readonly seconds: number;
}

export const SAMPLE_STREAM = 'design/sample';

/** The raw integrals the terms need, and each term's expansion in them. */
export function functionalExpansions(terms: readonly DesignTerm[]): { kinds: DesignSample['integralKinds']; functionals: FunctionalExpansion[] } {
  const kinds: ({ kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number })[] = [];
  const slot = (kind: { kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number }): number => {
    const found = kinds.findIndex((other) => JSON.stringify(other) === JSON.stringify(kind));
    if (found >= 0) return found;
    kinds.push(kind);
    return kinds.length - 1;
  };
  const functionals = terms.map((term): FunctionalExpansion => {
    if (term.kind === 'nonlocal-quartic') return { parts: [{ power: 4, coefficient: 1 / 24, integral: slot({ kind: 'nonlocal', kernelWidth: term.kernelWidth }) }] };
    const n = term.power;
    if (!term.wickOrdered) return { parts: [{ power: n, coefficient: 1 / factorial(n), integral: slot({ kind: 'power', power: n }) }] };
    // :x^n:_v = sum_m n! / (m! (n-2m)! 2^m) (-v)^m x^(n-2m)  (Hermite polynomial of variance v).
    const v = term.wickPropagatorAtZero;
    const parts: { power: number; coefficient: number; integral: number }[] = [];
    for (let m = 0; 2 * m <= n; m++) {
      const power = n - 2 * m;
      const coefficient = (factorial(n) / (factorial(m) * factorial(power) * 2 ** m)) * (-v) ** m / factorial(n);
      parts.push({ power, coefficient, integral: slot({ kind: 'power', power }) });
    }
    return { parts };
  });
  return { kinds, functionals };
}

/**
 * Draw the sample from `spec` (the design's spec at amplitude scale 1: same base density, grid, mode
 * cutoff, region and images as the spec the design will emit).
 */
export async function drawDesignSample(
  spec: NnftSpec,
  terms: readonly DesignTerm[],
  maxOrder: number,
  seed: number,
  count: number,
  options: { chunkSize?: number; onChunk?: (done: number, total: number) => void } = {},
): Promise<DesignSample> {
  const started = Date.now();
  const architecture = architectureFromSpec(spec);
  const deformation = terms.length > 0 ? deformationFromSpec(spec, architecture) : null;
  const points = spec.observables.points;
  const images = [points, ...symmetryImages(spec, points)];
  const allPoints = images.flat();
  const P = points.length;
  const I = images.length;
  const table = monomialTable(P, maxOrder);
  const J = table.tuples.length;
  const { kinds, functionals } = functionalExpansions(terms);
  const monomials = new Float32Array(count * J);
  const integrals = kinds.map(() => new Float64Array(count));
  const chunkSize = options.chunkSize ?? 500;
  const grid = deformation?.grid ?? null;
  const gridSize = grid ? grid.offsetCount * grid.nodeCount : 0;
  const modeCutoff = spec.deformation?.modeCutoff;
  const kernels = new Map<number, Float32Array>();
  for (const kind of kinds) if (kind.kind === 'nonlocal' && grid) kernels.set(kind.kernelWidth, gaussianKernelMatrix(grid, spec.dimension, kind.kernelWidth));
  const values = new Float64Array(J);
  const scratch = new Float64Array(J);
  for (let start = 0, chunkIndex = 0; start < count; start += chunkSize, chunkIndex++) {
    const size = Math.min(chunkSize, count - start);
    const chunk = architecture.sample(deriveSeed(seed, SAMPLE_STREAM, chunkIndex), size);
    const outputs = tf.tidy(() => {
      const phi = architecture.applyAtPoints(chunk, allPoints);
      if (!grid) return [phi];
      const field = architecture.applyOnGrid(modeCutoff !== undefined ? belowModeCutoff(chunk, spec.dimension, modeCutoff) : chunk, grid);
      const weights = tf.tensor2d(Float32Array.from(grid.weights), [gridSize, 1]);
      const raw = kinds.map((kind) => {
        if (kind.kind === 'power') return tf.reshape(tf.matMul(kind.power === 0 ? tf.onesLike(field) : tf.pow(field, kind.power), weights), [size]);
        const squared = tf.square(field);
        return tf.sum(tf.mul(tf.matMul(squared, tf.tensor2d(kernels.get(kind.kernelWidth)!, [gridSize, gridSize])), squared), 1);
      });
      return [phi, ...raw];
    });
    const data = (await Promise.all(outputs.map((tensor) => tensor.data()))) as Float32Array[];
    tf.dispose(outputs);
    const phi = data[0]!;
    for (let m = 0; m < size; m++) {
      values.fill(0);
      for (let image = 0; image < I; image++) {
        const offset = m * I * P + image * P;
        // Depth-first table: each monomial is its parent times one factor.
        for (let j = 0; j < J; j++) {
          const parent = table.parent[j]!;
          const factor = phi[offset + table.last[j]!]!;
          const value = parent < 0 ? factor : scratch[parent]! * factor;
          scratch[j] = value;
          values[j]! += value;
        }
      }
      for (let j = 0; j < J; j++) monomials[(start + m) * J + j] = values[j]! / I;
      kinds.forEach((_, r) => {
        const value = data[1 + r]![m]!;
        if (!Number.isFinite(value)) throw new NnftError('E_NUMERIC', `a deformation integral of network ${start + m} is not finite`, { hint: 'lower the couplings or the amplitude scale' });
        integrals[r]![start + m] = value;
      });
    }
    options.onChunk?.(start + size, count);
  }
  return { count, table, monomials, integrals, integralKinds: kinds, functionals, imageCount: I, seed, seconds: (Date.now() - started) / 1000 };
}
