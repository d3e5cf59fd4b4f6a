/**
 * Levenberg-Marquardt on a deterministic objective: the sample-average approximation of the design
 * loss (one fixed sample of networks, design-sample.ts), so chi^2(theta) is an ordinary smooth
 * function with an exact Jacobian and the classic accept/reject step control applies:
 *   delta = -(J'J + mu diag J'J)^{-1} J' r;  accept when chi^2 falls (mu /= 3), else mu *= 4.
 * Converged when an accepted step lowers chi^2 by less than a small tolerance, or when the
 * damping has grown past 1e10 without an accepted step (the minimum to working precision).
 * Bounds: a parameter on a bound that the descent direction pushes outward is held for the
 * iteration (active set); steps are projected into the box; frozen parameters never move.
 *
 * The fixed sample trades the fresh-draw noise of every step (which made a fresh-draw loop wander)
 * for one sample's noise in the answer, measured afterwards by batch means and checked by the
 * validation estimate on fresh networks.
 *
 * The iterations run through the common driver (src/numeric/driver.ts): abort, the step limit and
 * the deadline are checked before each, the checkpoint (SaaState) is saved after each and on stop.
 */
import { NnftError } from '../errors.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { choleskyFactor } from '../numeric/cholesky.js';
import { drive, type DriverStop, type Stepper } from '../numeric/driver.js';

export type StopReason = 'converged' | 'no-progress' | 'max-steps' | 'time-limit' | 'interrupted';

export interface SaaEvaluation {
  residuals: Float64Array;
  /** d residual_t / d theta_k, row-major [t][k]. */
  jacobian: Float64Array;
  effectiveSampleSize: number;
  ensembleSize: number;
}

export interface SaaSettings {
  maxIterations: number;
  bounds: readonly (readonly [number, number])[];
  frozen: readonly boolean[];
  relativeTolerance: number;
  /** chi^2 decreases below absoluteTolerance + relativeTolerance chi^2 count as converged. */
  absoluteTolerance: number;
  initialDamping: number;
  minEssFraction: number;
  deadline: number | null;
  /** Label for progress events. */
  task: string;
  /**
   * A starting point whose chi^2/dof is at most this already matches the target within the errors
   * and is kept (stop 'converged' after 0 steps), or null to always descend. Descending from such a
   * point only fits the sample's noise: on phi4-local-2d-weak the analytic construction validated at
   * chi^2/dof 0.76 against first-order perturbation theory, the descended design at 2.4 (its coupling
   * moved 8% with the sample's common-mode fluctuation of G_c4).
   */
  consistentStart: number | null;
}

export const DEFAULT_SAA = { relativeTolerance: 1e-6, absoluteTolerance: 1e-3, initialDamping: 1e-3, minEssFraction: 0.05, consistentStart: 1 } as const;

export interface SaaState {
  iteration: number;
  parameters: number[];
  damping: number;
  chiSquared: number | null;
}

export interface SaaHooks {
  onEvent?: EventSink;
  recordStep?: (record: Record<string, unknown>) => Promise<void>;
  saveCheckpoint?: (state: SaaState) => Promise<void>;
  signal?: AbortSignal;
}

export interface SaaOutcome {
  parameters: number[];
  stopReason: StopReason;
  steps: number;
  chiSquared: number;
  state: SaaState;
  /** True when the starting point already matched within the errors and was kept. */
  keptStart: boolean;
}

function checked(evaluation: SaaEvaluation, settings: SaaSettings, where: string): number {
  const chiSquared = evaluation.residuals.reduce((sum, value) => sum + value * value, 0);
  if (!Number.isFinite(chiSquared) || evaluation.jacobian.some((value) => !Number.isFinite(value))) {
    throw new NnftError('E_NUMERIC', `the correlators or their derivatives became non-finite ${where}`, { hint: 'start from the analytic construction, or lower the couplings' });
  }
  if (evaluation.ensembleSize > 0 && evaluation.effectiveSampleSize < settings.minEssFraction * evaluation.ensembleSize) {
    throw new NnftError('E_ESS_COLLAPSE', `effective sample size collapsed to ${evaluation.effectiveSampleSize.toFixed(1)} of ${evaluation.ensembleSize} ${where}`, {
      hint: 'the deformation is too strong for importance weights: shrink the interaction region, lower the coupling, or Wick-order the interaction',
    });
  }
  return chiSquared;
}

