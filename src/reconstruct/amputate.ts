/**
 * Leading Edgeworth reconstruction on a grid (docs/reconstruct.md, "1. Grid amputation"). With the grid values phi_i as
 * the variables, the action to first order in the connected correlators is
 *
 *   S = (1/2) phi.P.phi + (1/2) sum dK_ij phi_i phi_j + (1/4!) sum V_ijkl phi_i..phi_l
 *       + (1/6!) sum g6_ijklmn phi_i..phi_n + ...,      P = C^{-1},
 *
 *   V_ijkl  = - sum K_abcd P_ai P_bj P_ck P_dl                       (amputate, flip the sign)
 *   dK_ij   = - (1/2) sum_kl V_ijkl C_kl                             (tadpole of the quartic vertex)
 *   g6      = - [K6 amputated] + sum_{10 splits (3|3)} sum_vw V_ijkv C_vw V_lmnw.
 *
 * These are coefficients of the grid action, so the cell volume a^d only converts them to continuum
 * densities: local phi^4 with coupling lambda is V_ijkl = lambda a^d [i=j=k=l] and
 * dK = -(lambda/2) G(0) a^d delta_ij. Orders dropped: O(K4^2) in V and dK, K8 and beyond in g6.
 *
 * P is applied through Cholesky solves of C (never an explicit inverse by elimination). Noise in K is
 * amplified by up to ||C^{-1}||_2^4 = 1/lambda_min(C)^4, reported as `noiseAmplification`.
 */
import { NnftError } from '../errors.js';
import { choleskyFactor, choleskySolve, identityMatrix, symmetricEigenvalues } from './dense-linear-algebra.js';
import { contractAllAxes, forEachEntry, type GridTensor, tensorLength } from './grid-tensor.js';

/** Largest grid for the sextic vertex: M^6 float64 entries (12^6 = 3M, 24 MB per copy). */
export const MAX_SEXTIC_GRID = 12;

export interface GridCorrelators {
  /** Connected 2-point matrix C (M x M, row-major). */
  readonly twoPoint: Float64Array;
  /** Connected 4-point tensor K_abcd. */
  readonly fourPoint: GridTensor;
  /** Optional connected 6-point tensor. */
  readonly sixPoint?: GridTensor;
}

export interface AmputationOptions {
  /** Cell volume a^d of the grid, to express vertices as continuum couplings. Default 1. */
  readonly cellVolume?: number;
}

export interface Amputation {
  readonly size: number;
  readonly cellVolume: number;
  /** V_ijkl, quartic coefficient of the grid action (includes a^d factors). */
  readonly quartic: GridTensor;
  /** dK_ij, correction to the quadratic coefficient of the grid action. */
  readonly quadratic: Float64Array;
  /** g6_ijklmn when a 6-point tensor was given. */
  readonly sextic?: GridTensor;
  /** Mean of the diagonal V_iiii / a^d: the local phi^4 coupling if the vertex is local. */
  readonly diagonalCoupling: number;
  readonly smallestEigenvalue: number;
  readonly largestEigenvalue: number;
  /** lambda_max / lambda_min of C (2-norm condition number). */
  readonly conditionNumber: number;
  /** ||C^{-1}||_2^4: worst-case factor between noise in K and noise in V (Frobenius norms). */
  readonly noiseAmplification: number;
}

function checkShapes(input: GridCorrelators): number {
  const size = Math.round(Math.sqrt(input.twoPoint.length));
  if (size * size !== input.twoPoint.length || size === 0) {
    throw new NnftError('E_SEMANTIC', `two-point matrix has ${input.twoPoint.length} entries, not M^2`);
  }
  if (input.fourPoint.order !== 4 || input.fourPoint.size !== size) {
    throw new NnftError('E_SEMANTIC', `four-point tensor must be order 4 on ${size} points`);
  }
  if (input.sixPoint && (input.sixPoint.order !== 6 || input.sixPoint.size !== size)) {
    throw new NnftError('E_SEMANTIC', `six-point tensor must be order 6 on ${size} points`);
  }
  if (input.sixPoint && size > MAX_SEXTIC_GRID) {
    throw new NnftError('E_UNSUPPORTED', `the sextic vertex is limited to ${MAX_SEXTIC_GRID} grid points (got ${size})`, {
      hint: 'Use a coarser grid for the sextic vertex; its tensor has M^6 entries.',
    });
  }
  return size;
}

