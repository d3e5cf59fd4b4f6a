/** `nnft estimate <spec.json>`. STUB: owned by the ensemble-engine work. */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { NnftError } from '../../errors.js';

export function estimateCommand(_context: CliContext) {
  return {
    command: 'estimate <spec>',
    describe: "estimate a spec's ensemble connected correlators",
    builder: (argv: Argv) => argv.positional('spec', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }),
    handler: async (_args: { spec: string; json: boolean }) => {
      throw new NnftError('E_UNSUPPORTED', 'nnft estimate is not implemented yet');
    },
  };
}
