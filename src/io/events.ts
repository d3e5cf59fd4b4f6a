/**
 * Progress and warnings travel from the library to the CLI as events through a callback; the
 * library never prints. The CLI renders them (live line on a TTY, plain lines, or NDJSON with --json).
 */
export type NnftEvent =
  | { type: 'progress'; task: string; done: number; total: number; message?: string; etaSeconds?: number }
  | { type: 'warning'; message: string; path?: string; hint?: string }
  | { type: 'info'; message: string; data?: Record<string, unknown> };

export type EventSink = (event: NnftEvent) => void;

export const ignoreEvents: EventSink = () => {};
