/**
 * One design point of a sweep, run through the library on plain data: the point's options (keyed
 * like DESIGN_OPTION_RULES, as the sweep file writes them) split into the design's settings and its
 * run options, then designFile on the point's target file for a new run, or resumeDesign for a run
 * directory that already holds a started run. The point process (design-point-child.ts) calls this;
 * so can a program that wants its points in-process.
 */
import { designFile, resumeDesign, type DesignResult, type DesignRun } from '../design/design.js';
import { splitDesignOptions, type DesignSettings } from '../design/design-settings.js';
import type { EventSink } from '../io/events.js';
import type { SweepPointInput } from './sweep-point.js';

/** What a point process is handed: plain JSON, no command line. */
export interface DesignPointJob {
  readonly id: string;
  /** The point's resolved target file (absolute). */
  readonly targetFile: string;
  /** The point's run directory (absolute). */
  readonly runDirectory: string;
  /** The point's design options, keyed like DESIGN_OPTION_RULES. */
  readonly options: Readonly<Record<string, unknown>>;
  /** True when runDirectory holds a started run: continue it. */
  readonly resume: boolean;
  /** The point's share of the sweep's cores, used unless the options set workers. */
  readonly workers: number;
}

export function designPointJob(input: SweepPointInput, runDirectory: string): DesignPointJob {
  return { id: input.id, targetFile: input.targetFile, runDirectory, options: input.options, resume: input.resume, workers: input.workers };
}

export interface DesignPointControl {
  readonly signal?: AbortSignal;
  readonly onEvent?: EventSink;
}

/**
 * The point's settings and how it runs: the options split by splitDesignOptions; the backend the
 * options name (default auto), and the options' workers, else the point's share of the cores.
 */
export function designPointPlan(job: DesignPointJob, control: DesignPointControl = {}): { settings: DesignSettings; run: DesignRun } {
  const defined = Object.fromEntries(Object.entries(job.options).filter(([, value]) => value !== undefined && value !== null));
  const { settings, run: given } = splitDesignOptions(defined);
  const run: DesignRun = {
    backend: given.backend ?? 'auto',
    workers: given.workers ?? job.workers,
    ...(given.timeLimitSeconds !== undefined ? { timeLimitSeconds: given.timeLimitSeconds } : {}),
    ...(control.onEvent ? { onEvent: control.onEvent } : {}),
    ...(control.signal ? { signal: control.signal } : {}),
  };
  return { settings, run };
}

/**
 * Run the point: settings are checked by the design itself (E_USAGE at "settings.<key>"), a resumed
 * run refuses settings that differ from its stored ones (resumeDesign), and result.json is written
 * into the run directory when the design reaches its verdict.
 */
export async function runDesignPoint(job: DesignPointJob, control: DesignPointControl = {}): Promise<DesignResult> {
  const { settings, run } = designPointPlan(job, control);
  if (job.resume) return resumeDesign(job.runDirectory, run, { targetFile: job.targetFile, settings });
  return designFile(job.targetFile, settings, { ...run, out: job.runDirectory });
}
