/**
 * The optimisation loop at one width: Adam on fresh draws each step (seeds from the seed tree, so a
 * resumed run repeats the uninterrupted one exactly), with the stopping rules of a design run:
 *
 * - converged: chi^2/dof within its statistical band (1 + 2 sqrt(2/dof)) for `patience` steps in a row;
 * - no progress: the smoothed loss has not improved by `minImprovement` (relative) for `stallSteps`;
 * - NaN or ESS collapse: errors with a hint (never a silent NaN);
 * - wall-time limit, maximum steps, or an abort signal (Ctrl-C): stop after checkpointing.
 *
 * Each step appends one line to metrics.jsonl; a checkpoint (parameters, optimizer state, step
 * counter) is written every `checkpointEvery` steps and whenever the loop stops.
 */
import { NnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import type { EventSink } from '../io/events.js';
import { ignoreEvents } from '../io/events.js';
import { adamStep, initialAdamState, DEFAULT_ADAM, type AdamSettings, type AdamState } from './adam.js';
import type { DesignObjective, ObjectiveEvaluation } from './objective.js';

export type StopReason = 'converged' | 'no-progress' | 'max-steps' | 'time-limit' | 'interrupted';

export interface OptimiseSettings {
  rootSeed: number;
  /** Seed-tree stream for this optimisation (e.g. "design/width-64"). */
  stream: string;
  ensembleSize: number;
  maxSteps: number;
  adam: AdamSettings;
  patience: number;
  stallSteps: number;
  minImprovement: number;
  /** Stop with an error when ESS/M falls below this. */
  minEssFraction: number;
  /** Absolute wall-clock deadline (ms since epoch), or null. */
  deadline: number | null;
  checkpointEvery: number;
  /** Lower and upper bounds per parameter (projected after each step). */
  bounds?: readonly (readonly [number, number])[];
}

export const DEFAULT_OPTIMISE: Omit<OptimiseSettings, 'rootSeed' | 'stream' | 'ensembleSize'> = {
  maxSteps: 200,
  adam: DEFAULT_ADAM,
  patience: 3,
  stallSteps: 25,
  minImprovement: 0.01,
  minEssFraction: 0.05,
  deadline: null,
  checkpointEvery: 1,
};

export interface OptimiseCheckpoint {
  step: number;
  parameters: number[];
  adam: AdamState;
  convergedStreak: number;
  bestSmoothedLoss: number;
  stepsSinceImprovement: number;
  smoothedLoss: number | null;
}

export interface OptimiseHooks {
  onEvent?: EventSink;
  /** Called with every step's record (the caller appends it to metrics.jsonl). */
  recordStep?: (record: Record<string, unknown>) => Promise<void>;
  saveCheckpoint?: (checkpoint: OptimiseCheckpoint) => Promise<void>;
  signal?: AbortSignal;
}

export interface OptimiseOutcome {
  parameters: number[];
  stopReason: StopReason;
  steps: number;
  last: ObjectiveEvaluation | null;
  checkpoint: OptimiseCheckpoint;
}

function assertFinite(values: readonly number[], what: string, step: number, names: readonly string[]): void {
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new NnftError('E_NUMERIC', `${what} became ${values[bad]} at step ${step}${names[bad] ? ` (${names[bad]})` : ''}`, {
      hint: 'lower the learning rate, enlarge the ensemble, or start from the analytic construction (no custom initial values)',
    });
  }
}

