/**
 * Correlators of a free theory: G2 is the regulated free propagator, every higher connected
 * correlator vanishes. Exact up to the propagator's quadrature (~1e-10 relative).
 */
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { freePropagator } from './free-propagator.js';

export function distanceBetween(left: readonly number[], right: readonly number[]): number {
  let squared = 0;
  for (let axis = 0; axis < left.length; axis++) squared += (left[axis]! - right[axis]!) ** 2;
  return Math.sqrt(squared);
}

export function computeFree(theory: Theory): CorrelatorBlock[] {
  return theory.connectedOrders.map((order) => {
    const indices = indexTuples(theory.points.length, order);
    const values = indices.map((tuple) =>
      order === 2 ? freePropagator(theory.dimension, theory.mass, theory.momentumCutoff, distanceBetween(theory.points[tuple[0]!]!, theory.points[tuple[1]!]!)) : 0,
    );
    return { order, indices, values, stderr: values.map(() => 0) };
  });
}
