/**
 * Moments <-> joint cumulants, the one place nnft writes them (docs/conventions.md, "Correlators":
 * connected correlators are joint cumulants). Over the set partitions pi of {1..n}:
 *   kappa(X_1..X_n) = sum_pi (-1)^{|pi|-1} (|pi|-1)! prod_{B in pi} E[prod_{i in B} X_i],
 *   E[X_1 ... X_n]  = sum_pi prod_{B in pi} kappa(X_B).
 * For Z2-symmetric ensembles odd moments vanish exactly, and the partitions with an odd block are
 * skipped ("even only"): that gives the familiar zero-mean formulas (G_c4 = G4 - sum_3 G2 G2, ...)
 * without the noise of estimated odd moments. The general form works for non-zero means (odd
 * potentials), which the zero-mean shortcuts do not.
 *
 * Users: the target correlators (correlators/), the ensemble estimators (estimators/), the design's
 * objective and its Jacobian (design/sample-objective.ts), the exact cos-net moments (architectures/).
 */
import { factorial } from './special-functions.js';
import { setPartitions } from './set-partitions.js';

export { setPartitions };

/** The weight (-1)^{b-1} (b-1)! of a partition with b blocks in the moment-to-cumulant sum. */
export function cumulantCoefficient(blockCount: number): number {
  return (blockCount % 2 === 1 ? 1 : -1) * factorial(blockCount - 1);
}

const evenPartitionCache = new Map<number, readonly (readonly number[])[][]>();

/** Set partitions of {0..n-1} into blocks of even size (the only ones a zero-mean law needs). */
export function evenPartitions(size: number): readonly (readonly number[])[][] {
  const cached = evenPartitionCache.get(size);
  if (cached) return cached;
  const result = setPartitions(size).filter((partition) => partition.every((block) => block.length % 2 === 0));
  evenPartitionCache.set(size, result);
  return result;
}

/** A compiled cumulant: which moments (by monomial index) each partition term multiplies. */
export interface CumulantRecipe {
  readonly terms: readonly { readonly coefficient: number; readonly moments: readonly number[] }[];
}

/**
 * Compile the cumulant of `tuple` into a sum of products of moments, with `indexOf` mapping a
 * sub-tuple to its monomial index. With `evenOnly`, partitions containing an odd block are dropped.
 */
export function cumulantRecipe(tuple: readonly number[], indexOf: (subTuple: number[]) => number, evenOnly: boolean): CumulantRecipe {
  const terms: { coefficient: number; moments: number[] }[] = [];
  for (const partition of setPartitions(tuple.length)) {
    if (evenOnly && partition.some((block) => block.length % 2 === 1)) continue;
    terms.push({ coefficient: cumulantCoefficient(partition.length), moments: partition.map((block) => indexOf(block.map((position) => tuple[position]!))) });
  }
  return { terms };
}

export function evaluateCumulant(recipe: CumulantRecipe, moments: ArrayLike<number>): number {
  let total = 0;
  for (const term of recipe.terms) {
    let product = term.coefficient;
    for (const index of term.moments) product *= moments[index]!;
    total += product;
  }
  return total;
}

/**
 * The cumulant and its gradient: with moment tangents d mu_j / d theta_k in `tangents` ([moments, K]
 * row-major), adds d kappa / d theta_k to `gradient[offset + k]` by the product rule and returns kappa.
 */
export function evaluateCumulantWithTangents(recipe: CumulantRecipe, moments: ArrayLike<number>, tangents: ArrayLike<number>, K: number, gradient: Float64Array, offset: number): number {
  let total = 0;
  for (const term of recipe.terms) {
    let product = term.coefficient;
    for (const moment of term.moments) product *= moments[moment]!;
    total += product;
    term.moments.forEach((moment, position) => {
      let others = term.coefficient;
      term.moments.forEach((other, otherPosition) => {
        if (otherPosition !== position) others *= moments[other]!;
      });
      for (let k = 0; k < K; k++) gradient[offset + k]! += others * tangents[moment * K + k]!;
    });
  }
  return total;
}

/** The first-order coefficient of a cumulant along a change of the moments: d kappa(m0 + t dm)/dt at t = 0. */
export function cumulantDerivativeAlong(recipe: CumulantRecipe, moments: ArrayLike<number>, change: ArrayLike<number>): number {
  let total = 0;
  for (const term of recipe.terms) {
    for (let chosen = 0; chosen < term.moments.length; chosen++) {
      let product = term.coefficient * change[term.moments[chosen]!]!;
      for (let other = 0; other < term.moments.length; other++) if (other !== chosen) product *= moments[term.moments[other]!]!;
      total += product;
    }
  }
  return total;
}

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
    total += cumulantCoefficient(partition.length) * product;
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

/**
 * E[X_1 ... X_n] from the joint cumulants of the blocks (`cumulant` gets the positions of one block),
 * over even partitions only when `evenOnly` (a zero-mean law).
 */
export function momentFromCumulants(size: number, cumulant: (block: readonly number[]) => number, evenOnly: boolean): number {
  let moment = 0;
  for (const partition of evenOnly ? evenPartitions(size) : setPartitions(size)) {
    let product = 1;
    for (const block of partition) product *= cumulant(block);
    moment += product;
  }
  return moment;
}