export async function optimise(
  objective: DesignObjective,
  initial: readonly number[],
  settings: OptimiseSettings,
  hooks: OptimiseHooks = {},
  resumeFrom: OptimiseCheckpoint | null = null,
): Promise<OptimiseOutcome> {
  const onEvent = hooks.onEvent ?? ignoreEvents;
  const names = objective.parameterNames;
  let state: OptimiseCheckpoint = resumeFrom ?? {
    step: 0,
    parameters: initial.slice(),
    adam: initialAdamState(initial.length),
    convergedStreak: 0,
    bestSmoothedLoss: Infinity,
    stepsSinceImprovement: 0,
    smoothedLoss: null,
  };
  let last: ObjectiveEvaluation | null = null;
  const started = Date.now();
  const save = async () => {
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state);
  };

  const stop = async (reason: StopReason): Promise<OptimiseOutcome> => {
    await save();
    return { parameters: state.parameters.slice(), stopReason: reason, steps: state.step, last, checkpoint: state };
  };

  for (;;) {
    if (hooks.signal?.aborted) return stop('interrupted');
    if (state.step >= settings.maxSteps) return stop('max-steps');
    if (settings.deadline !== null && Date.now() >= settings.deadline) return stop('time-limit');

    const seed = deriveSeed(settings.rootSeed, settings.stream, state.step);
    const evaluation = await objective.evaluate(state.parameters, { seed, ensembleSize: settings.ensembleSize });
    last = evaluation;
    assertFinite([evaluation.loss], 'the loss', state.step, []);
    assertFinite(evaluation.gradient, 'the gradient', state.step, names);
    if (evaluation.ess < settings.minEssFraction * evaluation.ensembleSize) {
      throw new NnftError(
        'E_ESS_COLLAPSE',
        `effective sample size collapsed to ${evaluation.ess.toFixed(1)} of ${evaluation.ensembleSize} at step ${state.step}`,
        { hint: 'the deformation is too strong for importance weights: Wick-order it, shrink the interaction region, or use MCMC sampling' },
      );
    }

    const update = adamStep(state.parameters, evaluation.gradient, state.adam, settings.adam);
    let next = update.parameters;
    if (settings.bounds) {
      next = next.map((value, i) => {
        const [low, high] = settings.bounds![i] ?? [-Infinity, Infinity];
        return Math.min(high, Math.max(low, value));
      });
    }
    const perDof = evaluation.loss / Math.max(1, evaluation.degreesOfFreedom);
    const band = 1 + 2 * Math.sqrt(2 / Math.max(1, evaluation.degreesOfFreedom));
    const smoothed = state.smoothedLoss === null ? evaluation.loss : 0.8 * state.smoothedLoss + 0.2 * evaluation.loss;
    const improved = smoothed < state.bestSmoothedLoss * (1 - settings.minImprovement);

    const record = {
      step: state.step,
      seed,
      loss: evaluation.loss,
      lossStderr: evaluation.lossStderr,
      chiSquaredPerDof: perDof,
      ess: evaluation.ess,
      ensembleSize: evaluation.ensembleSize,
      parameters: Object.fromEntries(names.map((name, i) => [name, state.parameters[i]])),
      gradient: Object.fromEntries(names.map((name, i) => [name, evaluation.gradient[i]])),
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    if (hooks.recordStep) await hooks.recordStep(record);

    state = {
      step: state.step + 1,
      parameters: next,
      adam: update.state,
      convergedStreak: perDof <= band ? state.convergedStreak + 1 : 0,
      bestSmoothedLoss: improved ? smoothed : state.bestSmoothedLoss,
      stepsSinceImprovement: improved ? 0 : state.stepsSinceImprovement + 1,
      smoothedLoss: smoothed,
    };
    const secondsPerStep = (Date.now() - started) / 1000 / Math.max(1, state.step - (resumeFrom?.step ?? 0));
    onEvent({
      type: 'progress',
      task: `${settings.stream} step`,
      done: state.step,
      total: settings.maxSteps,
      message: `loss ${evaluation.loss.toPrecision(4)} ± ${evaluation.lossStderr.toPrecision(2)} chi2/dof ${perDof.toFixed(2)} ESS ${evaluation.ess.toFixed(0)}/${evaluation.ensembleSize}`,
      etaSeconds: secondsPerStep * (settings.maxSteps - state.step),
    });
    if (state.step % settings.checkpointEvery === 0) await save();

    if (state.convergedStreak >= settings.patience) return stop('converged');
    if (state.stepsSinceImprovement >= settings.stallSteps) return stop('no-progress');
  }
}
