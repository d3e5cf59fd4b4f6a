/**
 * `nnft validate <file> [--json]`: check a target file and show what nnft understood.
 * Valid: exit 0, a short summary (or {theory, warnings} as JSON), warnings on stderr.
 * Invalid: exit 2, every problem with its path; with --json the error object goes to stdout so a
 * script reads one JSON document whatever happened.
 */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { loadTarget } from '../../theory/load-target.js';
import type { Interaction, Theory } from '../../theory/theory.js';
import { EXIT } from '../../errors.js';
import { renderWarnings } from '../render-error.js';

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function describeInteraction(term: Interaction): string {
  if (term.kind === 'local') {
    return `(${formatNumber(term.coupling)}/${term.power}!) ${term.wickOrdered ? ':' : ''}phi^${term.power}${term.wickOrdered ? ':' : ''}`;
  }
  return `(${formatNumber(term.coupling)}/4!) phi^2 K phi^2, Gaussian K of width ${formatNumber(term.kernel.width)}`;
}

export function summariseTheory(theory: Theory): string[] {
  const interactions = theory.interactions.length === 0 ? 'none (free theory)' : theory.interactions.map(describeInteraction).join(' + ');
  const region = theory.interactionRegion === null ? `all of R^${theory.dimension}` : `box of side ${formatNumber(theory.interactionRegion.side)}`;
  return [
    `  name:         ${theory.name}`,
    `  dimension:    ${theory.dimension}, mass ${formatNumber(theory.mass)}`,
    `  interactions: ${interactions}`,
    theory.lattice
      ? `  regulator:    lattice ${theory.lattice.sites}^${theory.dimension} sites, spacing ${formatNumber(theory.lattice.spacing)}, ${theory.lattice.boundary} (side ${formatNumber(theory.lattice.sites * theory.lattice.spacing)})`
      : `  regulator:    ${theory.momentumCutoff === null ? 'no momentum cutoff' : `momentum cutoff ${formatNumber(theory.momentumCutoff)}`}; interaction region ${region}`,
    `  observables:  ${theory.points.length} point${theory.points.length === 1 ? '' : 's'}, connected orders ${theory.connectedOrders.join(', ')}`,
    `  correlators:  method ${theory.targetCorrelators.method}`,
  ];
}

export function validateCommand(context: CliContext) {
  return {
    command: 'validate <file>',
    describe: 'check a target file and print its normalised theory',
    builder: (argv: Argv) =>
      argv
        .positional('file', { type: 'string', demandOption: true, describe: 'target JSON file' })
        .option('json', { type: 'boolean', default: false, describe: 'print {theory, warnings} (or the error) as JSON on stdout' }),
    handler: async (args: { file: string; json: boolean }) => {
      const { theory, warnings } = await loadTarget(args.file, { cwd: context.cwd });
      if (args.json) {
        context.stdout(`${JSON.stringify({ theory, warnings }, null, 2)}\n`);
      } else {
        const count = warnings.length === 0 ? '' : ` with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
        context.stdout(`✔ ${args.file} is a valid target${count}\n${summariseTheory(theory).join('\n')}\n`);
        if (warnings.length > 0) context.stderr(`warnings in ${args.file}:\n${renderWarnings(args.file, warnings)}`);
      }
      context.exitCode = EXIT.ok;
    },
  };
}
