/**
 * The noise model for exact (and nearly exact) inputs: a relative error floor. Every value is weighted
 * as if it were known to no better than `relative` times its own size; stated errors below that (zero
 * for exact values, a quadrature or truncation error of 1e-13 for the spectral solution) are raised to
 * it, larger stated errors are kept.
 *
 * Why a floor and why 1%: the models the verdict compares the data with are approximations. The cluster
 * curve (A + A1 R) e^{-mu R} + B is two terms of a sum of exponentials, and the forward-fit predictors are
 * tree level or one loop. On exact correlators of a local theory (the spectral solution of d = 1 phi^4 at
 * lambda = 0.5, 8 points 0.5 apart) the cluster model misses the exact curve by about 0.1% of its values,
 * and with the stated 1e-13 errors that misfit lands in the plateau: B = -1.2e-6 (x G(0)^2), "6 sigma"
 * from 0, chi^2/dof ~ 3e5 at a floor of 1e-6, 3.3 sigma at 1e-3, 0.3 sigma at 1e-2. The one-loop
 * predictor misses by the two-loop terms: chi^2/dof = 60 at 1e-3, 2.4 at 5e-3, 0.6 at 1e-2. So the
 * floor is the precision the verdict claims: effects below 1% of each value are not resolved, and a
 * plateau or a non-local shape that large still is (docs/reconstruct.md, "Exact inputs").
 */
import type { CorrelatorBlock } from '../io/result.js';

/** Relative error floor for exact inputs: no value is weighted as known better than 1% of itself. */
export const EXACT_INPUT_RELATIVE_ERROR_FLOOR = 0.01;

/** What the floor did to one block. */
export interface RaisedErrors {
  readonly order: number;
  /** Values whose stated error was below the floor (zero included) and was raised to it. */
  readonly raised: number;
  /** Of these, values whose stated error was exactly zero. */
  readonly exact: number;
  readonly values: number;
}

/** The floor as recorded in a reconstruction report. */
export interface ErrorFloorReport {
  /** The relative floor f: every value's error is at least f |value|. */
  readonly relative: number;
  readonly blocks: RaisedErrors[];
  /** True when every value of every block had its error raised: the input is exact at the floor's precision. */
  readonly allRaised: boolean;
  readonly meaning: string;
}

/**
 * The block with every error raised to at least relative x |value| (values smaller than 1e-6 of the
 * block's largest take 1e-6 of the largest, so a value that happens to vanish is not given zero error).
 */
export function applyRelativeErrorFloor(block: CorrelatorBlock, relative: number): { block: CorrelatorBlock; raised: RaisedErrors } {
  if (!(relative > 0 && relative < 1)) throw new RangeError(`the relative error floor must lie in (0, 1), got ${relative}`);
  const scale = block.values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  let raised = 0;
  let exact = 0;
  const stderr = block.stderr.map((error, index) => {
    const floor = relative * Math.max(Math.abs(block.values[index]!), 1e-6 * scale) || relative;
    if (error >= floor) return error;
    raised++;
    if (error === 0) exact++;
    return floor;
  });
  return { block: { ...block, stderr }, raised: { order: block.order, raised, exact, values: block.values.length } };
}

export function errorFloorReport(relative: number, blocks: readonly RaisedErrors[]): ErrorFloorReport {
  const raised = blocks.reduce((sum, block) => sum + block.raised, 0);
  const total = blocks.reduce((sum, block) => sum + block.values, 0);
  const exact = blocks.reduce((sum, block) => sum + block.exact, 0);
  const perOrder = blocks.map((block) => `${block.raised}/${block.values} of G_c${block.order}`).join(', ');
  const meaning =
    raised === 0
      ? `relative error floor ${relative}: every stated error was above it, so the weights are the stated errors`
      : `relative error floor ${relative}: ${perOrder} had stated errors below ${relative} x |value|${exact > 0 ? ` (${exact} of them exact, error 0)` : ''} and are weighted as known to ${relative} x |value| in the cluster-curve and forward fits; the models (two-term cluster curve, tree-level and one-loop predictors) describe exact correlators to about this precision, so smaller effects are not resolved`;
  return { relative, blocks: [...blocks], allRaised: total > 0 && raised === total, meaning };
}
