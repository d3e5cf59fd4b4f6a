/**
 * Joint cumulants from moments (docs/conventions.md, "Correlators": connected correlators are joint cumulants):
 *   kappa(X_1..X_n) = sum over set partitions pi of {1..n} of (-1)^{|pi|-1} (|pi|-1)! prod_B E[prod_{i in B} X_i].
 * For Z2-symmetric ensembles odd moments vanish exactly and partitions with an odd block are skipped,
 * which gives the familiar zero-mean formulas (G_c4 = G4 - sum_3 G2 G2, ...) without the noise of
 * estimated odd moments.
 */
import { factorial } from '../numeric/special-functions.js';
import { setPartitions } from '../numeric/set-partitions.js';


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
    const blocks = partition.length;
    const coefficient = (blocks % 2 === 1 ? 1 : -1) * factorial(blocks - 1);
    terms.push({ coefficient, moments: partition.map((block) => indexOf(block.map((position) => tuple[position]!))) });
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
