/**
 * Exact correlators in d = 1 by the spectral method. Euclidean phi^n theory in one dimension is the
 * quantum mechanics of H = p^2/2 + m^2 x^2/2 + U(x); time-ordered moments are
 *   <x(t_1) ... x(t_k)> = <L| x e^{-H(t_2-t_1)} x ... x |R> / <L|R-evolution|R>,
 * evaluated in a truncated harmonic-oscillator basis (frequency m) that is grown until the answers
 * stop changing.
 *
 * Convergence is stated honestly (docs/correlators.md, "Spectral method"): the tolerance is relative
 * to the theory's own scale, G(0)^{order/2} as computed, not the free one (at lambda = 1e100 the
 * free scale is 1e33 times too large and anything "converged"); the basis must have converged on
 * two consecutive growth steps, and the reported truncation error is the last change scaled by the
 * observed contraction rate, r/(1 - r) times it when r > 1/2, so it bounds the remaining error of
 * a geometrically converging sequence, with a floor at the rounding level. When the largest basis
 * has not converged the method fails with E_NOT_CONVERGED naming what to change, instead of
 * returning numbers with a too-small error bar.
 *
 * Infinite volume: |L> = |R> = the ground state of H. Interaction region V = [-L/2, L/2]: the
 * evolution is free outside V and interacting inside it, and the states at the ends are the free
 * vacuum |0> (exact in this basis), so the answer is a product of transfer operators, still exact.
 * Connected correlators are joint cumulants of these moments (valid for non-zero <x>).
 */
import { NnftError } from '../errors.js';
import { symmetricEigen } from '../numeric/symmetric-eigen.js';
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { isBoundedBelow, localPotential, type PolynomialCoefficients } from './polynomial-potential.js';
import { jointCumulant, memoizeMoments } from '../numeric/cumulants.js';

export interface SpectralSolverOptions {
  /** Fixed basis size (the error then comes from comparing with 3/4 of it). */
  basisSize?: number;
  /** Convergence tolerance on every correlator, relative to max(|value|, G(0)^{order/2}). */
  tolerance?: number;
  /** Largest basis tried when growing (default 400). */
  maxBasisSize?: number;
}

export interface SpectralResult {
  correlators: CorrelatorBlock[];
  /** Largest change of any correlator between the last two basis sizes. */
  truncationError: number;
  /** Per-value truncation errors, aligned with correlators[].values. */
  truncationErrors: number[][];
  basisSize: number;
  converged: boolean;
  /** E_1 - E_0 of the interacting Hamiltonian (the mass gap), for reports. */
  massGap: number;
  groundStateEnergy: number;
}

/** Whether the spectral method applies, and if not why not. */
export function spectralApplicability(theory: Theory): { ok: true } | { ok: false; reason: string } {
  if (theory.dimension !== 1) return { ok: false, reason: `the spectral method needs d = 1 (this theory has d = ${theory.dimension})` };
  if (theory.momentumCutoff !== null) {
    return { ok: false, reason: 'the spectral method solves the theory without a momentum cutoff, and this theory has one' };
  }
  if (theory.interactions.some((term) => term.kind !== 'local' && term.coupling !== 0)) {
    return { ok: false, reason: 'the spectral method needs a local polynomial potential (non-local terms present)' };
  }
  const potential = localPotential(theory);
  if (!isBoundedBelow(potential, theory.mass ** 2)) {
    return { ok: false, reason: 'the potential is unbounded below, so the theory has no ground state (only perturbation theory is defined)' };
  }
  return { ok: true };
}

/** The Hamiltonian and position operator in a truncated oscillator basis, diagonalised. */
class TruncatedSystem {
  readonly size: number;
  /** x in the oscillator basis (size x size, row-major). */
  readonly position: Float64Array;
  readonly energies: Float64Array;
  /** Eigenvectors as columns (vectors[i * size + k]). */
  readonly vectors: Float64Array;
  readonly mass: number;

