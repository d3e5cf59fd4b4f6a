/**
 * A point runner that runs each point in a child process (the design point process,
 * design-point-runner.ts, or any command a caller names), so CPU-bound points use several cores
 * with `--parallel K`. The child must write result.json into
 * the run directory; the summary row is then read from it with summarizeDesignResult. Exit 0, or 1
 * (not met) and 3 (unresolved) with result.json, finish the point; exit 2 (the child refused its
 * input) fails it as E_USAGE, anything else as E_INTERNAL. The child's stderr tail becomes the
 * error message when it fails.
 *
 * Each child runs in its own process group (a terminal's Ctrl-C reaches the sweep only), and is
 * ended with the sweep (docs/sweeps-and-reports.md, "Interrupts and child processes"):
 * - an interrupt of the sweep (its AbortSignal) is forwarded as SIGTERM to every running child's
 *   group; the child checkpoints and exits 130, and the point counts as interrupted;
 * - when the sweep process exits for any other reason, an exit hook sends SIGTERM to the groups
 *   still running;
 * - a SIGKILL of the sweep runs no hook: the child is given the sweep's pid (NNFT_PARENT_PID) and
 *   stops by itself when that process is gone (io/process-interrupts.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, NnftError } from '../errors.js';
import type { CorrelatorResult } from '../io/result.js';
import type { SweepPointInput, SweepPointRunner } from './sweep-point.js';
import { summarizeDesignResult } from './summarize-design.js';
import { EXIT_INTERRUPTED, PARENT_PID_ENV } from '../io/process-interrupts.js';

export interface SubprocessRunnerOptions {
  /** Executable, e.g. process.execPath. */
  command: string;
  /** Its arguments for one point, e.g. [entryScript, JSON.stringify(job)]. */
  args: (input: SweepPointInput, runDirectory: string) => string[];
  /** Extra environment for the child (merged over the parent's). */
  env?: Record<string, string>;
}

const STDERR_TAIL = 4000;
export { PARENT_PID_ENV };

/** Process groups of the children still running, ended by the exit hook. */
const runningGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of runningGroups) signalGroup(pid, 'SIGTERM');
  });
}

/** The pids (= process group ids) of the point processes running now; for diagnostics and tests. */
export function runningPointProcesses(): number[] {
  return [...runningGroups];
}

export function createSubprocessPointRunner(options: SubprocessRunnerOptions): SweepPointRunner {
  installExitHook();
  return async (input, runDirectory, control = {}) => {
    const args = options.args(input, runDirectory);
    const resultFile = join(runDirectory, 'result.json');
    const signal = control.signal;
    if (signal?.aborted) throw new NnftError('E_INTERRUPTED', `point ${input.id}: not started, the sweep was interrupted`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(options.command, args, {
        cwd: runDirectory,
        env: { ...process.env, ...options.env, [PARENT_PID_ENV]: String(process.pid) },
        stdio: ['ignore', 'ignore', 'pipe'],
        // Its own process group: ended by the sweep (below), not by whoever signals the sweep's group.
        detached: true,
      });
      const pid = child.pid;
      if (pid !== undefined) runningGroups.add(pid);
      const forward = (): void => {
        if (pid !== undefined) signalGroup(pid, 'SIGTERM');
      };
      signal?.addEventListener('abort', forward, { once: true });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.on('error', (error) => reject(new NnftError('E_USAGE', `cannot start ${options.command}: ${error.message}`, { cause: error })));
      child.on('close', (code, exitSignal) => {
        if (pid !== undefined) runningGroups.delete(pid);
        signal?.removeEventListener('abort', forward);
        if (code === EXIT_INTERRUPTED || (signal?.aborted && code !== 0 && code !== 1)) {
          reject(new NnftError('E_INTERRUPTED', `point ${input.id}: interrupted (its run directory resumes)`));
          return;
        }
        if (code === 0) {
          resolve();
          return;
        }
        // A design that ran to its verdict writes result.json: not met (1) and unresolved (3) are
        // finished points whose rows say so.
        if ((code === EXIT.failure || code === EXIT.unresolved) && existsSync(resultFile)) {
          resolve();
          return;
        }
        const tail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
        if (code === EXIT.badInput) {
          // The child refused its input (a flag, the point's target): the point's fault, not nnft's.
          reject(new NnftError('E_USAGE', `point ${input.id}: the child refused its input (exit 2)${tail}`, { hint: 'check the sweep with nnft sweep --dry-run; it checks every option against the design settings' }));
          return;
        }
        reject(new NnftError('E_INTERNAL', `point ${input.id}: ${options.command} exited with ${exitSignal ?? code}${tail}`));
      });
    });
    let text: string;
    try {
      text = await readFile(resultFile, 'utf8');
    } catch {
      throw new NnftError('E_INTERNAL', `point ${input.id}: the child process exited cleanly but wrote no result.json in ${runDirectory}`);
    }
    return summarizeDesignResult(JSON.parse(text) as CorrelatorResult);
  };
}
