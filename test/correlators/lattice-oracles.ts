/**
 * Independent oracles for lattice-regulated targets, built site by site (no Fourier transforms):
 * the dense quadratic form of the nearest-neighbour action, its inverse, and Gaussian moments by
 * Isserlis' theorem (docs/conventions.md, "Lattice regulator").
 */

/** Inverse of a dense symmetric positive matrix by Gauss-Jordan elimination with partial pivoting. */
export function invert(matrix: number[][]): number[][] {
  const size = matrix.length;
  const work = matrix.map((row, i) => [...row, ...Array.from({ length: size }, (_, j) => (i === j ? 1 : 0))]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(work[row]![column]!) > Math.abs(work[pivot]![column]!)) pivot = row;
    [work[column], work[pivot]] = [work[pivot]!, work[column]!];
    const scale = work[column]![column]!;
    for (let k = 0; k < 2 * size; k++) work[column]![k]! /= scale;
    for (let row = 0; row < size; row++) {
      if (row === column) continue;
      const factor = work[row]![column]!;
      if (factor !== 0) for (let k = 0; k < 2 * size; k++) work[row]![k]! -= factor * work[column]![k]!;
    }
  }
  return work.map((row) => row.slice(size));
}

/** The action's quadratic form a^d (-Laplacian + m^2) on the periodic L^d lattice, site by site. */
export function latticeOperator(dimension: number, sites: number, spacing: number, mass: number): number[][] {
  const total = sites ** dimension;
  const matrix = Array.from({ length: total }, () => new Array<number>(total).fill(0));
  const volume = spacing ** dimension;
  for (let flat = 0; flat < total; flat++) {
    matrix[flat]![flat]! += volume * (mass * mass + (2 * dimension) / spacing ** 2);
    for (let mu = 0; mu < dimension; mu++) {
      const stride = sites ** (dimension - 1 - mu);
      const coordinate = Math.floor(flat / stride) % sites;
      for (const step of [1, -1]) {
        const neighbour = flat + (((coordinate + step + sites) % sites) - coordinate) * stride;
        matrix[flat]![neighbour]! -= volume / spacing ** 2;
      }
    }
  }
  return matrix;
}

/** E[phi_{i_1} ... phi_{i_n}] of a zero-mean Gaussian with covariance C (Isserlis: sum over pairings). */
export function gaussianMoment(indices: readonly number[], covariance: readonly (readonly number[])[]): number {
  if (indices.length === 0) return 1;
  if (indices.length % 2 === 1) return 0;
  const [first, ...rest] = indices;
  let total = 0;
  for (let k = 0; k < rest.length; k++) {
    const partner = rest[k]!;
    total += covariance[first!]![partner]! * gaussianMoment([...rest.slice(0, k), ...rest.slice(k + 1)], covariance);
  }
  return total;
}
