/**
 * Damped Gauss-Newton (Levenberg-Marquardt) on fresh draws: each iteration measures the connected
 * correlators c(theta) and their exact Jacobian J on a new batch of draws (one streaming pass,
 * moment-jacobian.ts), and steps to the minimum of the linearised chi^2
 *   chi^2 = sum_t ((c_t - T_t) / sigma_t)^2,   delta = -(J'J + mu diag J'J)^{-1} J' r.
 * The problem has a handful of parameters and is nearly linear in them, so a few iterations reach
 * the statistical floor; the reported parameters average the iterates after a short burn-in
 * (Polyak averaging over the draws' noise), and the loop stops early once the predicted decrease
 * stays below `convergenceDecrease`. At the optimum the
 * predicted decrease of a fresh sample is itself a chi^2 variable with as many degrees of freedom as
 * free parameters (mean K), so the threshold sits a few K above zero, not at zero.
 *
 * The state is plain data (checkpointed after every iteration; a resumed run repeats the
 * uninterrupted one, because iteration k always uses the seed (root, stream, k)).
 */
import { NnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import { ignoreEvents } from '../io/events.js';
import { choleskyFactor } from '../numeric/cholesky.js';
import type { EventSink } from '../io/events.js';

export type StopReason = 'converged' | 'no-progress' | 'max-steps' | 'time-limit' | 'interrupted';

export interface OptimiseHooks {
  onEvent?: EventSink;
  /** Called with every iteration's record (the caller appends it to metrics.jsonl). */
  recordStep?: (record: Record<string, unknown>) => Promise<void>;
  saveCheckpoint?: (state: LmState) => Promise<void>;
  signal?: AbortSignal;
}

export interface ResidualEvaluation {
  /** Weighted residuals (c_t - T_t) / sigma_t. */
  residuals: Float64Array;
  /** Weighted Jacobian d residual_t / d theta_k, row-major [t][k]. */
  jacobian: Float64Array;
  effectiveSampleSize: number;
  ensembleSize: number;
}

export type ResidualFunction = (parameters: readonly number[], draws: { seed: number; ensembleSize: number }) => Promise<ResidualEvaluation>;

export interface LmSettings {
  rootSeed: number;
  stream: string;
  ensembleSize: number;
  maxIterations: number;
  damping: number;
  /** Converged when the predicted chi^2 decrease is below this on `patience` consecutive iterations. */
  convergenceDecrease: number;
  patience: number;
  /** Iterations before the Polyak average starts (the approach from the analytic construction). */
  burnIn: number;
  minEssFraction: number;
  deadline: number | null;
  /** Parameters held fixed (true) — e.g. the momentum scale of a network without a cutoff. */
  frozen: readonly boolean[];
  bounds: readonly (readonly [number, number])[];
  /** Largest step per parameter and iteration (absolute): a trust region against noisy Jacobians. */
  maxStep: readonly number[];
}

export const DEFAULT_LM = {
  maxIterations: 12,
  damping: 0.3,
  convergenceDecrease: 8,
  patience: 3,
  burnIn: 3,
  minEssFraction: 0.05,
  deadline: null,
} as const;

export interface LmState {
  iteration: number;
  parameters: number[];
  /** Iterates after the burn-in (averaged for the answer). */
  convergedIterates: number[][];
  /** Consecutive iterations whose predicted decrease was below the threshold. */
  quietIterations: number;
  history: { iteration: number; chiSquared: number; predictedDecrease: number; parameters: number[] }[];
}

export interface LmOutcome {
  parameters: number[];
  stopReason: StopReason;
  steps: number;
  state: LmState;
  lastChiSquared: number | null;
}

export async function optimiseLm(
  residualsAt: ResidualFunction,
  names: readonly string[],
  initial: readonly number[],
  settings: LmSettings,
  hooks: OptimiseHooks = {},
  resumeFrom: LmState | null = null,
): Promise<LmOutcome> {
  const onEvent = hooks.onEvent ?? ignoreEvents;
  const state: LmState = resumeFrom ? structuredClone(resumeFrom) : { iteration: 0, parameters: initial.slice(), convergedIterates: [], quietIterations: 0, history: [] };
  const free = names.map((_, k) => !settings.frozen[k]).map((isFree, k) => (isFree ? k : -1)).filter((k) => k >= 0);
  const started = Date.now();
  let lastChiSquared: number | null = null;

  const answer = (): number[] => {
    if (state.convergedIterates.length === 0) return state.parameters.slice();
    const sum = new Array<number>(state.parameters.length).fill(0);
    for (const iterate of state.convergedIterates) iterate.forEach((value, k) => (sum[k]! += value));
    return sum.map((value) => value / state.convergedIterates.length);
  };
  const stop = async (reason: StopReason): Promise<LmOutcome> => {
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state);
    return { parameters: answer(), stopReason: reason, steps: state.iteration, state, lastChiSquared };
  };

  for (;;) {
    if (hooks.signal?.aborted) return stop('interrupted');
    if (state.iteration >= settings.maxIterations) return stop('max-steps');
    if (settings.deadline !== null && Date.now() >= settings.deadline) return stop('time-limit');

    const seed = deriveSeed(settings.rootSeed, settings.stream, state.iteration);
    const evaluation = await residualsAt(state.parameters, { seed, ensembleSize: settings.ensembleSize });
    const { residuals, jacobian } = evaluation;
    const K = state.parameters.length;
    const chiSquared = residuals.reduce((sum, value) => sum + value * value, 0);
    lastChiSquared = chiSquared;
    if (!Number.isFinite(chiSquared) || jacobian.some((value) => !Number.isFinite(value))) {
      throw new NnftError('E_NUMERIC', `the correlators or their derivatives became non-finite at iteration ${state.iteration}`, {
        hint: 'enlarge the ensemble, or start from the analytic construction',
      });
    }
    if (evaluation.effectiveSampleSize < settings.minEssFraction * evaluation.ensembleSize) {
      throw new NnftError('E_ESS_COLLAPSE', `effective sample size collapsed to ${evaluation.effectiveSampleSize.toFixed(1)} of ${evaluation.ensembleSize} at iteration ${state.iteration}`, {
        hint: 'the deformation is too strong for importance weights: shrink the interaction region, lower the coupling, or Wick-order the interaction',
      });
    }
    // Normal equations on the free parameters.
    const F = free.length;
    const normal = Array.from({ length: F }, () => new Float64Array(F));
    const gradient = new Float64Array(F);
    for (let t = 0; t < residuals.length; t++) {
      for (let a = 0; a < F; a++) {
        const ja = jacobian[t * K + free[a]!]!;
        gradient[a]! += ja * residuals[t]!;
        for (let b = 0; b < F; b++) normal[a]![b]! += ja * jacobian[t * K + free[b]!]!;
      }
    }
    const damped = normal.map((row, a) => row.map((value, b) => (a === b ? value * (1 + settings.damping) + 1e-12 : value)));
    const solved = choleskyFactor(damped).solve(gradient);
    let step = Array.from(solved, (value) => -value);
    const predictedDecrease = -step.reduce((sum, value, a) => sum + value * gradient[a]!, 0);
    // Trust region per parameter.
    let factor = 1;
    step.forEach((value, a) => {
      const k = free[a]!;
      const limit = settings.maxStep[k]!;
      if (Math.abs(value) > limit) factor = Math.min(factor, limit / Math.abs(value));
    });
    step = step.map((value) => value * factor);

    const record = {
      step: state.iteration,
      seed,
      loss: chiSquared,
      chiSquaredPerDof: chiSquared / Math.max(1, residuals.length),
      predictedDecrease,
      ess: evaluation.effectiveSampleSize,
      ensembleSize: evaluation.ensembleSize,
      parameters: Object.fromEntries(names.map((name, k) => [name, state.parameters[k]])),
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    if (hooks.recordStep) await hooks.recordStep(record);
    state.history.push({ iteration: state.iteration, chiSquared, predictedDecrease, parameters: state.parameters.slice() });
    onEvent({
      type: 'progress',
      task: `${settings.stream} iteration`,
      done: state.iteration + 1,
      total: settings.maxIterations,
      message: `chi2/dof ${(chiSquared / Math.max(1, residuals.length)).toFixed(3)} predicted decrease ${predictedDecrease.toPrecision(3)} ESS ${evaluation.effectiveSampleSize.toFixed(0)}/${evaluation.ensembleSize}`,
      etaSeconds: ((Date.now() - started) / 1000 / Math.max(1, state.iteration + 1 - (resumeFrom?.iteration ?? 0))) * (settings.maxIterations - state.iteration - 1),
    });

    // Every iterate after the burn-in enters the average: each fresh-draw step lands at the optimum
    // plus that sample's noise, so the mean of n iterates carries about 1/sqrt(n) of the noise.
    if (state.iteration >= settings.burnIn) state.convergedIterates.push(state.parameters.slice());
    state.quietIterations = predictedDecrease < settings.convergenceDecrease ? state.quietIterations + 1 : 0;
    const next = state.parameters.slice();
    step.forEach((value, a) => {
      const k = free[a]!;
      next[k] = Math.min(settings.bounds[k]![1], Math.max(settings.bounds[k]![0], next[k]! + value));
    });
    state.parameters = next;
    state.iteration += 1;
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state);
    if (state.quietIterations >= settings.patience && state.convergedIterates.length >= settings.patience) return stop('converged');
  }
}
