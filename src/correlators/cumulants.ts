/**
 * Joint cumulants (connected correlators) from moments: kappa(X_1..X_k) =
 * sum over set partitions pi of (-1)^{|pi|-1} (|pi|-1)! prod_{B in pi} E[prod_{i in B} X_i].
 * Works for non-zero means (odd potentials), which zero-mean shortcuts (moments minus pairings) do not.
 */
import { setPartitions } from '../numeric/set-partitions.js';

export { setPartitions };

const factorials = [1, 1, 2, 6, 24, 120, 720, 5040, 40320];

/**
 * The joint cumulant of the variables phi(x_i) for the point indices in `tuple`, given a function
 * returning the moment E[prod phi(x_j)] for a non-decreasing tuple of point indices (memoise it: the
 * same sub-moments recur across tuples).
 */
export function jointCumulant(tuple: readonly number[], moment: (sortedIndices: readonly number[]) => number): number {
  let total = 0;
  for (const partition of setPartitions(tuple.length)) {
    let product = 1;
    for (const block of partition) {
      product *= moment(block.map((position) => tuple[position]!).sort((a, b) => a - b));
      if (product === 0) break;
    }
    const blockCount = partition.length;
    total += (blockCount % 2 === 1 ? 1 : -1) * factorials[blockCount - 1]! * product;
  }
  return total;
}

/** Memoise a moment function by its (sorted) index tuple. */
export function memoizeMoments(moment: (sortedIndices: readonly number[]) => number): (sortedIndices: readonly number[]) => number {
  const cache = new Map<string, number>();
  return (indices) => {
    const key = indices.join(',');
    let value = cache.get(key);
    if (value === undefined) {
      value = moment(indices);
      cache.set(key, value);
    }
    return value;
  };
}
