/**
 * The one handler for a command's errors under --json: a script reads one JSON document on stdout
 * whatever happened, the command's result or the error object (NnftError.toJSON), and the exit code
 * is the error's (errors.ts). Without --json, or for an error that is not an NnftError (a bug), the
 * error goes on to runCli, which renders it on stderr. runCli wraps every command's handler in it,
 * and a command wraps its own subcommands' handlers (nnft sweep merge, nnft estimate merge).
 */
import { exitCodeFor, isNnftError } from '../errors.js';
import type { CliContext } from './context.js';

export async function withJsonErrors(context: CliContext, json: boolean, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!json || !isNnftError(error)) throw error;
    context.stdout(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    context.exitCode = exitCodeFor(error);
  }
}

/** `handler` with withJsonErrors around it, keyed on the parsed `--json` flag. */
export function jsonErrorsHandler<Args>(context: CliContext, handler: (args: Args) => Promise<void>): (args: Args) => Promise<void> {
  return (args) => withJsonErrors(context, (args as { json?: unknown }).json === true, () => handler(args));
}
