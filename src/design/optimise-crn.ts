/**
 * Quasi-Newton optimisation on common random numbers (design-loop.md): with the draws of an epoch
 * fixed by its seed, the loss is a smooth deterministic function of the few design parameters, so
 * BFGS with a backtracking line search converges in a handful of exact-gradient evaluations. The
 * draws are refreshed every `refreshEvery` accepted steps (and once more before declaring
 * convergence), so the answer does not overfit one sample.
 *
 * Stops: converged (the predicted chi^2 decrease 1/2 g.H.g is below `convergenceDecrease` on two
 * consecutive epochs), max evaluations, time limit, or interrupt; NaN and ESS collapse are errors.
 * The state is plain data: a checkpoint written after every evaluation resumes exactly.
 */
import { NnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import { ignoreEvents } from '../io/events.js';
import type { DesignObjective, ObjectiveEvaluation } from './objective.js';
import type { OptimiseHooks, StopReason } from './optimise.js';

export interface CrnSettings {
  rootSeed: number;
  stream: string;
  ensembleSize: number;
  /** Objective evaluations (each is one two-pass gradient over the ensemble). */
  maxEvaluations: number;
  refreshEvery: number;
  /** Converged when the predicted decrease of the loss is below this (chi^2 units). */
  convergenceDecrease: number;
  minEssFraction: number;
  deadline: number | null;
  bounds?: readonly (readonly [number, number])[];
  /** Largest step per coordinate, relative to max(|x|, 1) (keeps early BFGS steps sane). */
  maxRelativeStep: number;
}

export const DEFAULT_CRN: Omit<CrnSettings, 'rootSeed' | 'stream' | 'ensembleSize'> = {
  maxEvaluations: 40,
  refreshEvery: 4,
  convergenceDecrease: 0.5,
  minEssFraction: 0.05,
  deadline: null,
  maxRelativeStep: 0.2,
};

export interface CrnState {
  evaluations: number;
  epoch: number;
  acceptedInEpoch: number;
  parameters: number[];
  /** Loss and gradient at `parameters` on the current epoch's draws (null: not evaluated yet). */
  loss: number | null;
  gradient: number[] | null;
  inverseHessian: number[][];
  /** Trial step length of the line search in progress (1 = none in progress). */
  stepLength: number;
  direction: number[] | null;
  convergedEpochs: number;
}

export interface CrnOutcome {
  parameters: number[];
  stopReason: StopReason;
  steps: number;
  last: ObjectiveEvaluation | null;
  state: CrnState;
}

function identity(size: number, scale = 1): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? scale : 0)));
}

function multiply(matrix: number[][], vector: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((sum, value, j) => sum + value * vector[j]!, 0));
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

function project(values: number[], bounds?: readonly (readonly [number, number])[]): number[] {
  if (!bounds) return values;
  return values.map((value, i) => Math.min(bounds[i]![1], Math.max(bounds[i]![0], value)));
}

export function initialCrnState(initial: readonly number[]): CrnState {
  return {
    evaluations: 0,
    epoch: 0,
    acceptedInEpoch: 0,
    parameters: initial.slice(),
    loss: null,
    gradient: null,
    inverseHessian: identity(initial.length, 1e-3),
    stepLength: 1,
    direction: null,
    convergedEpochs: 0,
  };
}

