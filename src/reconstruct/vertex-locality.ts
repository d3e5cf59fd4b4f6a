/**
 * Locality diagnostics of the amputated quartic vertex V_ijkl on a grid (docs/reconstruct.md, "3. Locality and cluster decomposition").
 *
 * - Vertex spread: the fraction of sum V^2 off the diagonal i=j=k=l. Local phi^4 gives 0; noise
 *   alone gives sum_off sigma^2 / sum V^2 (the noise floor), so the excess over that floor, with its
 *   jackknife error, is what signals non-locality.
 * - Momentum-polynomial residual: a local vertex is a polynomial in momenta, on a lattice a finite
 *   stencil; the fraction of the interior vertex weight that the best finite-range stencil leaves
 *   unexplained, above the noise floor, measures non-locality beyond a finite number of derivatives.
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
  /** Stencil range in grid spacings (1: nearest neighbours). */
  readonly range: number;
  /** Number of interior grid points the fit used. */
  readonly interiorPoints: number;
  /** Fitted value of each stencil class (translation-invariant shape of the four indices). */
  readonly stencils: { shape: string; value: number }[];
}

function latticeGeometry(points: readonly (readonly number[])[]): { spacing: number; neighbourCount: number[]; dimension: number } {
  const laplacian = gridLaplacian(points);
  const size = points.length;
  let spacing = Infinity;
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const d = Math.hypot(...points[i].map((value, axis) => value - points[j][axis]));
      if (d > 0) spacing = Math.min(spacing, d);
    }
  }
  const neighbourCount = Array.from({ length: size }, (_, i) => Math.round(laplacian[i * size + i] * spacing ** 2));
  return { spacing, neighbourCount, dimension: points[0].length };
}

/**
 * Residual of the best low-degree momentum polynomial. On a lattice a vertex polynomial in momenta
 * up to degree 2 is a finite stencil: a fixed value for each translation-invariant shape of the four
 * indices within `range` spacings (range 1 holds the delta function and the nearest-neighbour
 * Laplacian terms, and the cell-smeared vertex a continuum local interaction leaves between grid
 * points). The fit uses interior points only (all 2d neighbours present), because the boundary
 * points of a finite window absorb the interaction outside it. The statistic is the fraction of
 * sum V^2 over interior entries that no stencil explains (entries wider than the range, and any
 * position dependence).
 */
export function momentumPolynomialResidual(
  vertex: GridTensor,
  points: readonly (readonly number[])[],
  range = 1,
  errors: VertexErrors = {},
): MomentumPolynomialFit {
  const size = vertex.size;
  if (points.length !== size) throw new NnftError('E_SEMANTIC', `${points.length} points for a vertex on ${size} grid points`);
  const { spacing, neighbourCount, dimension } = latticeGeometry(points);
  const interior = neighbourCount.map((count) => count === 2 * dimension);
  const interiorPoints = interior.filter(Boolean).length;
  if (interiorPoints < 2) {
    throw new NnftError('E_SEMANTIC', `the momentum-polynomial fit needs at least 2 interior grid points, got ${interiorPoints}`, {
      hint: 'Use a larger grid: boundary points absorb the interaction outside the window and are left out.',
    });
  }
  // class of every interior entry: shape key for diameters within range, null beyond it
  const offsets: number[] = [];
  const classOf: (string | null)[] = [];
  forEachEntry(size, 4, (offset, indices) => {
    if (!indices.every((index) => interior[index])) return;
    let diameter = 0;
    for (let a = 0; a < 4; a++) {
      for (let b = a + 1; b < 4; b++) {
        diameter = Math.max(diameter, Math.hypot(...points[indices[a]].map((value, axis) => value - points[indices[b]][axis])));
      }
    }
    offsets.push(offset);
    if (diameter > range * spacing * (1 + 1e-6)) {
      classOf.push(null);
      return;
    }
    // Grid steps relative to the first point, so grids offset from the origin classify correctly.
    const steps = indices.map((index) => points[index].map((value, axis) => Math.round((value - points[0][axis]) / spacing)));
    const origin = steps.reduce((low, step) => (step.join(',') < low.join(',') ? step : low), steps[0]);
    const relative = steps.map((step) => step.map((value, axis) => value - origin[axis]).join(',')).sort();
    classOf.push(relative.join('|'));
  });
  const fitClasses = (data: Float64Array): { residual: number; total: number; means: Map<string, number> } => {
    const sums = new Map<string, { sum: number; count: number }>();
    offsets.forEach((offset, k) => {
      const key = classOf[k];
      if (key === null) return;
      const entry = sums.get(key) ?? { sum: 0, count: 0 };
      entry.sum += data[offset];
      entry.count += 1;
      sums.set(key, entry);
    });
    const means = new Map([...sums].map(([key, entry]) => [key, entry.sum / entry.count]));
    let residual = 0;
    let total = 0;
    offsets.forEach((offset, k) => {
      const key = classOf[k];
      const model = key === null ? 0 : means.get(key)!;
      residual += (data[offset] - model) ** 2;
      total += data[offset] ** 2;
    });
    return { residual, total, means };
  };
  const statistic = (data: Float64Array): number => {
    const { residual, total } = fitClasses(data);
    return total > 0 ? residual / total : 0;
  };
  const interiorMask = new Uint8Array(vertex.data.length);
  for (const offset of offsets) interiorMask[offset] = 1;
  // noise floor relative to the interior weight
  const interiorTotal = offsets.reduce((sum, offset) => sum + vertex.data[offset] ** 2, 0);
  const totalWeight = sumOfSquares(vertex.data);
  const result = measure(statistic, vertex, errors, (offset) => (interiorMask[offset] ? totalWeight / Math.max(interiorTotal, 1e-300) : 0));
  const { means } = fitClasses(vertex.data);
  return {
    ...result,
    range,
    interiorPoints,
    stencils: [...means].map(([shape, value]) => ({ shape, value })),
  };
}
