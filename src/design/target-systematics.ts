/**
 * Named systematic allowances of a target's correlators, for the consistency test
 * (docs/design.md, "Met means consistent"). Each is a fully correlated shift of one order: the
 * neglected terms of an approximate method have a fixed shape, not independent noise per tuple.
 *
 * First-order perturbation theory: the O(g^2) terms, estimated by the one-loop bubble r
 * (correlators/weak-coupling.ts, an estimate within a factor ~3, not a bound): an allowance of
 * 3 r times each value's first-order part (value - free propagator for G2, the value for higher
 * orders). G2 also gets 3 r s times its value, s the first-order size of the vertex
 * (weak-coupling.ts firstOrderSize): its second-order (sunset) term is a vertex times a loop and does
 * not scale with its first-order part, which Wick ordering makes zero (at lambda = 1, Wick-ordered,
 * the sunset moved G2(0) by 2.2e-3 against a first-order allowance of 0;
 * test/design/target-systematics.test.ts).
 * Being a rank-one shift per order, a generous allowance gives up one direction of the test per
 * order, not the test.
 */
import type { CorrelatorResult } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { freePropagator } from '../correlators/free-propagator.js';
import { firstOrderSize, secondOrderEstimate } from '../correlators/weak-coupling.js';
import type { NamedSystematic } from './consistency.js';

export const SECOND_ORDER_ALLOWANCE = 3;

export function targetSystematics(theory: Theory, target: CorrelatorResult, orders: readonly number[]): NamedSystematic[] {
  if (target.method !== 'perturbative' || theory.interactions.length === 0) return [];
  const r = secondOrderEstimate(theory);
  const vertexSize = firstOrderSize(theory);
  const shifts = new Map<number, number[]>();
  for (const order of orders) {
    const block = target.correlators.find((candidate) => candidate.order === order);
    if (!block) continue;
    shifts.set(
      order,
      block.values.map((value, t) => {
        if (order !== 2) return SECOND_ORDER_ALLOWANCE * r * value;
        const [i, j] = block.indices[t]!;
        const separation = Math.hypot(...theory.points[i!]!.map((coordinate, axis) => coordinate - theory.points[j!]![axis]!));
        const firstOrderPart = value - freePropagator(theory.dimension, theory.mass, theory.momentumCutoff, separation);
        return SECOND_ORDER_ALLOWANCE * Math.max(r * Math.abs(firstOrderPart), r * vertexSize * Math.abs(value)) * Math.sign(firstOrderPart || 1);
      }),
    );
  }
  return [{ name: `O(g^2) of first-order perturbation theory: ${SECOND_ORDER_ALLOWANCE} x the one-loop estimate r = ${(100 * r).toPrecision(2)}% of each first-order term, fully correlated per order`, shifts }];
}
