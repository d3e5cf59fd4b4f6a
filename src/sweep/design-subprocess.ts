/**
 * Run sweep points as `nnft design` child processes (issue 5's command line): one process per
 * point, so `--parallel K` uses K cores. Sweep options map to design flags by a fixed table;
 * any other option key becomes `--<kebab-case key> <value>`, so new design flags need no change here.
 */
import { fileURLToPath } from 'node:url';
import type { SweepPointInput, SweepPointRunner } from './run-sweep.js';
import { createSubprocessPointRunner } from './subprocess-point-runner.js';
import { DESIGN_OPTION_RULES } from './design-options.js';
import { flagOf, kebabCase } from '../io/option-rules.js';

/** Sweep option key -> `nnft design` flag: the design option table's flag names (src/sweep/design-options.ts). */
function designFlag(key: string): string {
  const rule = DESIGN_OPTION_RULES[key];
  return rule ? flagOf(key, rule) : `--${kebabCase(key)}`;
}

/**
 * The `nnft design` arguments for one point: target file, option flags, --workers (the point's share
 * of the cores, unless its options set workers), and --out or --resume.
 */
export function designCommandArguments(input: SweepPointInput, runDirectory: string): string[] {
  const args = ['design', input.targetFile];
  for (const [key, value] of Object.entries(input.options)) {
    if (value === undefined || value === null) continue;
    const flag = designFlag(key);
    if (typeof value === 'boolean') {
      args.push(value ? flag : `--no-${flag.slice(2)}`);
    } else {
      args.push(flag, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  }
  if ((input.options.workers === undefined || input.options.workers === null) && input.workers !== undefined) args.push('--workers', String(input.workers));
  args.push(...(input.resume ? ['--resume', runDirectory] : ['--out', runDirectory]));
  return args;
}

/** The installed CLI entry point (dist/cli/main.js), found relative to this module. */
export function defaultCliPath(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

export function createDesignSubprocessRunner(options: { cliPath?: string; nodePath?: string; env?: Record<string, string> } = {}): SweepPointRunner {
  const cliPath = options.cliPath ?? defaultCliPath();
  return createSubprocessPointRunner({
    command: options.nodePath ?? process.execPath,
    args: (input, runDirectory) => [cliPath, ...designCommandArguments(input, runDirectory)],
    ...(options.env ? { env: options.env } : {}),
  });
}
