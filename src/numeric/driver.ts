/**
 * One loop for every iterative computation of nnft (lattice HMC, parameter-space MCMC, the design's
 * Levenberg-Marquardt fit): docs/ensemble.md, "The driver".
 *
 * A Stepper owns the algorithm: `step(state)` takes one explicit state object to the next and keeps
 * nothing between calls, so the state is the whole run (what a checkpoint writes, and a resumed run
 * that starts from a saved state continues exactly as the uninterrupted one). The driver owns the
 * rest, identically for every caller, in this order around each step:
 *   before: abort (AbortSignal) -> 'aborted'; steps complete -> 'complete'; deadline -> 'deadline';
 *   after:  non-finite check (E_NUMERIC), the step hook (progress, metrics), the stepper's own
 *           stopping rule -> 'finished', the checkpoint cadence (every k steps and/or every t
 *           seconds, skipped after the last step), a yield to the event loop so that signals and
 *           timers run.
 * On every stop the state is checkpointed once more when `checkpointOnStop` is set, so a stop never
 * writes the same state twice.
 */
import { NnftError } from '../errors.js';

export interface Stepper<State> {
  /** Steps taken to reach this state (0 for a fresh one): the index of the next step. */
  stepsDone(state: State): number;
  /** Steps of a complete run. */
  readonly totalSteps: number;
  /** One step. May update `state` in place and return it; it must not keep state elsewhere. */
  step(state: State): State | Promise<State>;
  /** The stepper's own stopping rule (converged), checked after each step. */
  finished?(state: State): boolean;
  /** A description of a non-finite quantity in the state, or null when all is finite. */
  nonFinite?(state: State): string | null;
}

export type DriverStop = 'complete' | 'finished' | 'aborted' | 'deadline';

export interface DriverHooks<State> {
  signal?: AbortSignal;
  /** Wall-clock deadline in ms since the epoch (Date.now()), or null for none. */
  deadline?: number | null;
  /** Called after every step with the new state (progress events, metrics lines). */
  afterStep?: (state: State) => void | Promise<void>;
  /** Receives the state at the cadence below (a checkpoint writer). */
  checkpoint?: (state: State) => void | Promise<void>;
  /** Checkpoint after every this many steps. */
  checkpointEverySteps?: number;
  /** Checkpoint when more than this many seconds have passed since the last one (checked after each step). */
  checkpointEverySeconds?: number;
  /** Checkpoint once more whenever the loop stops (for any reason but an error). */
  checkpointOnStop?: boolean;
  /** The wall clock in ms since the epoch, for the deadline and the checkpoint seconds (default Date.now; tests pass their own). */
  clock?: () => number;
  /** Yield to the event loop once this many ms have passed since the last yield (default 100). */
  yieldEveryMs?: number;
  /** What the computation is, for the non-finite error ("the lattice HMC"). */
  task: string;
  /** Hint of the non-finite error. */
  nonFiniteHint?: string;
}

export interface DriverOutcome<State> {
  state: State;
  stop: DriverStop;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Run `stepper` from `state` until it completes, finishes, is aborted or passes the deadline. */
export async function drive<State>(stepper: Stepper<State>, initial: State, hooks: DriverHooks<State>): Promise<DriverOutcome<State>> {
  let state = initial;
  const yieldEvery = hooks.yieldEveryMs ?? 100;
  const everySeconds = hooks.checkpointEverySeconds;
  const everySteps = hooks.checkpointEverySteps;
  const clock = hooks.clock ?? Date.now;
  let lastCheckpoint = clock();
  let lastYield = performance.now();
  const stop = async (reason: DriverStop): Promise<DriverOutcome<State>> => {
    if (hooks.checkpointOnStop && hooks.checkpoint) await hooks.checkpoint(state);
    return { state, stop: reason };
  };
  for (;;) {
    if (hooks.signal?.aborted) return stop('aborted');
    if (stepper.stepsDone(state) >= stepper.totalSteps) return stop('complete');
    if (hooks.deadline != null && clock() >= hooks.deadline) return stop('deadline');
    state = await stepper.step(state);
    const bad = stepper.nonFinite?.(state) ?? null;
    if (bad !== null) {
      throw new NnftError('E_NUMERIC', `${bad} became non-finite in ${hooks.task} at step ${stepper.stepsDone(state)}`, hooks.nonFiniteHint ? { hint: hooks.nonFiniteHint } : {});
    }
    if (hooks.afterStep) await hooks.afterStep(state);
    if (stepper.finished?.(state)) return stop('finished');
    const done = stepper.stepsDone(state);
    if (hooks.checkpoint && done < stepper.totalSteps) {
      const bySteps = everySteps !== undefined && done % everySteps === 0;
      const bySeconds = everySeconds !== undefined && clock() - lastCheckpoint > everySeconds * 1000;
      if (bySteps || bySeconds) {
        await hooks.checkpoint(state);
        lastCheckpoint = clock();
      }
    }
    if (performance.now() - lastYield > yieldEvery) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
}
