/**
 * `nnft observables <result.json> [--cell-volume v] [--json]`: observables derived from a result file
 * (the --json output of nnft target / estimate / design). Today: the zero-momentum time-slice
 * correlator C(t) = a^(d-1) sum_x G_c2((t, x), (0, 0)) with its errors and its covariance between
 * times (observables/time-slice.ts), summed from the file's G_c2 over the points of each slice, and
 * the one a lattice result measured over whole periodic slices (its `timeSlice`). With --json one
 * object, { nnftObservables: 1, input, timeSlices: [...] } (each in the result schema's timeSlice form).
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { EXIT } from '../../errors.js';
import { readJsonText } from '../../io/read-json-text.js';
import { parseResultText } from '../../io/check-result.js';
import { observablesOf, type ObservablesReport } from '../../observables/observables-report.js';

export type { ObservablesReport };
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';

const OBSERVABLES_FLAG_RULES: OptionRules = {
  cellVolume: { kind: 'number', min: 0, exclusiveMin: true, max: 1e12, fix: 'give the spatial cell volume a^(d-1) each point of a slice stands for, e.g. --cell-volume 0.25' },
};

interface ObservablesArgs {
  result: string;
  cellVolume?: number;
  json: boolean;
}

function formatNumber(value: number, error: number): string {
  if (!Number.isFinite(error) || error === 0) return value.toPrecision(8);
  const digits = Math.max(1, 2 - Math.floor(Math.log10(error)));
  return value.toFixed(Math.min(14, digits)).padStart(14) + ` ± ${error.toFixed(Math.min(14, digits))}`;
}

export function renderObservables(report: ObservablesReport): string {
  const lines: string[] = [`${report.input.file} (${report.input.kind}${report.input.method ? `, ${report.input.method}` : ''})`];
  for (const slice of report.timeSlices) {
    lines.push('');
    lines.push(`C(t) = a^(d-1) sum_x G_c2((t,x),(0,0))  [${slice.source === 'lattice-field' ? 'measured on the lattice field' : "from the file's G_c2 at its points"}; ${slice.slicePoints} ${slice.source === 'lattice-field' ? 'sites' : 'points'} per slice, cell volume ${Number(slice.cellVolume.toPrecision(6))}]`);
    lines.push(`${'t'.padStart(12)}  C(t)`);
    slice.times.forEach((time, i) => lines.push(`${Number(time.toPrecision(8)).toString().padStart(12)}  ${formatNumber(slice.values[i]!, slice.stderr[i]!)}`));
    for (const note of slice.notes) lines.push(`  - ${note}`);
    lines.push(`  - covariance between times: ${slice.covariance ? 'in --json (timeSlices[].covariance; replicates too where the input had them)' : 'not known (no replicates in the input)'}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export function observablesCommand(context: CliContext) {
  return {
    command: 'observables <result>',
    describe: 'derived observables of a result file: the zero-momentum time-slice correlator C(t) with its covariance',
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('result', { type: 'string', demandOption: true, describe: 'result JSON (nnft target/estimate/design --json)' }),
        OBSERVABLES_FLAG_RULES,
        { cellVolume: "spatial cell volume a^(d-1) of a slice's points, for slices that are not a regular grid" },
        { cellVolume: { defaultDescription: "the grid's spacing^(d-1)" } },
      ).option('json', { type: 'boolean', default: false, describe: 'print the observables as JSON on stdout' }),
    handler: async (args: ObservablesArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, OBSERVABLES_FLAG_RULES));
      const text = await readJsonText(resolve(context.cwd, args.result), args.result, 'result');
      const result = parseResultText(text, args.result, { requiredOrders: [2] });
      const report = observablesOf(result, args.result, args.cellVolume !== undefined ? { cellVolume: args.cellVolume } : {});
      context.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderObservables(report));
      context.exitCode = EXIT.ok;
    },
  };
}
