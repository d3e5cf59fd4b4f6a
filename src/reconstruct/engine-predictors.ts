/**
 * Forward-fit predictors from the target engine (src/correlators, first-order perturbation theory)
 * for theories the d = 1 closed forms do not cover: a momentum cutoff, a finite interaction region,
 * d >= 2 for local terms. First order is linear in each coupling, so the engine's G_c4 at unit
 * coupling is the predictor per unit coupling.
 */
import { NnftError } from '../errors.js';
import { computePerturbative } from '../correlators/index.js';
import type { Interaction, Theory } from '../theory/theory.js';
import type { FitTerm } from './linear-fit.js';

export interface EnginePredictor extends FitTerm {
  /** Index tuples the predictor is listed over (non-decreasing, as in the result contract). */
  readonly indices: number[][];
  /** The engine's numerical error per value (quadrature and finite-region bias). */
  readonly numericalErrors: number[];
}

/** G_c4 per unit coupling of one interaction, on the theory's points, regulator and region. */
export function enginePredictor(theory: Theory, interaction: Interaction, name: string): EnginePredictor {
  const unitTheory: Theory = {
    ...theory,
    interactions: [{ ...interaction, coupling: 1 } as Interaction],
    connectedOrders: [4],
    targetCorrelators: { method: 'perturbative', options: {} },
  };
  const result = computePerturbative(unitTheory);
  const position = result.correlators.findIndex((block) => block.order === 4);
  if (position < 0) throw new NnftError('E_INTERNAL', 'the perturbative engine returned no order-4 block');
  const block = result.correlators[position];
  return {
    name,
    predictor: [...block.values],
    indices: block.indices.map((tuple) => [...tuple]),
    numericalErrors: [...result.quadratureErrors[position]],
  };
}
