/**
 * SIGINT and SIGTERM for a whole nnft process (docs/ensemble.md, "Interrupts"): the first signal
 * aborts one AbortSignal that every phase of a run checks between units of work (target
 * computation, fit steps, estimate chunks, sweep points); the run then saves its checkpoint, says
 * so, and the process exits 130. A second signal, or a run that has not stopped within the grace
 * period, exits 130 at once (every checkpoint is written atomically, so the last one survives).
 *
 * A process started by a sweep for one point is told its parent's pid in NNFT_PARENT_PID: when that
 * parent goes away (even by SIGKILL, which it cannot forward), the process treats it as SIGTERM.
 * Both the CLI (cli/main.ts) and a sweep's point process (sweep/design-point-child.ts) install it.
 */

import { pidAlive } from './run-directory.js';

/** Environment variable naming the parent's pid; the process stops when that process is gone. */
export const PARENT_PID_ENV = 'NNFT_PARENT_PID';

export const EXIT_INTERRUPTED = 130;
/** Seconds a command may take to stop after the first signal before the process exits anyway. */
export const DEFAULT_GRACE_SECONDS = 20;
const PARENT_POLL_MS = 500;

export interface ProcessInterrupts {
  readonly signal: AbortSignal;
  /** The signal (or 'parent exited') that aborted, or null. */
  received(): string | null;
  dispose(): void;
}

export interface InterruptOptions {
  stderr: (text: string) => void;
  exit: (code: number) => void;
  graceSeconds?: number;
  /** The pid to watch (default: NNFT_PARENT_PID from the environment). */
  parentPid?: number | null;
}

function parentPidFromEnvironment(): number | null {
  const text = process.env[PARENT_PID_ENV];
  if (!text) return null;
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

/** Install the process-wide handlers (main.ts does this once). */
export function installProcessInterrupts(options: InterruptOptions): ProcessInterrupts {
  const controller = new AbortController();
  let received: string | null = null;
  const envGrace = Number(process.env.NNFT_INTERRUPT_GRACE_SECONDS);
  const graceSeconds = options.graceSeconds ?? (Number.isFinite(envGrace) && envGrace > 0 ? envGrace : DEFAULT_GRACE_SECONDS);
  const trigger = (name: string): void => {
    if (received !== null) {
      options.stderr(`\n${name} again: quitting now (the last checkpoint is kept)\n`);
      options.exit(EXIT_INTERRUPTED);
      return;
    }
    received = name;
    options.stderr(`\ninterrupted by ${name}: stopping at the next safe point and saving a checkpoint (send it again to quit at once)\n`);
    controller.abort(name);
    const watchdog = setTimeout(() => {
      options.stderr(`did not stop within ${graceSeconds} s of ${name}: quitting now (the last checkpoint is kept)\n`);
      options.exit(EXIT_INTERRUPTED);
    }, graceSeconds * 1000);
    watchdog.unref();
  };
  const onSigint = (): void => trigger('SIGINT');
  const onSigterm = (): void => trigger('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const parentPid = options.parentPid === undefined ? parentPidFromEnvironment() : options.parentPid;
  if (parentPid !== null) {
    // Our stdout/stderr are pipes to that parent: once it is gone, a write fails with EPIPE, and an
    // uncaught EPIPE would end the process without its exit hooks (lock, temp files, checkpoint).
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  }
  const poll =
    parentPid === null
      ? null
      : setInterval(() => {
          if (received === null && (process.ppid !== parentPid || !pidAlive(parentPid))) trigger('parent exited');
        }, PARENT_POLL_MS);
  poll?.unref();
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
      if (poll) clearInterval(poll);
    },
  };
}
