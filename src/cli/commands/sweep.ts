/**
 * `nnft sweep <sweep.json> --out DIR [--parallel K] [--shard i/n]` runs a sweep (runSweep);
 * `nnft sweep merge <dirs..> --out DIR` joins the shards' summaries (mergeSweepShards), a
 * subcommand with its own flags and --help. Each point runs through the design library in a process
 * of its own (getSweepPointRunner: the design point runner unless a test registered another).
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, NnftError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { eventRenderer } from '../context.js';
import { commandSignal } from '../interrupts.js';
import { runSweep, type SweepRunSummary } from '../../sweep/run-sweep.js';
import { mergeSweepShards } from '../../sweep/merge-shards.js';
import { parseShard } from '../../sweep/shard.js';
import { planSweep } from '../../sweep/plan-sweep.js';
import type { SweepPlan } from '../../sweep/expand-sweep.js';
import { getSweepPointRunner } from '../../sweep/point-runner-registry.js';
import { writeReport } from '../../report/render-report.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import { jsonErrorsHandler } from '../json-errors.js';
import type { OptionRules } from '../../io/option-rules.js';

/** nnft sweep's flags (src/cli/check-flags.ts); --shard i/n is checked by parseShard. */
const SWEEP_FLAG_RULES: OptionRules = {
  out: { kind: 'string', fix: 'name the output directory: --out DIR' },
  parallel: { kind: 'integer', min: 1, max: 256, fix: 'the default is 1; use at most one point per core' },
  shard: { kind: 'string', fix: 'write i/n with 0 <= i < n, e.g. --shard 0/4' },
};

interface SweepArgs {
  file?: string;
  out?: string;
  parallel: number;
  shard?: string;
  report: boolean;
  dryRun: boolean;
  json: boolean;
}

function describeRun(summary: SweepRunSummary, shard: string | undefined): string {
  const lines = [
    `${summary.failed ? '✖' : '✔'} sweep ${summary.name}: ${summary.selected} of ${summary.total} points${shard ? ` (shard ${shard})` : ''}: ${summary.ran} ran, ${summary.skipped} already finished, ${summary.failed} failed`,
    `  summary: ${resolve(summary.out, 'summary.csv')}`,
  ];
  if (summary.extrapolation) lines.push(`  extrapolation: ${resolve(summary.out, 'extrapolation.json')}`);
  if (summary.failed) lines.push('  rerun the same command to retry the failed points');
  return `${lines.join('\n')}\n`;
}

function describePlan(plan: SweepPlan, points: { index: number; id: string; values: Record<string, unknown> }[], shard: string | undefined): string {
  const lines = [
    `✔ sweep ${plan.name} is valid: ${plan.points.length} points (${plan.mode} over ${plan.parameters.map((parameter) => `${parameter.name} [${parameter.values.length}]`).join(', ')})${shard ? `, ${points.length} in shard ${shard}` : ''}`,
  ];
  for (const point of points) lines.push(`  ${String(point.index).padStart(4)}  ${point.id}`);
  return `${lines.join('\n')}\n`;
}

const SWEEP_FLAG_HELP: Record<string, string> = {
  out: 'output directory (one run directory per point under points/); required unless --dry-run',
  parallel: 'points run at once; each design gets cores / K worker threads unless its options set workers',
  shard: 'run one slice i/n (0-based): point k runs in shard k mod n',
};

/** nnft sweep merge's flags. */
const MERGE_FLAG_RULES: OptionRules = {
  out: { kind: 'string', fix: 'name the merged output directory: --out DIR' },
};

interface MergeArgs {
  dirs: string[];
  out: string;
  report: boolean;
  json: boolean;
}

/**
 * `nnft sweep <file>` (the default subcommand) and `nnft sweep merge <dirs..>`, each with its own
 * flags and its own --help.
 */
