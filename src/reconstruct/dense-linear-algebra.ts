/**
 * Row-major Float64Array adapters over src/numeric's Cholesky and symmetric eigen solvers, in the
 * flat layout the reconstruction tensors use. The amputation never forms C^{-1} by elimination: it
 * solves C X = B with the Cholesky factor.
 */
import { NnftError } from '../errors.js';
import { choleskyFactor as factorRows, type CholeskyFactor, symmetricEigen } from '../numeric/index.js';

function rowsOf(matrix: Float64Array, size: number): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from(matrix.subarray(i * size, (i + 1) * size)));
}

/** Cholesky factor of a row-major SPD matrix; `what` names it in the error when it is not SPD. */
export function choleskyFactor(matrix: Float64Array, size: number, what = 'matrix'): CholeskyFactor {
  if (matrix.length !== size * size) throw new NnftError('E_NUMERIC', `${what} has ${matrix.length} entries, expected ${size * size}`);
  try {
    return factorRows(rowsOf(matrix, size));
  } catch (error) {
    if (error instanceof NnftError) throw new NnftError(error.code, `${what}: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), cause: error });
    throw error;
  }
}

/** Solve A X = B for a row-major right-hand side of `columns` columns. */
export function choleskySolve(factor: CholeskyFactor, rhs: Float64Array, columns: number): Float64Array {
  const size = factor.size;
  const solution = new Float64Array(size * columns);
  const column = new Float64Array(size);
  for (let c = 0; c < columns; c++) {
    for (let i = 0; i < size; i++) column[i] = rhs[i * columns + c];
    const x = factor.solve(column);
    for (let i = 0; i < size; i++) solution[i * columns + c] = x[i];
  }
  return solution;
}

export function identityMatrix(size: number): Float64Array {
  const identity = new Float64Array(size * size);
  for (let i = 0; i < size; i++) identity[i * size + i] = 1;
  return identity;
}

/** Inverse of an SPD matrix through its Cholesky factor (small, well-conditioned normal matrices). */
export function inverseSpd(matrix: Float64Array, size: number, what = 'matrix'): Float64Array {
  return choleskySolve(choleskyFactor(matrix, size, what), identityMatrix(size), size);
}

/** Eigenvalues of a symmetric matrix, ascending. */
export function symmetricEigenvalues(matrix: Float64Array, size: number): number[] {
  return Array.from(symmetricEigen({ size, data: matrix }).values);
}
