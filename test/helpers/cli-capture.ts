/** A CliContext that records stdout and stderr, for running the CLI in-process in tests. */
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../../src/cli/context.js';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export function captureCli(cwd = repositoryRoot, isTTY = false): CliContext & { out: string; err: string } {
  const context = {
    out: '',
    err: '',
    isTTY,
    exitCode: 0,
    cwd,
    stdout: (text: string) => void (context.out += text),
    stderr: (text: string) => void (context.err += text),
  };
  return context;
}
