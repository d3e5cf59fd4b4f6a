/**
 * The per-value errors of the design's chi^2: the target's error and the ensemble's own noise, in
 * quadrature, floored at a fraction of the tolerance relative to the order's scale. The floor keeps
 * precisely measured values (G2 above all) from drowning the orders the tolerance is really about.
 */
import type { CorrelatorResult } from '../io/result.js';
import { orderScale } from './compare-correlators.js';

/**
 * The floors, as fractions of the tolerance times the order's scale. G2 (the propagator: its decay is
 * the mass gap) gets a floor forty times lower than the higher orders, about its noise at 100,000
 * networks: G2 is fitted first (sigma and the mass counterterm can always match it), so the fit never
 * buys G_c4 accuracy with a wrong propagator. With 4x it still pulled G2 16% low on a d = 2 design
 * whose G_c4 it could not match; at 40x phi4-local-1d meets 0.05 at width 224 with G2 exact to 1e-4.
 */
export const ERROR_FLOOR = { twoPoint: 0.0025, higher: 0.1 } as const;

export function chiSquaredErrors(
  target: CorrelatorResult,
  noise: (order: number) => ArrayLike<number> | undefined,
  tolerance: number,
): Map<number, Float64Array> {
  const errors = new Map<number, Float64Array>();
  for (const block of target.correlators) {
    const ensemble = noise(block.order);
    const { scale } = orderScale(target, block.order);
    const values = new Float64Array(block.values.length);
    block.values.forEach((_, k) => {
      const floor = (block.order === 2 ? ERROR_FLOOR.twoPoint : ERROR_FLOOR.higher) * tolerance * scale;
      values[k] = Math.max(Math.hypot(block.stderr[k] ?? 0, ensemble?.[k] ?? 0), floor);
    });
    errors.set(block.order, values);
  }
  return errors;
}
