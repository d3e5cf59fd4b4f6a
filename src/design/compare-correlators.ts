/**
 * Comparing an ensemble's connected correlators with a target's: the chi^2 used as the design loss
 * and the relative error that decides whether a design meets its tolerance.
 *
 * Relative error of order n (the design issue's definition): max over index tuples of
 * |achieved - target| divided by max |target| of that order, or by G(0)^(n/2) when every target
 * value of that order is zero (a free theory's G_c4, say).
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';

export interface OrderComparison {
  order: number;
  /** Largest |achieved - target| over the tuples. */
  maxAbsoluteDeviation: number;
  /** The scale that deviation is divided by. */
  scale: number;
  scaleSource: ScaleSource;
  relativeError: number;
  /** Relative error's uncertainty from the combined standard errors at the worst tuple. */
  relativeErrorStderr: number;
  chiSquared: number;
  degreesOfFreedom: number;
  /** Rows for a table: tuple, target ± err, achieved ± err, pull. */
  rows: { indices: number[]; target: number; targetStderr: number; achieved: number; achievedStderr: number; pull: number }[];
}

export interface CorrelatorComparison {
  orders: OrderComparison[];
  chiSquared: number;
  degreesOfFreedom: number;
  /** Largest relative error over the orders. */
  worstRelativeError: number;
}

function blockFor(result: CorrelatorResult, order: number): CorrelatorBlock | undefined {
  return result.correlators.find((block) => block.order === order);
}

/** G(0) of the target: mean of its order-2 values at coincident tuples [i, i]. */
function coincidentTwoPoint(target: CorrelatorResult): number {
  const block = blockFor(target, 2);
  if (!block) return 1;
  const diagonal = block.indices
    .map((tuple, k) => (tuple[0] === tuple[1] ? block.values[k]! : NaN))
    .filter((value) => Number.isFinite(value));
  return diagonal.length ? diagonal.reduce((a, b) => a + b, 0) / diagonal.length : 1;
}

/** Relative size below which an order's target counts as zero (round-off of an exact method). */
export const SCALE_FLOOR = 1e-9;

/**
 * The smallest scale of a non-zero order, as a fraction of G(0)^(n/2): an order whose target is
 * tinier than this (a box of side 1e-3, a coupling of 1e-3) is asked for to tolerance x this floor,
 * not to tolerance x its own size. Without it the measure is ill-posed for tiny orders: a G_c4 of
 * 6e-8 (2.5e-7 of G(0)^2) weighted the fit's G_c4 residuals 1e7 times above G2's, and the fit bought
 * G_c4 with a mass counterterm that put G2 89% off. The repository's targets have G_c4 from 1.5e-3 of
 * G(0)^2 up, above the floor (docs/design.md, "Met means consistent").
 */
export const RELATIVE_SCALE_FLOOR = 1e-3;

export type ScaleSource = 'max |target|' | 'G(0)^(n/2)' | '1e-3 G(0)^(n/2) floor';

/**
 * The scale the tolerance divides order n's deviations by: the largest |target| of the order, at
 * least RELATIVE_SCALE_FLOOR x G(0)^(n/2); or G(0)^(n/2) when every target value of the order is
 * zero (round-off). The one definition the comparison, the design's chi^2 floors and its minimax
 * polish share.
 */
export function orderScale(target: CorrelatorResult, order: number): { scale: number; source: ScaleSource } {
  const block = blockFor(target, order);
  const largest = block ? Math.max(...block.values.map((value) => Math.abs(value))) : 0;
  // An order whose target is at round-off (a Gaussian theory's G_c4 from a numerical method, ~1e-16)
  // is zero: below SCALE_FLOOR x G(0)^(n/2) the Gaussian scale is used, so the measure stays
  // well-posed (docs/design.md, "Met means consistent").
  const gaussian = Math.abs(coincidentTwoPoint(target)) ** (order / 2);
  if (largest > RELATIVE_SCALE_FLOOR * gaussian) return { scale: largest, source: 'max |target|' };
  if (largest > SCALE_FLOOR * gaussian) return { scale: RELATIVE_SCALE_FLOOR * gaussian, source: '1e-3 G(0)^(n/2) floor' };
  return { scale: gaussian, source: 'G(0)^(n/2)' };
}

export function compareCorrelators(
  achieved: CorrelatorResult,
  target: CorrelatorResult,
  orders: readonly number[],
): CorrelatorComparison {
  const comparisons: OrderComparison[] = [];
  for (const order of orders) {
    const targetBlock = blockFor(target, order);
    const achievedBlock = blockFor(achieved, order);
    if (!targetBlock || !achievedBlock) {
      throw new NnftError('E_INTERNAL', `order ${order} is missing from the ${targetBlock ? 'ensemble' : 'target'} correlators`);
    }
    const achievedByKey = new Map(achievedBlock.indices.map((tuple, k) => [tuple.join(','), k]));
    const rows: OrderComparison['rows'] = [];
    let chiSquared = 0;
    for (let k = 0; k < targetBlock.indices.length; k++) {
      const tuple = targetBlock.indices[k]!;
      const j = achievedByKey.get(tuple.join(','));
      if (j === undefined) throw new NnftError('E_INTERNAL', `tuple [${tuple}] of order ${order} missing from the ensemble correlators`);
      const targetValue = targetBlock.values[k]!;
      const targetStderr = targetBlock.stderr[k] ?? 0;
      const achievedValue = achievedBlock.values[j]!;
      const achievedStderr = achievedBlock.stderr[j] ?? 0;
      const combined = Math.hypot(targetStderr, achievedStderr);
      const pull = combined > 0 ? (achievedValue - targetValue) / combined : 0;
      chiSquared += pull * pull;
      rows.push({ indices: tuple, target: targetValue, targetStderr, achieved: achievedValue, achievedStderr, pull });
    }
    const { scale, source } = orderScale(target, order);
    let worst = rows[0]!;
    for (const row of rows) if (Math.abs(row.achieved - row.target) > Math.abs(worst.achieved - worst.target)) worst = row;
    const maxAbsoluteDeviation = Math.abs(worst.achieved - worst.target);
    comparisons.push({
      order,
      maxAbsoluteDeviation,
      scale,
      scaleSource: source,
      relativeError: maxAbsoluteDeviation / scale,
      relativeErrorStderr: Math.hypot(worst.targetStderr, worst.achievedStderr) / scale,
      chiSquared,
      degreesOfFreedom: rows.length,
      rows,
    });
  }
  return {
    orders: comparisons,
    chiSquared: comparisons.reduce((sum, c) => sum + c.chiSquared, 0),
    degreesOfFreedom: comparisons.reduce((sum, c) => sum + c.degreesOfFreedom, 0),
    worstRelativeError: Math.max(...comparisons.map((c) => c.relativeError)),
  };
}