export function sweepCommand(context: CliContext) {
  const run = {
    command: '$0 <file>',
    describe: 'run a sweep file: one design per point, one run directory each',
    builder: (argv: Argv) =>
      declareFlags(
        argv
          .check((args) => {
            if (!args.dryRun && !args.out) throw new NnftError('E_USAGE', 'missing required argument --out', { hint: 'name the output directory: --out DIR (or check the sweep with --dry-run)' });
            return true;
          })
          .positional('file', { type: 'string', demandOption: true, describe: 'sweep JSON file (docs/sweeps-and-reports.md)' }),
        SWEEP_FLAG_RULES,
        SWEEP_FLAG_HELP,
        { parallel: { default: '1' } },
      )
        .option('report', { type: 'boolean', default: false, describe: 'write report.html into --out when done' })
        .option('dry-run', { type: 'boolean', default: false, describe: "check the sweep and list its points (and the shard's) without running anything" })
        .option('json', { type: 'boolean', default: false, describe: 'print the outcome as JSON; progress as NDJSON on stderr' })
        .example('nnft sweep examples/sweeps/phi4-1d-width-scan.json --out runs/width', 'run every point')
        .example('nnft sweep scan.json --out runs/s3 --shard 3/8', 'one task of an 8-way job array')
        .example('nnft sweep merge runs/s0 runs/s1 --out runs/all', 'join the shards (nnft sweep merge --help)'),
    handler: async (args: SweepArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, SWEEP_FLAG_RULES));
      // A bad --shard is refused before the sweep is read or anything is written.
      const shard = args.shard !== undefined ? parseShard(args.shard) : null;
      const onEvent = eventRenderer(context, args.json);
      if (args.dryRun) {
        const { plan, points } = await planSweep(resolve(context.cwd, args.file!), shard);
        context.stdout(args.json ? `${JSON.stringify({ name: plan.name, sweepHash: plan.sweepHash, total: plan.points.length, points }, null, 2)}\n` : describePlan(plan, points, args.shard));
        context.exitCode = EXIT.ok;
        return;
      }
      const out = resolve(context.cwd, args.out!);
      const runPoint = getSweepPointRunner();
      // Ctrl-C stops starting new points; points already running finish and are recorded.
      const interrupt = commandSignal(context);
      const controller = { signal: interrupt.signal };
      const onInterrupt = (): void => onEvent({ type: 'warning', message: 'interrupted: the running points stop at their next checkpoint, no new ones start (rerun to continue)' });
      interrupt.signal.addEventListener('abort', onInterrupt, { once: true });
      let summary: SweepRunSummary;
      try {
        summary = await runSweep(resolve(context.cwd, args.file!), { out, parallel: args.parallel, shard, runPoint, onEvent, signal: controller.signal });
      } finally {
        interrupt.signal.removeEventListener('abort', onInterrupt);
        interrupt.dispose();
      }
      if (controller.signal.aborted) {
        context.stdout(describeRun(summary, args.shard));
        context.exitCode = EXIT.interrupted;
        return;
      }
      if (args.report) await writeReport(out);
      context.stdout(
        args.json
          ? `${JSON.stringify({ ...summary, rows: undefined, points: summary.rows.map(({ index, id, status }) => ({ index, id, status })) }, null, 2)}\n`
          : describeRun(summary, args.shard),
      );
      context.exitCode = summary.failed ? EXIT.failure : EXIT.ok;
    },
  };
  const merge = {
    command: 'merge <dirs..>',
    describe: "join the shards' summaries of one sweep into one directory",
    builder: (argv: Argv) =>
      declareFlags(argv.positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'the shard output directories (each a --out of nnft sweep --shard i/n)' }), MERGE_FLAG_RULES, {
        out: 'directory for the merged summary.jsonl, summary.csv and, when every point is present, extrapolation.json',
      }, { out: { demandOption: true } })
        .option('report', { type: 'boolean', default: false, describe: 'write report.html into --out when done' })
        .option('json', { type: 'boolean', default: false, describe: 'print the outcome as JSON' })
        .example('nnft sweep merge runs/scan-* --out runs/scan', 'join every shard of a job array'),
    handler: async (args: MergeArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, MERGE_FLAG_RULES));
      const out = resolve(context.cwd, args.out);
      const onEvent = eventRenderer(context, args.json);
      const directories = args.dirs.map((directory) => resolve(context.cwd, directory));
      const merged = await mergeSweepShards(directories, out, { onEvent });
      if (args.report) await writeReport(out);
      context.stdout(
        args.json
          ? `${JSON.stringify({ out, rows: merged.rows.length, missing: merged.missing, extrapolation: merged.extrapolation !== null }, null, 2)}\n`
          : `✔ merged ${directories.length} shard${directories.length === 1 ? '' : 's'}: ${merged.rows.length} rows${merged.missing.length ? `, ${merged.missing.length} points missing` : ''} → ${resolve(out, 'summary.csv')}\n`,
      );
      context.exitCode = merged.missing.length ? EXIT.failure : EXIT.ok;
    },
  };
  // Subcommands are run by yargs, not by runCli: each gets the shared --json error handler here.
  const runHandler = jsonErrorsHandler(context, run.handler);
  const mergeHandler = jsonErrorsHandler(context, merge.handler);
  return {
    command: 'sweep',
    describe: 'run a sweep file (one design per point), or join the shards of one with nnft sweep merge',
    subcommands: ['merge'],
    builder: (argv: Argv) =>
      argv
        .command(run.command, run.describe, run.builder, (args) => runHandler(args as unknown as SweepArgs))
        .command(merge.command, merge.describe, merge.builder, (args) => mergeHandler(args as unknown as MergeArgs)),
    // Never called: yargs runs the default subcommand (a sweep file) or merge.
    handler: async () => {},
  };
}
