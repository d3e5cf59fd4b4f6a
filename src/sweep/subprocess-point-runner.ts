/**
 * A point runner that runs each point in a child process (e.g. `nnft design <target> --out <dir>`),
 * so CPU-bound points use several cores with `--parallel K`. The child must write result.json into
 * the run directory; the summary row is then read from it with summarizeDesignResult. The child's
 * stderr tail becomes the error message when it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NnftError } from '../errors.js';
import type { CorrelatorResult } from '../io/result.js';
import type { SweepPointInput, SweepPointRunner } from './run-sweep.js';
import { summarizeDesignResult } from './summarize-design.js';

export interface SubprocessRunnerOptions {
  /** Executable, e.g. process.execPath. */
  command: string;
  /** Its arguments for one point, e.g. [cliMain, 'design', input.targetFile, '--out', runDirectory, ...]. */
  args: (input: SweepPointInput, runDirectory: string) => string[];
  /** Extra environment for the child (merged over the parent's). */
  env?: Record<string, string>;
}

const STDERR_TAIL = 4000;

export function createSubprocessPointRunner(options: SubprocessRunnerOptions): SweepPointRunner {
  return async (input, runDirectory) => {
    const args = options.args(input, runDirectory);
    const resultFile = join(runDirectory, 'result.json');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(options.command, args, { cwd: runDirectory, env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.on('error', (error) => reject(new NnftError('E_USAGE', `cannot start ${options.command}: ${error.message}`, { cause: error })));
      child.on('close', (code, signal) => {
        if (code === 0) {
          resolve();
          return;
        }
        if (code === 1 && existsSync(resultFile)) {
          resolve();
          return;
        }
        reject(new NnftError('E_INTERNAL', `point ${input.id}: ${options.command} exited with ${signal ?? code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
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
