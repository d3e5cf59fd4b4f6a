/**
 * The mass the forward-fit predictors use, read off the measured two-point function: the decay rate m
 * of G(R) ~ Z e^{-m R} over every pair of distinct points (weighted least squares on ln G, weights
 * (G/sigma_G)^2; unit weights for exact data). The tree-level diagrams are built from this propagator,
 * so the fitted couplings are those of the data's own (dressed) propagator rather than of the bare
 * mass: an interaction shifts the mass at first order (tadpole), and the predictors are steep in it.
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock } from '../io/result.js';
import { fitLinearCouplings } from './linear-fit.js';

export interface MeasuredMass {
  readonly mass: number;
  readonly stderr: number;
  /** Pairs used. */
  readonly pairs: number;
}

export function massFromTwoPoint(points: readonly (readonly number[])[], twoPoint: CorrelatorBlock): MeasuredMass {
  const separations: number[] = [];
  const logs: number[] = [];
  const errors: number[] = [];
  twoPoint.indices.forEach(([a, b], position) => {
    if (a === undefined || b === undefined || a === b) return;
    const separation = Math.hypot(...points[a]!.map((value, axis) => value - points[b]![axis]!));
    const value = twoPoint.values[position]!;
    const stderr = twoPoint.stderr[position]!;
    if (!(separation > 0) || !(value > 0) || (stderr > 0 && value < 3 * stderr)) return;
    separations.push(separation);
    logs.push(Math.log(value));
    errors.push(stderr > 0 ? stderr / value : 1);
  });
  if (new Set(separations.map((r) => r.toPrecision(10))).size < 2) {
    throw new NnftError('E_SEMANTIC', 'the two-point function has fewer than two resolved separations: no mass can be read off', { hint: 'give the mass (--mass)' });
  }
  const fit = fitLinearCouplings({ values: logs, stderr: errors }, [
    { name: 'logZ', predictor: separations.map(() => 1) },
    { name: 'minusMass', predictor: separations.map((r) => -r) },
  ]);
  const mass = fit.couplings[1]!;
  if (!(mass.value > 0)) throw new NnftError('E_NUMERIC', `the two-point function does not decay (fitted rate ${mass.value})`, { hint: 'give the mass (--mass)' });
  return { mass: mass.value, stderr: mass.stderr, pairs: separations.length };
}
