/**
 * Cholesky factorisation A = L L^T of a symmetric positive definite matrix in float64, with solves,
 * the log-determinant, the inverse, and a condition-number estimate so callers can warn before an
 * amputation or fit amplifies noise beyond use. Not SPD (a non-positive pivot) is an E_NUMERIC error.
 */
import { NnftError } from '../errors.js';

export type MatrixRows = ArrayLike<ArrayLike<number>>;

export interface CholeskyFactor {
  readonly size: number;
  /** Lower triangle, row-major n x n (upper part zero). */
  readonly lower: Float64Array;
  /**
   * Estimated 2-norm condition number: (max_i L_ii / min_i L_ii)^2, a lower bound that is usually
   * within a small factor of the truth, refined by one power/inverse-power iteration pair.
   */
  readonly conditionEstimate: number;
  /** Solve A x = b. */
  solve(rightHandSide: ArrayLike<number>): Float64Array;
  /** log det A. */
  logDeterminant(): number;
  /** A^{-1} as rows. */
  inverse(): number[][];
}

/** Flatten rows (checking shape and symmetry to a relative 1e-10) into a row-major array. */
function flattenSymmetric(matrix: MatrixRows): { size: number; data: Float64Array } {
  const size = matrix.length;
  const data = new Float64Array(size * size);
  let scale = 0;
  for (let i = 0; i < size; i++) {
    const row = matrix[i]!;
    if (row.length !== size) throw new NnftError('E_NUMERIC', `matrix row ${i} has ${row.length} entries, expected ${size}`);
    for (let j = 0; j < size; j++) {
      const value = row[j]!;
      if (!Number.isFinite(value)) throw new NnftError('E_NUMERIC', `matrix entry (${i}, ${j}) is ${value}`);
      data[i * size + j] = value;
      scale = Math.max(scale, Math.abs(value));
    }
  }
  for (let i = 0; i < size; i++)
    for (let j = 0; j < i; j++)
      if (Math.abs(data[i * size + j]! - data[j * size + i]!) > 1e-10 * scale)
        throw new NnftError('E_NUMERIC', `matrix is not symmetric at (${i}, ${j})`);
  return { size, data };
}

function forwardSubstitute(lower: Float64Array, size: number, rhs: Float64Array): void {
  for (let i = 0; i < size; i++) {
    let value = rhs[i]!;
    for (let k = 0; k < i; k++) value -= lower[i * size + k]! * rhs[k]!;
    rhs[i] = value / lower[i * size + i]!;
  }
}

function backSubstitute(lower: Float64Array, size: number, rhs: Float64Array): void {
  for (let i = size - 1; i >= 0; i--) {
    let value = rhs[i]!;
    for (let k = i + 1; k < size; k++) value -= lower[k * size + i]! * rhs[k]!;
    rhs[i] = value / lower[i * size + i]!;
  }
}

/** Factor a symmetric positive definite matrix given as rows. */
export function choleskyFactor(matrix: MatrixRows): CholeskyFactor {
  const { size, data } = flattenSymmetric(matrix);
  const lower = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    let pivot = data[j * size + j]!;
    for (let k = 0; k < j; k++) pivot -= lower[j * size + k]! * lower[j * size + k]!;
    if (!(pivot > 0)) {
      throw new NnftError('E_NUMERIC', `matrix is not positive definite (pivot ${j} is ${pivot.toExponential(3)})`, {
        hint: 'the covariance may be singular: use fewer or more widely spaced points, or more samples',
      });
    }
    const diagonal = Math.sqrt(pivot);
    lower[j * size + j] = diagonal;
    for (let i = j + 1; i < size; i++) {
      let value = data[i * size + j]!;
      for (let k = 0; k < j; k++) value -= lower[i * size + k]! * lower[j * size + k]!;
      lower[i * size + j] = value / diagonal;
    }
  }
  const solve = (rightHandSide: ArrayLike<number>): Float64Array => {
    if (rightHandSide.length !== size) throw new NnftError('E_NUMERIC', `right-hand side has ${rightHandSide.length} entries, expected ${size}`);
    const x = Float64Array.from(rightHandSide);
    forwardSubstitute(lower, size, x);
    backSubstitute(lower, size, x);
    return x;
  };
  const conditionEstimate = estimateCondition(data, size, solve, lower);
  return {
    size,
    lower,
    conditionEstimate,
    solve,
    logDeterminant: () => {
      let total = 0;
      for (let i = 0; i < size; i++) total += 2 * Math.log(lower[i * size + i]!);
      return total;
    },
    inverse: () => {
      const rows: number[][] = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      for (let j = 0; j < size; j++) {
        const unit = new Float64Array(size);
        unit[j] = 1;
        const column = solve(unit);
        for (let i = 0; i < size; i++) rows[i]![j] = column[i]!;
      }
      return rows;
    },
  };
}

/** Largest eigenvalue by power iteration, smallest by inverse iteration (a few steps each). */
function estimateCondition(data: Float64Array, size: number, solve: (b: ArrayLike<number>) => Float64Array, lower: Float64Array): number {
  if (size === 0) return 1;
  let minDiagonal = Infinity;
  let maxDiagonal = 0;
  for (let i = 0; i < size; i++) {
    minDiagonal = Math.min(minDiagonal, lower[i * size + i]!);
    maxDiagonal = Math.max(maxDiagonal, lower[i * size + i]!);
  }
  const crude = (maxDiagonal / minDiagonal) ** 2;
  const normalise = (v: Float64Array): number => {
    let norm = 0;
    for (let i = 0; i < size; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < size; i++) v[i] = v[i]! / norm;
    return norm;
  };
  // Deterministic start vector with components of both signs.
  const start = (): Float64Array => Float64Array.from({ length: size }, (_, i) => 1 + 0.37 * Math.sin(1.7 * i + 0.3));
  let v = start();
  normalise(v);
  let largest = 0;
  for (let iteration = 0; iteration < 30; iteration++) {
    const next = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      let value = 0;
      for (let j = 0; j < size; j++) value += data[i * size + j]! * v[j]!;
      next[i] = value;
    }
    largest = normalise(next);
    v = next;
  }
  let w = start();
  normalise(w);
  let inverseLargest = 0;
  for (let iteration = 0; iteration < 30; iteration++) {
    const next = solve(w);
    inverseLargest = normalise(next);
    w = next;
  }
  return Math.max(crude, largest * inverseLargest);
}
