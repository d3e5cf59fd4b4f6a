/**
 * The one handler for a command's errors under --json: a script reads one JSON document on stdout
 * whatever happened, the command's result or the error object (NnftError.toJSON), and the exit code
 * is the error's (errors.ts). Without --json, or for an error that is not an NnftError (a bug), the
 * error goes on to runCli, which renders it on stderr. runCli wraps every command's handler in it,
 * and a command wraps its own subcommands' handlers (nnft sweep merge, nnft estimate merge); a
 * command line that yargs refuses before any handler runs (an unknown flag, a missing argument)
 * gets the same document when it asks for --json (jsonRequested).
 */
import { exitCodeFor, isNnftError, type NnftError } from '../errors.js';
import type { CliContext } from './context.js';

export async function withJsonErrors(context: CliContext, json: boolean, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!json || !isNnftError(error)) throw error;
    writeJsonError(context, error);
  }
}

/** The error document on stdout and the error's exit code. */
export function writeJsonError(context: CliContext, error: NnftError): void {
  context.stdout(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
  context.exitCode = exitCodeFor(error);
}

/** Whether a raw command line asks for --json (its last --json / --no-json / --json=... wins). */
export function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const flags = (end === -1 ? argv : argv.slice(0, end)).filter((word) => /^--(no-)?json(=|$)/.test(word));
  const last = flags[flags.length - 1];
  if (last === undefined || last.startsWith('--no-')) return false;
  return !/^--json=(false|0)$/.test(last);
}

/** `handler` with withJsonErrors around it, keyed on the parsed `--json` flag. */
export function jsonErrorsHandler<Args>(context: CliContext, handler: (args: Args) => Promise<void>): (args: Args) => Promise<void> {
  return (args) => withJsonErrors(context, (args as { json?: unknown }).json === true, () => handler(args));
}
