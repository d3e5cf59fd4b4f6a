/** `nnft validate <file> [--json]`. STUB: owned by the target-validation work. */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { loadTarget } from '../../theory/load-target.js';

export function validateCommand(context: CliContext) {
  return {
    command: 'validate <file>',
    describe: 'check a target file and print its normalised theory',
    builder: (argv: Argv) =>
      argv
        .positional('file', { type: 'string', demandOption: true, describe: 'target JSON file' })
        .option('json', { type: 'boolean', default: false }),
    handler: async (args: { file: string; json: boolean }) => {
      const loaded = await loadTarget(args.file);
      context.stdout(args.json ? `${JSON.stringify(loaded.theory, null, 2)}\n` : `✔ ${args.file} is a valid target\n`);
      context.exitCode = 0;
    },
  };
}
