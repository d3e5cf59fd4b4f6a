/**
 * The connected correlators of an undeformed network spec in closed form (the base architecture's
 * exact finite-width connected functions, Architecture.exactConnected), as a CorrelatorResult with
 * zero errors. Used to judge free designs without sampling noise.
 */
import { NnftError } from '../errors.js';
import { RESULT_VERSION, indexTuples, type CorrelatorResult } from '../io/result.js';
import type { MonomialTable } from '../estimators/monomials.js';
import type { Architecture, Points } from '../architectures/architecture.js';
import { architectureFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';

/** The undeformed architecture's exact moments of every monomial of `table` at `points`. */
export function exactMonomialMoments(architecture: Architecture, points: Points, table: MonomialTable): Float64Array {
  return Float64Array.from(table.tuples, (tuple) => {
    const value = architecture.exactMoment(tuple.map((index) => points[index]!));
    if (value === null) throw new NnftError('E_UNSUPPORTED', `the ${architecture.kind} architecture has no closed-form moments`);
    return value;
  });
}

export function exactSpecCorrelators(spec: NnftSpec, orders: readonly number[]): CorrelatorResult {
  if (spec.deformation) throw new NnftError('E_INTERNAL', 'closed-form correlators exist only for undeformed specs');
  const architecture = architectureFromSpec(spec);
  const points = spec.observables.points;
  return {
    nnftResult: RESULT_VERSION,
    kind: 'ensemble-correlators',
    points: points.map((point) => [...point]),
    correlators: orders.map((order) => {
      const indices = indexTuples(points.length, order);
      const values = architecture.exactConnected(points, indices);
      if (values === null) throw new NnftError('E_UNSUPPORTED', `the ${architecture.kind} architecture has no closed-form moments`);
      return {
        order,
        indices,
        values,
        stderr: indices.map(() => 0),
      };
    }),
    method: 'closed form: exact finite-width moments of the undeformed network',
  };
}