  /**
   * @param frequency the oscillator basis frequency w: the basis diagonalises p^2/2 + w^2 x^2/2, and
   *   the rest, (m^2 - w^2) x^2/2 + U(x), is added as a potential. w = m keeps the free vacuum exact
   *   (needed with a region); a variational w converges faster at strong coupling.
   */
  constructor(size: number, mass: number, potential: PolynomialCoefficients, frequency = mass) {
    this.size = size;
    this.mass = mass;
    if (frequency !== mass) {
      potential = potential.slice();
      while (potential.length < 3) potential.push(0);
      potential[2] = potential[2]! + 0.5 * (mass * mass - frequency * frequency);
    }
    const degree = potential.length - 1;
    // Matrix elements of x^k are exact on the first `size` states if x is built on size + degree states.
    const big = size + Math.max(degree, 1);
    const bigPosition = new Float64Array(big * big);
    for (let n = 0; n + 1 < big; n++) {
      const element = Math.sqrt((n + 1) / (2 * frequency));
      bigPosition[n * big + n + 1] = element;
      bigPosition[(n + 1) * big + n] = element;
    }
    this.position = new Float64Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) this.position[i * size + j] = bigPosition[i * big + j]!;
    const hamiltonian = new Float64Array(size * size);
    for (let n = 0; n < size; n++) hamiltonian[n * size + n] = (n + 0.5) * frequency;
    let power: Float64Array = new Float64Array(big * big);
    for (let i = 0; i < big; i++) power[i * big + i] = 1;
    for (let k = 1; k <= degree; k++) {
      power = multiplyBanded(power, bigPosition, big, k);
      const coefficient = potential[k] ?? 0;
      if (coefficient === 0) continue;
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) hamiltonian[i * size + j] += coefficient * power[i * big + j]!;
    }
    if (potential[0]) for (let n = 0; n < size; n++) hamiltonian[n * size + n] += potential[0];
    const eigen = symmetricEigen({ size, data: hamiltonian });
    this.energies = eigen.values;
    this.vectors = eigen.vectors;
  }
}

/**
 * The oscillator frequency that minimises the Gaussian estimate of the ground-state energy,
 * E(w) = w/4 + m^2/(4w) + sum_j c_{2j} (2j-1)!! / (2w)^j (odd terms vanish in the Gaussian state).
 * Golden-section search on log w in [m/4, 64 m]; never below m/4 so the basis stays sensible.
 */
export function variationalFrequency(mass: number, potential: PolynomialCoefficients): number {
  // The bracket reaches the interaction's own scale: w ~ (c_n (n-1)!!)^{2/(n+2)} balances the
  // kinetic w/4 against c_n (n-1)!!/(2w)^{n/2}; at lambda = 1e100 that is ~1e33 m, far beyond 64 m.
  let interactionScale = mass;
  let doubleFactorialScale = 1;
  for (let power = 2; power < potential.length; power += 2) {
    doubleFactorialScale *= power - 1;
    const coefficient = potential[power] ?? 0;
    if (power >= 4 && coefficient > 0) interactionScale = Math.max(interactionScale, (coefficient * doubleFactorialScale) ** (2 / (power + 2)));
  }
  const energy = (w: number): number => {
    let value = w / 4 + (mass * mass) / (4 * w);
    let doubleFactorial = 1;
    for (let power = 2; power < potential.length; power += 2) {
      doubleFactorial *= power - 1;
      value += (potential[power] ?? 0) * doubleFactorial / (2 * w) ** (power / 2);
    }
    return value;
  };
  let low = Math.log(mass / 4);
  let high = Math.log(64 * interactionScale);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let iteration = 0; iteration < 80; iteration++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (energy(Math.exp(a)) < energy(Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp(0.5 * (low + high));
}

/** (A x) for a dense A and tridiagonal x, exploiting that x^k has bandwidth k. */
function multiplyBanded(a: Float64Array, x: Float64Array, size: number, resultBandwidth: number): Float64Array {
  const result = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const low = Math.max(0, i - resultBandwidth);
    const high = Math.min(size - 1, i + resultBandwidth);
    for (let j = low; j <= high; j++) {
      let value = 0;
      for (let k = Math.max(0, j - 1); k <= Math.min(size - 1, j + 1); k++) value += a[i * size + k]! * x[k * size + j]!;
      result[i * size + j] = value;
    }
  }
  return result;
}

function applyMatrix(matrix: Float64Array, size: number, vector: Float64Array): Float64Array {
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let value = 0;
    for (let j = 0; j < size; j++) value += matrix[i * size + j]! * vector[j]!;
    result[i] = value;
  }
  return result;
}

