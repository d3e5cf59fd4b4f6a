/**
 * What the design loop optimises, seen from the loop: a function of a small float64 parameter
 * vector that, for one batch of draws (a seed and an ensemble size), returns the ensemble's
 * connected correlators, the loss with its error, and the loss gradient. The ensemble engine
 * provides the real one (pathwise gradients for density parameters, score-function gradients for
 * deformation couplings, two-pass chunked); tests provide analytic ones.
 */
import type { CorrelatorResult } from '../io/result.js';

export interface ObjectiveEvaluation {
  /** chi^2 of the ensemble's correlators against the target (the loss). */
  loss: number;
  /** Standard error of the loss from the ensemble's own fluctuations. */
  lossStderr: number;
  /** Number of (index tuple, order) terms in the chi^2. */
  degreesOfFreedom: number;
  gradient: number[];
  /** Effective sample size of the weighted ensemble, and the ensemble size it came from. */
  ess: number;
  ensembleSize: number;
  correlators?: CorrelatorResult;
}

export interface DesignObjective {
  /** Names of the trainable parameters, in vector order (e.g. coupling4, massSquaredShift, kurtosis). */
  readonly parameterNames: readonly string[];
  /** Evaluate at `parameters` on the draws fixed by (seed, ensembleSize). */
  evaluate(parameters: readonly number[], draws: { seed: number; ensembleSize: number }): Promise<ObjectiveEvaluation>;
}
