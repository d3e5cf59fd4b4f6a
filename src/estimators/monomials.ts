/**
 * The monomials phi(x_i1) ... phi(x_ik) (non-decreasing index tuples, k = 1..maxOrder) whose
 * ensemble averages every connected correlator up to maxOrder is built from. They are numbered in
 * depth-first order, so each monomial extends its parent (the tuple without its last index) by one
 * factor and accumulation costs one multiply per monomial per network.
 */
export interface MonomialTable {
  readonly pointCount: number;
  readonly maxOrder: number;
  /** Tuples in depth-first order. */
  readonly tuples: readonly (readonly number[])[];
  /** parent[i]: index of the tuple without its last entry, or -1 for order 1. */
  readonly parent: Int32Array;
  /** last[i]: the last point index of tuple i. */
  readonly last: Int32Array;
  indexOf(tuple: readonly number[]): number;
}

export function tupleKey(tuple: readonly number[]): string {
  return tuple.join(',');
}

export function monomialTable(pointCount: number, maxOrder: number): MonomialTable {
  const tuples: number[][] = [];
  const parents: number[] = [];
  const lasts: number[] = [];
  const visit = (prefix: number[], parentIndex: number, start: number): void => {
    if (prefix.length === maxOrder) return;
    for (let index = start; index < pointCount; index++) {
      const tuple = [...prefix, index];
      const own = tuples.length;
      tuples.push(tuple);
      parents.push(parentIndex);
      lasts.push(index);
      visit(tuple, own, index);
    }
  };
  visit([], -1, 0);
  const lookup = new Map<string, number>();
  tuples.forEach((tuple, index) => lookup.set(tupleKey(tuple), index));
  return {
    pointCount,
    maxOrder,
    tuples,
    parent: Int32Array.from(parents),
    last: Int32Array.from(lasts),
    indexOf: (tuple) => {
      const sorted = [...tuple].sort((a, b) => a - b);
      const found = lookup.get(tupleKey(sorted));
      if (found === undefined) throw new RangeError(`monomial ${tupleKey(tuple)} is not in the table`);
      return found;
    },
  };
}
