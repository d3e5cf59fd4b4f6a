/** `nnft target <file> [--json]`. STUB: owned by the target-correlator work. */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { NnftError } from '../../errors.js';

export function targetCommand(_context: CliContext) {
  return {
    command: 'target <file>',
    describe: "compute the target theory's connected correlators at its points",
    builder: (argv: Argv) => argv.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }),
    handler: async (_args: { file: string; json: boolean }) => {
      throw new NnftError('E_UNSUPPORTED', 'nnft target is not implemented yet');
    },
  };
}
