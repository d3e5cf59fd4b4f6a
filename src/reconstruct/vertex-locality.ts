/**
 * Locality diagnostics of the amputated quartic vertex V_ijkl on a grid (physics.md section 5).
 *
 * - Vertex spread: the fraction of sum V^2 off the diagonal i=j=k=l. Local phi^4 gives 0; noise
 *   alone gives sum_off sigma^2 / sum V^2 (the noise floor), so the excess over that floor, with its
 *   jackknife error, is what signals non-locality.
 * - Momentum-polynomial residual: a local vertex is a polynomial in momenta; on a regular grid the
 *   degree-0 and degree-2 terms are the diagonal tensor and the lattice Laplacian applied to one leg
 *   of it (summed over legs). The fraction of sum V^2 that such a fit leaves unexplained, above the
 *   noise floor, measures non-locality beyond a finite number of derivatives.
 */
import { NnftError } from '../errors.js';
import { forEachEntry, type GridTensor } from './grid-tensor.js';
import { jackknifeStatistic } from './jackknife.js';

export interface LocalityMeasure {
  /** The statistic on the central vertex (a fraction of sum V^2). */
  readonly value: number;
  /** Jackknife standard error (0 without batches). */
  readonly stderr: number;
  /** Expected value from noise alone (0 without errors). */
  readonly noiseFloor: number;
  /** value - noiseFloor. */
  readonly excess: number;
  /** excess / stderr (Infinity for exact data with a non-zero excess). */
  readonly significance: number;
}

export interface VertexErrors {
  readonly stderr?: GridTensor;
  /** Leave-one-out vertices from the jackknife, for the error of the statistic itself. */
  readonly leaveOneOut?: readonly Float64Array[];
}

/** Below this a statistic of exact (error-free) data counts as zero: float64 rounding of the amputation. */
export const EXACT_ZERO_FRACTION = 1e-12;

function sumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

function measure(statistic: (data: Float64Array) => number, vertex: GridTensor, errors: VertexErrors, noiseWeight: (offset: number) => number): LocalityMeasure {
  const value = statistic(vertex.data);
  const total = sumOfSquares(vertex.data);
  let noiseFloor = 0;
  if (errors.stderr) {
    for (let offset = 0; offset < vertex.data.length; offset++) noiseFloor += noiseWeight(offset) * errors.stderr.data[offset] ** 2;
    noiseFloor /= total;
  }
  const stderr = errors.leaveOneOut && errors.leaveOneOut.length >= 2 ? jackknifeStatistic(errors.leaveOneOut.map((sample) => [statistic(sample)])).stderr[0] : 0;
  const excess = value - noiseFloor;
  const significance = stderr > 0 ? excess / stderr : excess > EXACT_ZERO_FRACTION ? Infinity : 0;
  return { value, stderr, noiseFloor, excess, significance };
}

function diagonalStride(size: number): number {
  return 1 + size + size * size + size ** 3;
}

export function vertexSpread(vertex: GridTensor, errors: VertexErrors = {}): LocalityMeasure {
  if (vertex.order !== 4) throw new NnftError('E_SEMANTIC', 'the vertex spread is defined for the quartic vertex');
  const size = vertex.size;
  const stride = diagonalStride(size);
  const isDiagonal = (offset: number) => offset % stride === 0;
  const statistic = (data: Float64Array): number => {
    let off = 0;
    let total = 0;
    for (let offset = 0; offset < data.length; offset++) {
      const square = data[offset] * data[offset];
      total += square;
      if (!isDiagonal(offset)) off += square;
    }
    return total > 0 ? off / total : 0;
  };
  return measure(statistic, vertex, errors, (offset) => (isDiagonal(offset) ? 0 : 1));
}

/** Graph Laplacian of a regular grid (neighbours at the smallest spacing), scaled by 1/spacing^2. */
export function gridLaplacian(points: readonly (readonly number[])[]): Float64Array {
  const size = points.length;
  const distances: number[] = [];
  let spacing = Infinity;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let sum = 0;
      for (let axis = 0; axis < points[i].length; axis++) sum += (points[i][axis] - points[j][axis]) ** 2;
      const d = Math.sqrt(sum);
      distances.push(d);
      if (i !== j && d > 0) spacing = Math.min(spacing, d);
    }
  }
  if (!Number.isFinite(spacing)) throw new NnftError('E_SEMANTIC', 'the grid needs at least two distinct points');
  const laplacian = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i !== j && distances[i * size + j] <= spacing * (1 + 1e-6)) {
        laplacian[i * size + j] -= 1 / spacing ** 2;
        laplacian[i * size + i] += 1 / spacing ** 2;
      }
    }
  }
  return laplacian;
}

export interface MomentumPolynomialFit extends LocalityMeasure {
  readonly degree: 0 | 2;
  /** Coefficients of the basis tensors: [diagonal] or [diagonal, Laplacian on one leg]. */
  readonly coefficients: number[];
}

/** Fit V by a polynomial in momenta of degree 0 or 2 and report the unexplained fraction. */
export function momentumPolynomialResidual(
  vertex: GridTensor,
  points: readonly (readonly number[])[],
  degree: 0 | 2 = 2,
  errors: VertexErrors = {},
): MomentumPolynomialFit {
  const size = vertex.size;
  if (points.length !== size) throw new NnftError('E_SEMANTIC', `${points.length} points for a vertex on ${size} grid points`);
  const basis: Float64Array[] = [];
  const diagonal = new Float64Array(vertex.data.length);
  const stride = diagonalStride(size);
  for (let i = 0; i < size; i++) diagonal[i * stride] = 1;
  basis.push(diagonal);
  if (degree === 2) {
    const laplacian = gridLaplacian(points);
    const legs = new Float64Array(vertex.data.length);
    forEachEntry(size, 4, (offset, indices) => {
      let sum = 0;
      for (let leg = 0; leg < 4; leg++) {
        // L acts on leg `leg`; the other three indices must coincide at y
        const others = indices.filter((_, position) => position !== leg);
        if (others[0] === others[1] && others[1] === others[2]) sum += laplacian[indices[leg] * size + others[0]];
      }
      legs[offset] = sum;
    });
    basis.push(legs);
  }
  const count = basis.length;
  const project = (data: Float64Array): { coefficients: number[]; residual: number } => {
    const normal = basis.map((a) => basis.map((b) => a.reduce((sum, value, k) => sum + value * b[k], 0)));
    const rhs = basis.map((a) => a.reduce((sum, value, k) => sum + value * data[k], 0));
    let coefficients: number[];
    if (count === 1) coefficients = [rhs[0] / normal[0][0]];
    else {
      const det = normal[0][0] * normal[1][1] - normal[0][1] * normal[1][0];
      coefficients = [(rhs[0] * normal[1][1] - rhs[1] * normal[0][1]) / det, (normal[0][0] * rhs[1] - normal[1][0] * rhs[0]) / det];
    }
    let residual = 0;
    for (let k = 0; k < data.length; k++) {
      let model = 0;
      for (let b = 0; b < count; b++) model += coefficients[b] * basis[b][k];
      residual += (data[k] - model) ** 2;
    }
    return { coefficients, residual };
  };
  const statistic = (data: Float64Array): number => {
    const total = sumOfSquares(data);
    return total > 0 ? project(data).residual / total : 0;
  };
  // noise alone leaves all but `count` directions unexplained: floor ≈ sum sigma^2 / sum V^2
  const result = measure(statistic, vertex, errors, () => 1);
  return { ...result, degree, coefficients: project(vertex.data).coefficients };
}
