/**
 * Progress and warnings travel from the library to the CLI as events through a callback; the
 * library never prints. The CLI renders them (live line on a TTY, plain lines, or NDJSON with --json,
 * where every line also carries `timestamp` and `elapsed`; src/cli/context.ts).
 */

/**
 * Numbers of one optimisation step, carried by the fit's progress events (the same numbers as its
 * metrics.jsonl line): the step (also `done`), chi^2 on the sample, chi^2 per degree of freedom, the
 * sample's effective sample size and its size.
 */
export interface StepFields {
  step?: number;
  chi2?: number;
  chi2PerDof?: number;
  ess?: number;
  ensembleSize?: number;
}

export type NnftEvent =
  | ({ type: 'progress'; task: string; done: number; total: number; message?: string; etaSeconds?: number } & StepFields)
  | { type: 'warning'; message: string; path?: string; hint?: string }
  | { type: 'info'; message: string; data?: Record<string, unknown> };

export type EventSink = (event: NnftEvent) => void;

export const ignoreEvents: EventSink = () => {};

/** The same events with every progress task named `from` renamed `to` (e.g. an estimate's "networks" as a validation). */
export function renameProgress(sink: EventSink, from: string, to: string): EventSink {
  return (event) => sink(event.type === 'progress' && event.task === from ? { ...event, task: to } : event);
}