/** Moments <x(t_1)...x(t_k)> for a truncated system, in infinite volume or with a region. */
function momentFunction(system: TruncatedSystem, times: readonly number[], regionSide: number | null): (sortedIndices: readonly number[]) => number {
  const { size, energies, vectors, position, mass } = system;
  const groundEnergy = energies[0]!;
  if (regionSide === null) {
    // Work in the eigenbasis: x_e = V^T x V, evolution diagonal, states = e_0.
    const xv = new Float64Array(size * size);
    for (let i = 0; i < size; i++)
      for (let k = 0; k < size; k++) {
        let value = 0;
        for (let j = 0; j < size; j++) value += position[i * size + j]! * vectors[j * size + k]!;
        xv[i * size + k] = value;
      }
    const eigenPosition = new Float64Array(size * size);
    for (let l = 0; l < size; l++)
      for (let k = 0; k < size; k++) {
        let value = 0;
        for (let i = 0; i < size; i++) value += vectors[i * size + l]! * xv[i * size + k]!;
        eigenPosition[l * size + k] = value;
      }
    return (indices) => {
      const sortedTimes = indices.map((index) => times[index]!).sort((a, b) => a - b);
      let state: Float64Array = new Float64Array(size);
      state[0] = 1;
      for (let step = 0; step < sortedTimes.length; step++) {
        if (step > 0) {
          const interval = sortedTimes[step]! - sortedTimes[step - 1]!;
          for (let n = 0; n < size; n++) state[n] = state[n]! * Math.exp(-(energies[n]! - groundEnergy) * interval);
        }
        state = applyMatrix(eigenPosition, size, state);
      }
      return state[0]!;
    };
  }
  const half = regionSide / 2;
  const evolveInteracting = (state: Float64Array, interval: number): Float64Array => {
    const projected = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      let value = 0;
      for (let i = 0; i < size; i++) value += vectors[i * size + k]! * state[i]!;
      projected[k] = value * Math.exp(-(energies[k]! - groundEnergy) * interval);
    }
    const result = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      let value = 0;
      for (let k = 0; k < size; k++) value += vectors[i * size + k]! * projected[k]!;
      result[i] = value;
    }
    return result;
  };
  const evolveFree = (state: Float64Array, interval: number): Float64Array => state.map((value, n) => value * Math.exp(-n * mass * interval));
  // Evolve from `from` to `to` (from <= to), free outside [-half, half], interacting inside.
  const evolve = (state: Float64Array, from: number, to: number): Float64Array => {
    let current = state;
    const cuts = [from, ...[-half, half].filter((cut) => cut > from && cut < to), to];
    for (let piece = 0; piece + 1 < cuts.length; piece++) {
      const start = cuts[piece]!;
      const end = cuts[piece + 1]!;
      if (end <= start) continue;
      const middle = 0.5 * (start + end);
      current = middle > -half && middle < half ? evolveInteracting(current, end - start) : evolveFree(current, end - start);
    }
    return current;
  };
  const vacuum = new Float64Array(size);
  vacuum[0] = 1;
  const normalisation = evolve(vacuum, -half, half)[0]!;
  return (indices) => {
    const sortedTimes = indices.map((index) => times[index]!).sort((a, b) => a - b);
    let cursor = Math.min(-half, sortedTimes[0] ?? -half);
    let state: Float64Array = vacuum;
    for (const time of sortedTimes) {
      state = evolve(state, cursor, time);
      state = applyMatrix(position, size, state);
      cursor = time;
    }
    state = evolve(state, cursor, Math.max(half, cursor));
    return state[0]! / normalisation;
  };
}

function correlatorsFor(system: TruncatedSystem, theory: Theory): { blocks: CorrelatorBlock[]; coincident: number } {
  const times = theory.points.map((point) => point[0]!);
  const regionSide = theory.interactionRegion ? theory.interactionRegion.side : null;
  const moment = memoizeMoments(momentFunction(system, times, regionSide));
  const blocks = theory.connectedOrders.map((order) => {
    const indices = indexTuples(theory.points.length, order);
    const values = indices.map((tuple) => jointCumulant(tuple, moment));
    return { order, indices, values, stderr: values.map(() => 0) };
  });
  // The theory's own size of phi^2: the largest coincident second moment at the points.
  const coincident = Math.max(...times.map((_, i) => Math.abs(moment([i, i]))));
  return { blocks, coincident };
}

/** Relative rounding level of the correlators (diagonalisation and cumulant cancellations). */
const ROUNDING = 1e3 * Number.EPSILON;

