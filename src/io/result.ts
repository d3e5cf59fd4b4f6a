/**
 * The machine-readable result contract (docs/correlators.md, "Result"; schema/result.schema.json):
 * correlators listed per order, over non-decreasing index tuples of the points, with one standard
 * error each (0 for exact values), plus a statement of how they were obtained.
 */

export const RESULT_VERSION = 1;

export type ResultKind = 'target-correlators' | 'ensemble-correlators' | 'design';

export interface CorrelatorBlock {
  order: number;
  /** Non-decreasing tuples of point indices, every combination with repetition, lexicographic. */
  indices: number[][];
  /** Connected correlators (joint cumulants). */
  values: number[];
  /** One standard error per value; 0 for exact values. */
  stderr: number[];
  /**
   * Monte Carlo estimates: the delete-one-batch jackknife replicates of each value ([value][batch]),
   * from which any covariance between values follows (design/consistency.ts, docs/design.md).
   */
  replicates?: number[][];
}

/**
 * The zero-momentum time-slice correlator C(t) = a^(d-1) sum_x G_c2((t, x), (0, 0)), the sum over the
 * spatial sites x of one time slice (for d = 1, C(t) = G_c2(t, 0)), with its errors and covariance
 * (docs/conventions.md, "Time-slice correlator"). `lattice-field`: measured on every configuration of
 * a lattice run over whole periodic slices (every spatial site; translations, and the choice of the
 * time axis, averaged). `points`: summed from a result's G_c2 over the listed points of each slice
 * (observables/time-slice.ts), a Riemann sum of the slice integral unless the slice is a whole
 * periodic lattice slice.
 */
export interface TimeSliceCorrelator {
  readonly source: 'lattice-field' | 'points';
  /** Time separations t (coordinate units), increasing from 0. */
  readonly times: number[];
  readonly values: number[];
  /** One standard error per time (0 for exact inputs). */
  readonly stderr: number[];
  /** Delete-one-batch jackknife replicates ([time][batch]) when the input had them. */
  readonly replicates?: number[][];
  /** Covariance between times (jackknife, from the replicates), or null when it is not known. */
  readonly covariance: number[][] | null;
  /** a^(d-1): the spatial cell volume each site or point of a slice stands for (1 in d = 1). */
  readonly cellVolume: number;
  /** Sites or points summed per slice. */
  readonly slicePoints: number;
  /** What the sum covers and how the errors were obtained. */
  readonly notes: string[];
}

export interface CorrelatorResult {
  nnftResult: typeof RESULT_VERSION;
  kind: ResultKind;
  points: number[][];
  correlators: CorrelatorBlock[];
  /** How the numbers were obtained: method, backend, seed, ensemble size, ESS, ... */
  [extra: string]: unknown;
}

/** Every non-decreasing tuple of length `order` over 0..pointCount-1, in lexicographic order. */
export function indexTuples(pointCount: number, order: number): number[][] {
  const tuples: number[][] = [];
  const current: number[] = new Array(order).fill(0);
  const visit = (position: number, start: number): void => {
    if (position === order) {
      tuples.push(current.slice());
      return;
    }
    for (let index = start; index < pointCount; index++) {
      current[position] = index;
      visit(position + 1, index);
    }
  };
  if (order > 0 && pointCount > 0) visit(0, 0);
  return tuples;
}
