#!/usr/bin/env node
/** Process entry point of the `nnft` command. */
import { runCli } from './run-cli.js';
import type { CliContext } from './context.js';
import { EXIT_INTERRUPTED, installProcessInterrupts } from './interrupts.js';

const exit = (code: number): void => {
  // Let stdout drain before exiting (large --json results on a pipe).
  process.stdout.write('', () => process.exit(code));
};
const interrupts = installProcessInterrupts({ stderr: (text) => process.stderr.write(text), exit: (code) => process.exit(code) });

const context: CliContext = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  exitCode: 0,
  cwd: process.cwd(),
  signal: interrupts.signal,
};

const code = await runCli(process.argv.slice(2), context);
// A run stopped by a signal exits 130 whatever its command made of the stop.
exit(interrupts.received() !== null ? EXIT_INTERRUPTED : code);