/** Exact d = 1 connected correlators of the theory at its points, with the truncation error. */
export function computeSpectral(theory: Theory, options: SpectralSolverOptions = {}): SpectralResult {
  const applicable = spectralApplicability(theory);
  if (!applicable.ok) throw new NnftError('E_UNSUPPORTED', `spectral method: ${applicable.reason}`);
  const potential = localPotential(theory);
  const mass = theory.mass;
  const tolerance = options.tolerance ?? 1e-10;
  const maxBasisSize = options.maxBasisSize ?? 400;
  const freeScale = 1 / (2 * mass);
  // With a region the free vacuum must be exact in the basis, so the basis frequency is m there.
  const frequency = theory.interactionRegion ? mass : variationalFrequency(mass, potential);
  const fixed = options.basisSize !== undefined;
  const sizes: number[] = [];
  if (fixed) {
    if (!Number.isInteger(options.basisSize) || options.basisSize! < 8) {
      throw new NnftError('E_SEMANTIC', `spectral basisSize must be an integer >= 8, got ${options.basisSize}`);
    }
    sizes.push(Math.round(options.basisSize! * 0.75), options.basisSize!);
  } else {
    for (let size = 24; size <= maxBasisSize; size = Math.round(size * 1.4)) sizes.push(size);
  }
  const history: CorrelatorBlock[][] = [];
  let last: { blocks: CorrelatorBlock[]; system: TruncatedSystem; errors: number[][]; maxError: number; converged: boolean; worst: { ratio: number; order: number } } | null = null;
  for (const size of sizes) {
    const system = new TruncatedSystem(size, mass, potential, frequency);
    const { blocks, coincident } = correlatorsFor(system, theory);
    const scaleBase = Number.isFinite(coincident) && coincident > 0 ? coincident : freeScale;
    const scaleFor = (order: number): number => scaleBase ** (order / 2);
    history.push(blocks);
    const [before, previous] = [history.at(-3) ?? null, history.at(-2) ?? null];
    if (previous) {
      let converged = true;
      let maxError = 0;
      let worst = { ratio: 0, order: blocks[0]?.order ?? 2 };
      const errors = blocks.map((block, b) =>
        block.values.map((value, i) => {
          const scale = Math.max(Math.abs(value), scaleFor(block.order));
          const change = Math.abs(value - previous[b]!.values[i]!);
          const floor = ROUNDING * scale;
          let error: number;
          if (!Number.isFinite(value) || !Number.isFinite(change)) error = Infinity;
          else if (change <= floor) error = floor;
          else if (fixed) error = change;
          else if (!before) error = Infinity; // one step says nothing about the rate
          else {
            const earlier = Math.abs(previous[b]!.values[i]! - before[b]!.values[i]!);
            const rate = earlier > floor ? change / earlier : Infinity;
            error = rate < 1 ? change * Math.max(1, rate / (1 - rate)) : Infinity;
          }
          maxError = Math.max(maxError, error);
          const relative = error / scale;
          // Nothing converges below the rounding level: that is as good as it gets.
          if (!(relative <= Math.max(tolerance, ROUNDING))) converged = false;
          if (!(relative <= worst.ratio)) worst = { ratio: relative, order: block.order };
          return error;
        }),
      );
      last = { blocks, system, errors, maxError, converged, worst };
      if (converged && !fixed) break;
    }
  }
  if (!last) throw new NnftError('E_INTERNAL', 'spectral method ran no basis sizes');
  const finalBlocks = last.blocks;
  const converged = last.converged;
  if (!converged && !fixed) {
    const couplings = theory.interactions.map((term, k) => ({ term, k })).filter(({ term }) => term.coupling !== 0);
    const key = couplings.length ? couplings.map(({ k }) => `action.interactions[${k}].coupling`).join(', ') : 'action.free.mass';
    const change = Number.isFinite(last.worst.ratio) ? `a relative change of ${last.worst.ratio.toExponential(2)} in G_c${last.worst.order}` : `G_c${last.worst.order} still moving without a convergence rate`;
    throw new NnftError('E_NOT_CONVERGED', `spectral method did not converge: ${change} at the largest basis (${last.system.size} oscillator states), tolerance ${tolerance}`, {
      hint: `the interaction is too strong for the oscillator basis${theory.interactionRegion ? ' at frequency m (held there by the interaction region)' : ''}: lower ${key}, ${theory.interactionRegion ? 'drop regulator.interactionRegion, ' : ''}raise targetCorrelators.tolerance, or use "method": "lattice"`,
    });
  }
  return {
    correlators: finalBlocks,
    truncationError: last.maxError,
    truncationErrors: last.errors,
    basisSize: last.system.size,
    converged,
    massGap: last.system.energies[1]! - last.system.energies[0]!,
    groundStateEnergy: last.system.energies[0]!,
  };
}