/** The fit as the driver steps it: the checkpointed SaaState and what follows from it. */
interface LmState {
  saa: SaaState;
  /** Residuals and Jacobian at saa.parameters. */
  current: SaaEvaluation;
  /** The last iteration's chi^2 decrease, and whether it accepted a step. */
  decrease: number;
  accepted: boolean;
}

/** One iteration: damped Gauss-Newton steps on the active set until one lowers chi^2 or mu > 1e10. */
function lmStepper(objective: (parameters: readonly number[]) => SaaEvaluation, settings: SaaSettings, free: readonly number[]): Stepper<LmState> {
  const K = settings.bounds.length;
  return {
    totalSteps: settings.maxIterations,
    stepsDone: (state) => state.saa.iteration,
    nonFinite: (state) => (state.saa.parameters.every(Number.isFinite) ? null : 'a design parameter'),
    finished: (state) => !state.accepted || state.decrease <= settings.absoluteTolerance + settings.relativeTolerance * state.saa.chiSquared!,
    step(state) {
      const { saa } = state;
      const chiSquared = saa.chiSquared!;
      const { residuals, jacobian } = state.current;
      // Active set: a parameter on a bound whose descent direction points out of the box is held
      // for this iteration (projecting a full Gauss-Newton step would not be a descent step).
      const fullGradient = new Float64Array(K);
      for (let t = 0; t < residuals.length; t++) for (const k of free) fullGradient[k]! += jacobian[t * K + k]! * residuals[t]!;
      const moving = free.filter((k) => {
        const [low, high] = settings.bounds[k]!;
        const value = saa.parameters[k]!;
        return !((value <= low && fullGradient[k]! > 0) || (value >= high && fullGradient[k]! < 0));
      });
      const M = moving.length;
      const normal = Array.from({ length: M }, () => new Float64Array(M));
      const gradient = new Float64Array(M);
      for (let t = 0; t < residuals.length; t++) {
        for (let a = 0; a < M; a++) {
          const ja = jacobian[t * K + moving[a]!]!;
          gradient[a]! += ja * residuals[t]!;
          for (let b = 0; b < M; b++) normal[a]![b]! += ja * jacobian[t * K + moving[b]!]!;
        }
      }
      let accepted = false;
      let trialChiSquared = chiSquared;
      while (M > 0 && !accepted && saa.damping < 1e10) {
        const damped = normal.map((row, a) => row.map((value, b) => (a === b ? value * (1 + saa.damping) + 1e-300 : value)));
        const step = choleskyFactor(damped).solve(gradient);
        const trial = saa.parameters.slice();
        moving.forEach((k, a) => {
          trial[k] = Math.min(settings.bounds[k]![1], Math.max(settings.bounds[k]![0], trial[k]! - step[a]!));
        });
        const evaluation = objective(trial);
        const value = evaluation.residuals.reduce((sum, r) => sum + r * r, 0);
        if (Number.isFinite(value) && value < chiSquared && !evaluation.jacobian.some((entry) => !Number.isFinite(entry))) {
          checked(evaluation, settings, `at iteration ${saa.iteration}`);
          accepted = true;
          trialChiSquared = value;
          saa.parameters = trial;
          state.current = evaluation;
          saa.damping = Math.max(1e-9, saa.damping / 3);
        } else {
          saa.damping *= 4;
        }
      }
      state.decrease = chiSquared - trialChiSquared;
      state.accepted = accepted;
      if (accepted) saa.chiSquared = trialChiSquared;
      saa.iteration += 1;
      return state;
    },
  };
}

