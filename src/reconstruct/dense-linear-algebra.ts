/**
 * Small dense float64 linear algebra for the reconstruction module: Cholesky factor and solves,
 * symmetric eigenvalues (cyclic Jacobi, exact enough to state condition numbers), and the inverse of
 * a small well-conditioned SPD matrix (fit covariances). Matrices are row-major Float64Array of n*n.
 *
 * Kept private to src/reconstruct until src/numeric offers the same operations; the amputation never
 * forms C^{-1} by Gauss-Jordan elimination, it solves C X = B with the Cholesky factor.
 */
import { NnftError } from '../errors.js';

/** Lower-triangular L with C = L L^T. Throws E_NUMERIC when C is not positive definite. */
export function choleskyFactor(matrix: Float64Array, size: number, what = 'matrix'): Float64Array {
  const lower = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col <= row; col++) {
      let sum = matrix[row * size + col];
      for (let k = 0; k < col; k++) sum -= lower[row * size + k] * lower[col * size + k];
      if (row === col) {
        if (!(sum > 0)) {
          throw new NnftError('E_NUMERIC', `${what} is not positive definite (pivot ${row} = ${sum})`, {
            hint: 'The two-point matrix must be a covariance of independent grid values: use fewer or more widely spaced grid points, or more networks.',
          });
        }
        lower[row * size + col] = Math.sqrt(sum);
      } else {
        lower[row * size + col] = sum / lower[col * size + col];
      }
    }
  }
  return lower;
}

/** Solve (L L^T) X = B for X, B row-major size x columns. Returns a new array. */
export function choleskySolve(lower: Float64Array, size: number, rhs: Float64Array, columns: number): Float64Array {
  const solution = Float64Array.from(rhs);
  for (let col = 0; col < columns; col++) {
    // forward: L y = b
    for (let row = 0; row < size; row++) {
      let sum = solution[row * columns + col];
      for (let k = 0; k < row; k++) sum -= lower[row * size + k] * solution[k * columns + col];
      solution[row * columns + col] = sum / lower[row * size + row];
    }
    // backward: L^T x = y
    for (let row = size - 1; row >= 0; row--) {
      let sum = solution[row * columns + col];
      for (let k = row + 1; k < size; k++) sum -= lower[k * size + row] * solution[k * columns + col];
      solution[row * columns + col] = sum / lower[row * size + row];
    }
  }
  return solution;
}

export function identityMatrix(size: number): Float64Array {
  const identity = new Float64Array(size * size);
  for (let i = 0; i < size; i++) identity[i * size + i] = 1;
  return identity;
}

/** Inverse of an SPD matrix through its Cholesky factor (for small, well-conditioned normal matrices). */
export function inverseSpd(matrix: Float64Array, size: number, what = 'matrix'): Float64Array {
  return choleskySolve(choleskyFactor(matrix, size, what), size, identityMatrix(size), size);
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
export function symmetricEigenvalues(matrix: Float64Array, size: number): number[] {
  const work = Float64Array.from(matrix);
  for (let sweep = 0; sweep < 100; sweep++) {
    let offNorm = 0;
    let totalNorm = 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const value = work[i * size + j] * work[i * size + j];
        totalNorm += value;
        if (i !== j) offNorm += value;
      }
    }
    if (offNorm <= 1e-30 * totalNorm || offNorm === 0) break;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = work[p * size + q];
        if (apq === 0) continue;
        const app = work[p * size + p];
        const aqq = work[q * size + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = work[k * size + p];
          const akq = work[k * size + q];
          work[k * size + p] = c * akp - s * akq;
          work[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = work[p * size + k];
          const aqk = work[q * size + k];
          work[p * size + k] = c * apk - s * aqk;
          work[q * size + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const eigenvalues: number[] = [];
  for (let i = 0; i < size; i++) eigenvalues.push(work[i * size + i]);
  return eigenvalues.sort((a, b) => a - b);
}

/** y = A x for a row-major rows x cols matrix. */
export function matrixVector(matrix: Float64Array, rows: number, cols: number, vector: ArrayLike<number>): Float64Array {
  const result = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += matrix[i * cols + j] * vector[j];
    result[i] = sum;
  }
  return result;
}
