/** `nnft report <run dir | sweep dir> [--out file]`: a self-contained report.html with SVG plots. */
import { checkOutFile } from '../../io/out-path.js';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { writeReport } from '../../report/render-report.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';

/** nnft report's flags (src/cli/check-flags.ts). */
const REPORT_FLAG_RULES: OptionRules = { out: { kind: 'string', fix: 'name the HTML file, e.g. --out report.html' } };

export function reportCommand(context: CliContext) {
  return {
    command: 'report <dir>',
    describe: 'write report.html (SVG plots, no external assets) for a design run or sweep directory',
    builder: (argv: Argv) =>
      declareFlags(argv.positional('dir', { type: 'string', demandOption: true, describe: 'a design run directory or a sweep directory' }), REPORT_FLAG_RULES, {
        out: 'where to write the HTML',
      }, { out: { defaultDescription: '<dir>/report.html' } })
        .option('points', { type: 'boolean', default: false, describe: 'for a sweep: also write each point\'s report and link them' })
        .option('json', { type: 'boolean', default: false, describe: 'print {"report": path} as JSON' }),
    handler: async (args: { dir: string; out?: string; points: boolean; json: boolean }) => {
      Object.assign(args, checkFlags(args, REPORT_FLAG_RULES));
      const directory = resolve(context.cwd, args.dir);
      if (args.out) await checkOutFile(resolve(context.cwd, args.out), { example: 'report.html' });
      const path = await writeReport(directory, { points: args.points, ...(args.out ? { out: resolve(context.cwd, args.out) } : {}) });
      context.stdout(args.json ? `${JSON.stringify({ report: path })}\n` : `✔ report written to ${path}\n`);
      context.exitCode = 0;
    },
  };
}