/** The driver's stops as the fit names them. */
const STOP_REASON: Record<DriverStop, StopReason> = { complete: 'max-steps', finished: 'converged', aborted: 'interrupted', deadline: 'time-limit' };

export async function optimiseSaa(
  objective: (parameters: readonly number[]) => SaaEvaluation,
  names: readonly string[],
  initial: readonly number[],
  settings: SaaSettings,
  hooks: SaaHooks = {},
  resumeFrom: SaaState | null = null,
): Promise<SaaOutcome> {
  const onEvent = hooks.onEvent ?? ignoreEvents;
  const state: SaaState = resumeFrom ? structuredClone(resumeFrom) : { iteration: 0, parameters: initial.slice(), damping: settings.initialDamping, chiSquared: null };
  const free = names.map((_, k) => k).filter((k) => !settings.frozen[k]);
  const F = free.length;
  const started = Date.now();
  const current = objective(state.parameters);
  const chiSquared = checked(current, settings, 'at the starting point');
  state.chiSquared = chiSquared;
  const outcome = (reason: StopReason): SaaOutcome => ({ parameters: state.parameters.slice(), stopReason: reason, steps: state.iteration, chiSquared: state.chiSquared!, state, keptStart: false });
  /** One line of metrics.jsonl at a state. */
  const stepRecord = (at: SaaState, evaluation: SaaEvaluation) => ({
    step: at.iteration,
    loss: at.chiSquared!,
    chiSquaredPerDof: at.chiSquared! / Math.max(1, evaluation.residuals.length - F),
    ess: evaluation.effectiveSampleSize,
    ensembleSize: evaluation.ensembleSize,
    parameters: Object.fromEntries(names.map((name, k) => [name, at.parameters[k]])),
    elapsedSeconds: (Date.now() - started) / 1000,
    timestamp: new Date().toISOString(),
  });
  if (F === 0) {
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state);
    return outcome('converged');
  }
  const startPerDof = chiSquared / Math.max(1, current.residuals.length - F);
  if (state.iteration === 0 && settings.consistentStart !== null && startPerDof <= settings.consistentStart) {
    onEvent({ type: 'info', message: `${settings.task}: the starting point already matches the target within the errors (chi2/dof ${startPerDof.toFixed(3)}); kept` });
    // The trajectory in metrics.jsonl still says where the answer came from: one line, step 0.
    if (hooks.recordStep) {
      await hooks.recordStep({ ...stepRecord(state, current), stage: 'kept-start' });
    }
    if (hooks.saveCheckpoint) await hooks.saveCheckpoint(state);
    return { ...outcome('converged'), keptStart: true };
  }
  const saveCheckpoint = hooks.saveCheckpoint;
  // The common driver (src/numeric/driver.ts; docs/ensemble.md, "The driver") checks abort, the step
  // limit and the deadline before each iteration, and checkpoints after every one and on the stop.
  const { stop } = await drive(lmStepper(objective, settings, free), { saa: state, current, decrease: 0, accepted: false }, {
    task: settings.task,
    signal: hooks.signal,
    deadline: settings.deadline,
    ...(saveCheckpoint ? { checkpoint: (now: LmState) => saveCheckpoint(now.saa), checkpointEverySteps: 1, checkpointOnStop: true } : {}),
    async afterStep(now) {
      const record = { ...stepRecord(now.saa, now.current), decrease: now.decrease, damping: now.saa.damping };
      if (hooks.recordStep) await hooks.recordStep(record);
      onEvent({
        type: 'progress',
        task: settings.task,
        done: now.saa.iteration,
        total: settings.maxIterations,
        message: `chi2/dof ${record.chiSquaredPerDof.toFixed(3)} ESS ${Number.isFinite(now.current.effectiveSampleSize) ? now.current.effectiveSampleSize.toFixed(0) : '-'}/${now.current.ensembleSize}`,
        step: record.step,
        chi2: record.loss,
        chi2PerDof: record.chiSquaredPerDof,
        ess: record.ess,
        ensembleSize: record.ensembleSize,
      });
    },
  });
  return outcome(STOP_REASON[stop]);
}