/** The 10 ways to split positions 0..5 into two triples, as the triple containing position 0. */
export const TRIPLE_SPLITS: readonly (readonly [number, number, number])[] = (() => {
  const splits: [number, number, number][] = [];
  for (let a = 1; a < 6; a++) for (let b = a + 1; b < 6; b++) splits.push([0, a, b]);
  return splits;
})();

/** sum over the 10 (3|3) splits of sum_vw V_ijkv C_vw V_lmnw. */
export function quarticExchange(quartic: GridTensor, twoPoint: Float64Array): GridTensor {
  const size = quartic.size;
  // W_ijk,w = sum_v V_ijkv C_vw (contract the last axis with C)
  const triples = size ** 3;
  const halfLeg = new Float64Array(triples * size);
  for (let t = 0; t < triples; t++) {
    for (let w = 0; w < size; w++) {
      let sum = 0;
      for (let v = 0; v < size; v++) sum += quartic.data[t * size + v] * twoPoint[v * size + w];
      halfLeg[t * size + w] = sum;
    }
  }
  // E_ijk,lmn = sum_w W_ijk,w V_lmn,w
  const exchange = new Float64Array(triples * triples);
  for (let left = 0; left < triples; left++) {
    for (let right = 0; right < triples; right++) {
      let sum = 0;
      for (let w = 0; w < size; w++) sum += halfLeg[left * size + w] * quartic.data[right * size + w];
      exchange[left * triples + right] = sum;
    }
  }
  const result = new Float64Array(tensorLength(size, 6));
  const rest = new Array<number>(3);
  forEachEntry(size, 6, (offset, indices) => {
    let total = 0;
    for (const split of TRIPLE_SPLITS) {
      let r = 0;
      for (let position = 0; position < 6; position++) {
        if (position !== split[0] && position !== split[1] && position !== split[2]) rest[r++] = indices[position];
      }
      const left = (indices[split[0]] * size + indices[split[1]]) * size + indices[split[2]];
      const right = (rest[0] * size + rest[1]) * size + rest[2];
      total += exchange[left * triples + right];
    }
    result[offset] = total;
  });
  return { size, order: 6, data: result };
}

/** Amputate measured (or exact) grid correlators into the leading vertices of the grid action. */
export function amputateGrid(input: GridCorrelators, options: AmputationOptions = {}): Amputation {
  const size = checkShapes(input);
  const cellVolume = options.cellVolume ?? 1;
  if (!(cellVolume > 0)) throw new NnftError('E_USAGE', `cellVolume must be positive, got ${cellVolume}`);
  const factor = choleskyFactor(input.twoPoint, size, 'the two-point matrix C');
  // P = C^{-1} by Cholesky solves against the identity; its use is contraction only.
  const precision = choleskySolve(factor, identityMatrix(size), size);
  const eigenvalues = symmetricEigenvalues(input.twoPoint, size);
  const smallestEigenvalue = eigenvalues[0];
  const largestEigenvalue = eigenvalues[size - 1];

  const amputated = contractAllAxes(input.fourPoint, precision);
  const quarticData = amputated.data.map((value) => -value);
  const quartic: GridTensor = { size, order: 4, data: quarticData };

  const quadratic = new Float64Array(size * size);
  const pairs = size * size;
  for (let ij = 0; ij < pairs; ij++) {
    let sum = 0;
    for (let kl = 0; kl < pairs; kl++) sum += quarticData[ij * pairs + kl] * input.twoPoint[kl];
    quadratic[ij] = -0.5 * sum;
  }

  let sextic: GridTensor | undefined;
  if (input.sixPoint) {
    const amputated6 = contractAllAxes(input.sixPoint, precision);
    const exchange = quarticExchange(quartic, input.twoPoint);
    sextic = { size, order: 6, data: exchange.data.map((value, offset) => value - amputated6.data[offset]) };
  }

  let diagonal = 0;
  for (let i = 0; i < size; i++) diagonal += quarticData[i * (1 + size + size * size + size ** 3)];
  return {
    size,
    cellVolume,
    quartic,
    quadratic,
    ...(sextic ? { sextic } : {}),
    diagonalCoupling: diagonal / size / cellVolume,
    smallestEigenvalue,
    largestEigenvalue,
    conditionNumber: largestEigenvalue / smallestEigenvalue,
    noiseAmplification: smallestEigenvalue ** -4,
  };
}
