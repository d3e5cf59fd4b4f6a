/**
 * Connected correlators (joint cumulants) from moments, together with their Jacobian: the cumulant
 * recipes (set partitions) applied to moments mu_j and, by the product rule, to d mu_j / d theta_k.
 */
import { cumulantRecipe } from '../estimators/cumulants.js';
import type { MonomialTable } from '../estimators/monomials.js';
import { indexTuples } from '../io/result.js';

export function cumulantsFromMoments(
  table: MonomialTable,
  pointCount: number,
  orders: readonly number[],
  evenOnly: boolean,
  moments: Float64Array,
  momentTangents: Float64Array,
  K: number,
): { values: Map<number, Float64Array>; jacobian: Map<number, Float64Array> } {
  const values = new Map<number, Float64Array>();
  const jacobian = new Map<number, Float64Array>();
  for (const order of orders) {
    const tuples = indexTuples(pointCount, order);
    const orderValues = new Float64Array(tuples.length);
    const orderJacobian = new Float64Array(tuples.length * K);
    tuples.forEach((tuple, t) => {
      const recipe = cumulantRecipe(tuple, (sub) => table.indexOf(sub), evenOnly);
      for (const term of recipe.terms) {
        let product = term.coefficient;
        for (const moment of term.moments) product *= moments[moment]!;
        orderValues[t]! += product;
        term.moments.forEach((moment, position) => {
          let others = term.coefficient;
          term.moments.forEach((other, otherPosition) => {
            if (otherPosition !== position) others *= moments[other]!;
          });
          for (let k = 0; k < K; k++) orderJacobian[t * K + k]! += others * momentTangents[moment * K + k]!;
        });
      }
    });
    values.set(order, orderValues);
    jacobian.set(order, orderJacobian);
  }
  return { values, jacobian };
}
