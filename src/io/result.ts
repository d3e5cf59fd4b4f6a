/**
 * The machine-readable result contract (shared/targets/README.md, "Results printed with --json"):
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
