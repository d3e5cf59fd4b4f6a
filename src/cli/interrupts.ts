/**
 * The CLI's side of interrupts: the process-wide handlers live in the library
 * (io/process-interrupts.ts, installed by main.ts); a command asks for its AbortSignal here.
 */
import type { CliContext } from './context.js';

export { EXIT_INTERRUPTED, DEFAULT_GRACE_SECONDS, installProcessInterrupts, type ProcessInterrupts, type InterruptOptions } from '../io/process-interrupts.js';

export interface CommandSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * The AbortSignal a command passes to the library: the process-wide one when main.ts installed it,
 * otherwise (runCli called in-process) local SIGINT/SIGTERM listeners for the command's duration.
 */
export function commandSignal(context: Pick<CliContext, 'signal'>): CommandSignal {
  if (context.signal) return { signal: context.signal, dispose: () => {} };
  const controller = new AbortController();
  const onSigint = (): void => controller.abort('SIGINT');
  const onSigterm = (): void => controller.abort('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
    },
  };
}
