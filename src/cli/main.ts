#!/usr/bin/env node
/** Process entry point of the `nnft` command. */
import { runCli } from './run-cli.js';
import type { CliContext } from './context.js';

const context: CliContext = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  exitCode: 0,
  cwd: process.cwd(),
};

const code = await runCli(process.argv.slice(2), context);
// Let stdout drain before exiting (large --json results on a pipe).
process.stdout.write('', () => process.exit(code));
