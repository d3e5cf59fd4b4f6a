/** Run `nnft validate` in-process from the repository root, capturing what a user would see. */
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliContext } from '../../src/cli/context.js';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runValidate(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    exitCode: 0,
    cwd: REPOSITORY_ROOT,
  };
  const code = await runCli(['validate', ...args], context);
  return { code, stdout, stderr };
}
