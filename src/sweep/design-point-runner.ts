/**
 * The sweep's default point runner: each point runs in a child process whose entry script,
 * design-point-child.js, hands the point as data to the library's design (design-point.ts). One
 * process per point, so `--parallel K` uses K cores; the child runs in its own process group, is
 * ended with the sweep and stops by itself when the sweep is gone (subprocess-point-runner.ts).
 * Nothing goes through the `nnft` command line: the job is JSON, the options keep their names.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NnftError } from '../errors.js';
import type { SweepPointInput, SweepPointRunner } from './sweep-point.js';
import { createSubprocessPointRunner } from './subprocess-point-runner.js';
import { designPointJob } from './design-point.js';

/**
 * The compiled entry script: beside this module in dist/, or, from the TypeScript sources (tests),
 * the built copy in dist/.
 */
export function designPointEntry(): string {
  const sibling = fileURLToPath(new URL('./design-point-child.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  const built = fileURLToPath(new URL('../../dist/sweep/design-point-child.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new NnftError('E_INTERNAL', 'the design point script (dist/sweep/design-point-child.js) is missing', { hint: 'build the package: npx tsc -p tsconfig.json' });
}

/** The child's arguments for one point: the entry script and the point's job as JSON. */
export function designPointArguments(input: SweepPointInput, runDirectory: string, entry: string = designPointEntry()): string[] {
  return [entry, JSON.stringify(designPointJob(input, runDirectory))];
}

export function createDesignPointRunner(options: { entry?: string; nodePath?: string; env?: Record<string, string> } = {}): SweepPointRunner {
  return createSubprocessPointRunner({
    command: options.nodePath ?? process.execPath,
    // Resolved per point, so a runner made before the build finds the script once it exists.
    args: (input, runDirectory) => designPointArguments(input, runDirectory, options.entry ?? designPointEntry()),
    ...(options.env ? { env: options.env } : {}),
  });
}
