/**
 * What runSweep hands a point runner and what it expects back: plain data, so a runner can pass the
 * point to another process (design-point-runner.ts) or run it in-process (a program's own runner).
 */

/** Everything a point runner needs. */
export interface SweepPointInput {
  sweepName: string;
  index: number;
  id: string;
  values: Record<string, unknown>;
  /** The resolved target document. */
  target: Record<string, unknown>;
  /** The same target written as a file in the point's run directory (absolute path). */
  targetFile: string;
  /** The resolved design options. */
  options: Record<string, unknown>;
  /** True when the run directory already holds a started run (config.json): resume it. */
  resume: boolean;
  /**
   * Worker threads this point may use: the sweep's cores shared over the points that run at once,
   * max(1, floor(cores / parallel)) (pointWorkers). A runner passes it on (the design point
   * runner as the design's workers) unless the point's options set workers themselves.
   */
  workers: number;
}

/**
 * Runs one point in `runDirectory` and returns its key results for the summary (e.g.
 * summarizeDesignResult(result)). It must write result.json there when the point is done: that
 * file is what marks a point finished for later reruns.
 */
export type SweepPointRunner = (input: SweepPointInput, runDirectory: string, control?: SweepPointControl) => Promise<Record<string, unknown>>;

export interface SweepPointControl {
  /** The sweep's interrupt: a runner stops its point at the next checkpoint (E_INTERRUPTED). */
  signal?: AbortSignal;
}
