/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method: slower than
 * tridiagonal QR for large n but simple, unconditionally stable and accurate to near machine
 * precision in every eigenvalue, which the spectral solver needs (its answers are differences
 * of eigenvalues and products of eigenvectors). Fine up to a few hundred rows.
 */
import { NnftError } from '../errors.js';
import type { MatrixRows } from './cholesky.js';

export interface SymmetricEigen {
  readonly size: number;
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Eigenvectors as columns of a row-major n x n array: vectors[i * n + k] is component i of vector k. */
  readonly vectors: Float64Array;
}

export function symmetricEigen(matrix: MatrixRows | { size: number; data: Float64Array }): SymmetricEigen {
  let size: number;
  let a: Float64Array;
  if ('data' in matrix && 'size' in matrix && !Array.isArray(matrix)) {
    size = matrix.size;
    a = Float64Array.from(matrix.data);
  } else {
    const rows = matrix as MatrixRows;
    size = rows.length;
    a = new Float64Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) a[i * size + j] = rows[i]![j]!;
  }
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  let scale = 0;
  for (let i = 0; i < size * size; i++) scale = Math.max(scale, Math.abs(a[i]!));
  if (!Number.isFinite(scale)) throw new NnftError('E_NUMERIC', 'matrix has non-finite entries');
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += a[p * size + q]! ** 2;
    if (offDiagonal <= (1e-17 * scale) ** 2 || scale === 0) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (apq === 0) continue;
        const app = a[p * size + p]!;
        const aqq = a[q * size + q]!;
        // Skip rotations whose effect is below rounding (after the first sweeps).
        if (sweep > 3 && Math.abs(apq) < 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[p * size + q] = 0;
          a[q * size + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((i, j) => a[i * size + i]! - a[j * size + j]!);
  const values = new Float64Array(size);
  const vectors = new Float64Array(size * size);
  order.forEach((source, target) => {
    values[target] = a[source * size + source]!;
    for (let i = 0; i < size; i++) vectors[i * size + target] = v[i * size + source]!;
  });
  return { size, values, vectors };
}