export async function optimiseCrn(
  objective: DesignObjective,
  initial: readonly number[],
  settings: CrnSettings,
  hooks: OptimiseHooks = {},
  resumeFrom: CrnState | null = null,
): Promise<CrnOutcome> {
  const onEvent = hooks.onEvent ?? ignoreEvents;
  const names = objective.parameterNames;
  let state: CrnState = resumeFrom ? structuredClone(resumeFrom) : initialCrnState(initial);
  let last: ObjectiveEvaluation | null = null;
  const started = Date.now();
  const save = async () => {
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state as never);
  };
  const stop = async (reason: StopReason): Promise<CrnOutcome> => {
    await save();
    return { parameters: state.parameters.slice(), stopReason: reason, steps: state.evaluations, last, state };
  };

  const evaluate = async (parameters: readonly number[]): Promise<ObjectiveEvaluation> => {
    const seed = deriveSeed(settings.rootSeed, settings.stream, state.epoch);
    const evaluation = await objective.evaluate(parameters, { seed, ensembleSize: settings.ensembleSize });
    state.evaluations += 1;
    last = evaluation;
    const bad = [evaluation.loss, ...evaluation.gradient].findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new NnftError('E_NUMERIC', `the ${bad === 0 ? 'loss' : `gradient (${names[bad - 1]})`} became non-finite at evaluation ${state.evaluations}`, {
        hint: 'enlarge the ensemble, or start from the analytic construction',
      });
    }
    if (evaluation.ess < settings.minEssFraction * evaluation.ensembleSize) {
      throw new NnftError('E_ESS_COLLAPSE', `effective sample size collapsed to ${evaluation.ess.toFixed(1)} of ${evaluation.ensembleSize}`, {
        hint: 'the deformation is too strong for importance weights: shrink the interaction region or lower the coupling step',
      });
    }
    if (hooks.recordStep) {
      await hooks.recordStep({
        step: state.evaluations,
        epoch: state.epoch,
        seed,
        loss: evaluation.loss,
        lossStderr: evaluation.lossStderr,
        chiSquaredPerDof: evaluation.loss / Math.max(1, evaluation.degreesOfFreedom),
        ess: evaluation.ess,
        ensembleSize: evaluation.ensembleSize,
        parameters: Object.fromEntries(names.map((name, i) => [name, parameters[i]])),
        gradient: Object.fromEntries(names.map((name, i) => [name, evaluation.gradient[i]])),
        elapsedSeconds: (Date.now() - started) / 1000,
      });
    }
    onEvent({
      type: 'progress',
      task: `${settings.stream} evaluation`,
      done: state.evaluations,
      total: settings.maxEvaluations,
      message: `chi2/dof ${(evaluation.loss / Math.max(1, evaluation.degreesOfFreedom)).toFixed(3)} ESS ${evaluation.ess.toFixed(0)}/${evaluation.ensembleSize} epoch ${state.epoch}`,
      etaSeconds: ((Date.now() - started) / 1000 / Math.max(1, state.evaluations - (resumeFrom?.evaluations ?? 0))) * (settings.maxEvaluations - state.evaluations),
    });
    return evaluation;
  };

  const clampStep = (direction: number[]): number[] => {
    let factor = 1;
    direction.forEach((value, i) => {
      const limit = settings.maxRelativeStep * Math.max(Math.abs(state.parameters[i]!), 1);
      if (Math.abs(value) > limit) factor = Math.min(factor, limit / Math.abs(value));
    });
    return direction.map((value) => value * factor);
  };

  for (;;) {
    if (hooks.signal?.aborted) return stop('interrupted');
    if (state.evaluations >= settings.maxEvaluations) return stop('max-steps');
    if (settings.deadline !== null && Date.now() >= settings.deadline) return stop('time-limit');

    if (state.loss === null || state.gradient === null) {
      const evaluation = await evaluate(state.parameters);
      state.loss = evaluation.loss;
      state.gradient = evaluation.gradient.slice();
      state.direction = null;
      state.stepLength = 1;
      if (state.evaluations === 1 && !resumeFrom) {
        // Diagonal start: a first step of about 5% of each parameter (BFGS learns the rest).
        state.inverseHessian = identity(initial.length, 0).map((row, i) => {
          row[i] = (0.05 * Math.max(Math.abs(state.parameters[i]!), 0.1)) / Math.max(Math.abs(state.gradient![i]!), 1e-12);
          return row;
        });
      }
      await save();
      continue;
    }

    const predicted = 0.5 * dot(state.gradient, multiply(state.inverseHessian, state.gradient));
    if (state.direction === null) {
      if (predicted < settings.convergenceDecrease && state.evaluations > 1) {
        state.convergedEpochs += 1;
        if (state.convergedEpochs >= 2) return stop('converged');
        // Check convergence on fresh draws before stopping.
        state.epoch += 1;
        state.acceptedInEpoch = 0;
        state.loss = null;
        state.gradient = null;
        await save();
        continue;
      }
      state.direction = clampStep(multiply(state.inverseHessian, state.gradient).map((value) => -value));
      state.stepLength = 1;
    }

    const trial = project(state.parameters.map((value, i) => value + state.stepLength * state.direction![i]!), settings.bounds);
    const evaluation = await evaluate(trial);
    const slope = dot(state.gradient, state.direction);
    if (evaluation.loss <= state.loss + 1e-4 * state.stepLength * slope || state.stepLength < 1 / 16) {
      // Accept; BFGS update of the inverse Hessian when the curvature condition holds.
      const s = trial.map((value, i) => value - state.parameters[i]!);
      const y = evaluation.gradient.map((value, i) => value - state.gradient![i]!);
      const sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        const size = s.length;
        const hy = multiply(state.inverseHessian, y);
        const yhy = dot(y, hy);
        const next = identity(size, 0);
        for (let i = 0; i < size; i++) {
          for (let j = 0; j < size; j++) {
            next[i]![j] = state.inverseHessian[i]![j]! + ((sy + yhy) * s[i]! * s[j]!) / (sy * sy) - (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
          }
        }
        state.inverseHessian = next;
      }
      state.parameters = trial;
      state.loss = evaluation.loss;
      state.gradient = evaluation.gradient.slice();
      state.direction = null;
      state.stepLength = 1;
      state.acceptedInEpoch += 1;
      state.convergedEpochs = 0;
      if (state.acceptedInEpoch >= settings.refreshEvery) {
        state.epoch += 1;
        state.acceptedInEpoch = 0;
        state.loss = null;
        state.gradient = null;
      }
    } else {
      state.stepLength /= 2;
    }
    await save();
  }
}
