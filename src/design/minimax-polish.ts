/**
 * The tolerance nnft reports is a maximum: per order, the largest |achieved - target| over the
 * tuples divided by the order's scale. A chi^2 fit minimises a sum of squares instead, which lets a
 * few tuples carry most of the error. This polish turns the fitted parameters into a minimax fit of
 * the relative errors on the same fixed sample by Lawson's iteratively reweighted least squares:
 * weights u_t <- u_t |r_t| / sum_s u_s |r_s|, each reweighted problem solved by Levenberg-Marquardt.
 * The polished parameters are kept only when they lower the worst relative error on the sample and
 * keep G2's worst relative error within max(its value before the polish, ERROR_FLOOR.twoPoint x tolerance):
 * where G_c4 cannot be matched (too small a width), a plain minimax would buy G_c4 with G2.
 */
import type { CorrelatorResult } from '../io/result.js';
import { evaluateOnSample, type SampleObjectiveContext } from './sample-objective.js';
import { optimiseSaa, DEFAULT_SAA } from './optimise-saa.js';
import { ERROR_FLOOR } from './chi-squared-errors.js';
import { orderScale } from './compare-correlators.js';

export const LAWSON_ROUNDS = 12;
/**
 * G2 is the propagator every other order is built on: the polish holds its relative error this many
 * times tighter than the higher orders' (a plain minimax would spend G2 accuracy to shave G_c4).
 */
export const TWO_POINT_WEIGHT = 4;

/** Per order, the scale the tolerance divides by (compare-correlators.ts's orderScale). */
function orderScales(target: CorrelatorResult, orders: readonly number[]): Map<number, number> {
  return new Map(orders.map((order) => [order, orderScale(target, order).scale]));
}

function relativeResiduals(context: SampleObjectiveContext, target: CorrelatorResult, scales: Map<number, number>, parameters: readonly number[]) {
  const evaluation = evaluateOnSample(context, parameters);
  const K = context.layout.count;
  const residuals: number[] = [];
  const jacobian: number[] = [];
  for (const order of context.orders) {
    const block = target.correlators.find((candidate) => candidate.order === order)!;
    const values = evaluation.values.get(order)!;
    const derivatives = evaluation.jacobian.get(order)!;
    const scale = scales.get(order)! / (order === 2 ? TWO_POINT_WEIGHT : 1);
    block.values.forEach((targetValue, t) => {
      residuals.push((values[t]! - targetValue) / scale);
      for (let k = 0; k < K; k++) jacobian.push(derivatives[t * K + k]! / scale);
    });
  }
  return { residuals: Float64Array.from(residuals), jacobian: Float64Array.from(jacobian), effectiveSampleSize: evaluation.effectiveSampleSize, ensembleSize: evaluation.ensembleSize };
}

/** The worst relative error on the sample, G2's counted TWO_POINT_WEIGHT times. */
export function worstRelativeError(context: SampleObjectiveContext, target: CorrelatorResult, parameters: readonly number[]): number {
  const { residuals } = relativeResiduals(context, target, orderScales(target, context.orders), parameters);
  return Math.max(...Array.from(residuals, Math.abs));
}

/** G2's worst relative error on the sample (unweighted). */
export function twoPointRelativeError(context: SampleObjectiveContext, target: CorrelatorResult, parameters: readonly number[]): number {
  if (!context.orders.includes(2)) return 0;
  const scale = orderScales(target, [2]).get(2)!;
  const values = evaluateOnSample(context, parameters).values.get(2)!;
  const block = target.correlators.find((candidate) => candidate.order === 2)!;
  return Math.max(...block.values.map((value, t) => Math.abs(values[t]! - value) / scale));
}

export async function minimaxPolish(
  context: SampleObjectiveContext,
  target: CorrelatorResult,
  names: readonly string[],
  start: readonly number[],
  bounds: readonly (readonly [number, number])[],
  frozen: readonly boolean[],
  tolerance: number,
): Promise<{ parameters: number[]; before: number; after: number }> {
  const scales = orderScales(target, context.orders);
  const before = worstRelativeError(context, target, start);
  const twoPointLimit = Math.max(twoPointRelativeError(context, target, start), ERROR_FLOOR.twoPoint * tolerance);
  let best = { parameters: start.slice(), worst: before };
  let parameters = start.slice();
  let weights: Float64Array | null = null;
  for (let round = 0; round < LAWSON_ROUNDS; round++) {
    const current = relativeResiduals(context, target, scales, parameters);
    const magnitudes = Array.from(current.residuals, Math.abs);
    const previous: Float64Array = weights ?? new Float64Array(magnitudes.length).fill(1 / magnitudes.length);
    const products = magnitudes.map((value, t) => previous[t]! * value);
    const total = products.reduce((a, b) => a + b, 0);
    if (!(total > 0)) break;
    weights = Float64Array.from(products, (value) => value / total);
    const roots = Float64Array.from(weights, Math.sqrt);
    const objective = (theta: readonly number[]) => {
      const evaluation = relativeResiduals(context, target, scales, theta);
      const K = theta.length;
      return {
        ...evaluation,
        residuals: evaluation.residuals.map((value, t) => value * roots[t]!),
        jacobian: evaluation.jacobian.map((value, i) => value * roots[Math.floor(i / K)]!),
      };
    };
    const outcome = await optimiseSaa(objective, names, parameters, { ...DEFAULT_SAA, maxIterations: 20, bounds, frozen, deadline: null, task: 'minimax polish' });
    parameters = outcome.parameters;
    const worst = worstRelativeError(context, target, parameters);
    if (worst < best.worst && twoPointRelativeError(context, target, parameters) <= twoPointLimit) best = { parameters: parameters.slice(), worst };
  }
  return { parameters: best.parameters, before, after: best.worst };
}
