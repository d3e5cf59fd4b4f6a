/**
 * The CLI as a function: parse argv, run one command, return the exit code. `main.ts` wires it to
 * the process; tests call it in-process with captured output.
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { renderError } from './render-error.js';
import { jsonErrorsHandler, jsonRequested, writeJsonError } from './json-errors.js';
import { exitCodeFor, isNnftError, NnftError } from '../errors.js';
import { endProgressLine, withProgressDiscipline, type CliContext } from './context.js';
import { validateCommand } from './commands/validate.js';
import { doctorCommand } from './commands/doctor.js';
import { targetCommand } from './commands/target.js';
import { estimateCommand } from './commands/estimate.js';
import { sweepCommand } from './commands/sweep.js';
import { reportCommand } from './commands/report.js';
import { designCommand } from './commands/design.js';
import { actionCommand } from './commands/action.js';
import { exportCommand } from './commands/export.js';
import { observablesCommand } from './commands/observables.js';
import { NNFT_VERSION } from '../version.js';

export type CommandFactory = (context: CliContext) => {
  command: string;
  describe: string;
  /** Names of the command's own subcommands (`nnft sweep merge`), for the hint of a usage error. */
  subcommands?: readonly string[];
  builder: (argv: Argv) => Argv<any>;
  handler: (args: any) => Promise<void>;
};

/**
 * The command a command line names ("nnft design", "nnft sweep merge", or "nnft" when it names
 * none), so that a usage error points at that command's --help.
 */
export function commandLine(argv: readonly string[], commands: readonly { name: string; subcommands: readonly string[] }[]): string {
  const words = argv.filter((word) => !word.startsWith('-'));
  const command = commands.find((candidate) => candidate.name === words[0]);
  if (!command || argv[0] !== words[0]) return 'nnft';
  const sub = command.subcommands.includes(words[1] ?? '') && argv[1] === words[1] ? ` ${words[1]}` : '';
  return `nnft ${command.name}${sub}`;
}

export const COMMANDS: CommandFactory[] = [validateCommand, targetCommand, designCommand, estimateCommand, actionCommand, observablesCommand, sweepCommand, reportCommand, exportCommand, doctorCommand];

export async function runCli(argv: string[], given: CliContext): Promise<number> {
  // Output, an error or the end of the command first ends a live progress line left open.
  const context = withProgressDiscipline(given);
  let parser = yargs(argv)
    .scriptName('nnft')
    .version(NNFT_VERSION)
    .strict()
    .demandCommand(1, 'name a command: nnft <command> --help shows its options')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new NnftError('E_USAGE', msg ?? 'invalid command line', { hint: `run ${commandLine(argv, named)} --help` });
    })
    .help();
  const named: { name: string; subcommands: readonly string[] }[] = [];
  for (const factory of COMMANDS) {
    const definition = factory(context);
    named.push({ name: definition.command.split(' ')[0]!, subcommands: definition.subcommands ?? [] });
    // Every command's errors under --json are one JSON document on stdout (json-errors.ts).
    const handler = jsonErrorsHandler(context, definition.handler);
    parser = parser.command(definition.command, definition.describe, definition.builder, async (args) => {
      await handler(args);
    });
  }
  try {
    let helpOutput = '';
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      helpOutput = output ?? '';
    });
    if (helpOutput) context.stdout(`${helpOutput}\n`);
    endProgressLine(context);
    return context.exitCode;
  } catch (error) {
    endProgressLine(context);
    if (isNnftError(error) && jsonRequested(argv)) {
      writeJsonError(context, error);
      return context.exitCode;
    }
    context.stderr(renderError(error));
    return exitCodeFor(error);
  }
}
