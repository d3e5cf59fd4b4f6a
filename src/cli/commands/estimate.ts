/**
 * `nnft estimate <spec.json> [--ensemble M] [--points file] [--seed S] [--workers K] [--backend B] [--json]`:
 * a thin wrapper around estimateSpec; with `--shard i/n --out DIR` around estimateSpecShard (one
 * slice's moment sums to DIR), and `nnft estimate merge <paths..>` around mergeEstimateShards. With --json one result object (the result contract) goes to
 * stdout and progress as NDJSON to stderr; otherwise a table of value ± error per correlator.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { EXIT, NnftError } from '../../errors.js';
import { readPointsFile } from '../../io/points-file.js';
import type { CorrelatorResult } from '../../io/result.js';
import { loadSpec } from '../../spec/load-spec.js';
import { estimateSpec } from '../../spec/estimate-spec.js';
import { estimateSpecShard, mergeEstimateShards, readEstimateShards, writeEstimateShard, type EstimateShardFile } from '../../spec/estimate-shard.js';
import { parseShard } from '../../sweep/shard.js';
import { writeJsonAtomic } from '../../io/atomic-write.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import { jsonErrorsHandler } from '../json-errors.js';
import type { OptionRules } from '../../io/option-rules.js';

/** nnft estimate's flags (src/cli/check-flags.ts). */
const ESTIMATE_FLAG_RULES: OptionRules = {
  ensemble: { kind: 'integer', min: 2, max: 1_000_000_000, fix: 'the default is 100000 (or the spec\'s estimation.ensembleSize)' },
  points: { kind: 'string', fix: 'name a JSON file of points, e.g. --points points.json' },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: 'a seed is a whole number >= 0' },
  workers: { kind: 'integer', min: 1, max: 1024, fix: 'the default is every core' },
  backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] },
  shard: { kind: 'string', fix: 'write i/n with 0 <= i < n, e.g. --shard 0/4' },
  out: { kind: 'string', fix: 'name the directory for the shard\'s sums: --out DIR' },
};

interface EstimateArgs {
  spec: string;
  ensemble?: number;
  points?: string;
  seed?: number;
  workers?: number;
  backend: BackendRequest;
  shard?: string;
  out?: string;
  json: boolean;
}

function formatValue(value: number, error: number): string {
  if (!Number.isFinite(error) || error === 0) return value.toPrecision(6);
  const digits = Math.max(1, 2 - Math.floor(Math.log10(error)));
  return `${value.toFixed(Math.min(12, digits))} ± ${error.toFixed(Math.min(12, digits))}`;
}

export function renderEstimate(result: CorrelatorResult): string {
  const lines: string[] = [];
  lines.push(`${result.method}; backend ${result.backend}; seed ${result.seed}; ${result.ensembleSize} networks; ESS ${Math.round(result.effectiveSampleSize as number)}`);
  const reductions = result.varianceReduction as { order: number; factor: (number | null)[]; estimator: string[] }[];
  for (const block of result.correlators) {
    const reduction = reductions.find((entry) => entry.order === block.order);
    lines.push(`G_c${block.order}:`);
    block.indices.forEach((tuple, index) => {
      const where = tuple.map((point) => `x${point}`).join(',');
      const reductionFactor = reduction?.factor[index];
      const factor = reduction && reduction.estimator[index] !== 'plain' ? `   (variance reduction ${reductionFactor === null || reductionFactor === undefined ? 'exact' : `${reductionFactor.toFixed(1)}x`})` : '';
      lines.push(`  (${where})  ${formatValue(block.values[index]!, block.stderr[index]!)}${factor}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** nnft estimate merge's flags. */
const MERGE_FLAG_RULES: OptionRules = {
  out: { kind: 'string', fix: 'name a directory for estimate.json: --out DIR' },
};

interface EstimateMergeArgs {
  paths: string[];
  out?: string;
  json: boolean;
}

/** The merged result's file in `nnft estimate merge --out DIR`. */
export const MERGED_ESTIMATE_FILE = 'estimate.json';

function describeShard(file: EstimateShardFile, path: string): string {
  const batches = file.batches.map((entry) => entry.batch);
  return (
    `✔ shard ${file.shard.index}/${file.shard.count} of ${file.spec.name}: ${file.networks} of ${file.ensembleSize} networks (${file.chunks} chunks, batches ${batches.join(', ')}); backend ${file.backend}; seed ${file.seed}\n` +
    `  sums: ${path}\n` +
    '  join every shard with nnft estimate merge\n'
  );
}

export function estimateCommand(context: CliContext) {
  const run = {
    command: '$0 <spec>',
    describe: "estimate a spec's ensemble connected correlators (or one shard of the estimate)",
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('spec', { type: 'string', demandOption: true, describe: 'spec JSON file' }),
        ESTIMATE_FLAG_RULES,
        {
          ensemble: 'number of networks M',
          points: "JSON file with the points to use instead of the spec's",
          seed: 'root seed',
          workers: 'worker threads',
          backend: 'tensor backend (nnft doctor shows which run here)',
          shard: 'draw one slice i/n (0-based) of the estimate: the batches b with b mod n = i; needs --out',
          out: 'directory for the shard\'s sums (estimate-shard-<i>-of-<n>.json); without --shard the whole estimate as shard 0/1',
        },
        {
          backend: { default: 'auto' },
          ensemble: { defaultDescription: "the spec's, else 100000" },
          points: { defaultDescription: "the spec's" },
          seed: { defaultDescription: "the spec's, else 1" },
          workers: { defaultDescription: 'every core' },
        },
      )
        .option('json', { type: 'boolean', default: false, describe: 'print the result object (with --out: the shard\'s provenance) as JSON on stdout' })
        .example('nnft estimate examples/specs/cos-net-free-1d.json --ensemble 100000', 'the whole estimate, here')
        .example('nnft estimate spec.json --shard 3/8 --out runs/est', 'one task of an 8-way job array')
        .example('nnft estimate merge runs/est', 'join the shards (nnft estimate merge --help)'),
    handler: async (args: EstimateArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, ESTIMATE_FLAG_RULES));
      // A bad --shard is refused before the spec is read or anything is drawn.
      const shard = args.shard !== undefined ? parseShard(args.shard) : args.out !== undefined ? { index: 0, count: 1 } : null;
      if (shard && args.out === undefined) {
        throw new NnftError('E_USAGE', '--shard needs --out', { hint: 'name the directory for the shard\'s sums: --shard 0/4 --out runs/estimate (one directory for every shard works)' });
      }
      const spec = await loadSpec(args.spec, { cwd: context.cwd });
      const points = args.points ? await readPointsFile(args.points, context.cwd, spec.dimension) : undefined;
      const options = {
        ...(args.ensemble !== undefined ? { ensembleSize: args.ensemble } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(points ? { points } : {}),
        workers: args.workers ?? availableParallelism(),
        backend: args.backend,
        onEvent: eventRenderer(context, args.json),
        ...(context.signal ? { signal: context.signal } : {}),
      };
      if (shard) {
        const file = await estimateSpecShard(spec, { ...options, shard });
        const path = await writeEstimateShard(resolve(context.cwd, args.out!), file);
        const { batches: _sums, spec: _spec, ...provenance } = file;
        context.stdout(args.json ? `${JSON.stringify({ file: path, ...provenance, batches: file.batches.map((entry) => entry.batch) }, null, 2)}\n` : describeShard(file, path));
        context.exitCode = EXIT.ok;
        return;
      }
      const result = await estimateSpec(spec, options);
      context.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderEstimate(result));
      context.exitCode = EXIT.ok;
    },
  };
  const merge = {
    command: 'merge <paths..>',
    describe: 'join the shards of one estimate (nnft estimate --shard i/n --out DIR) into its result',
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('paths', { type: 'string', array: true, demandOption: true, describe: 'shard directories (every estimate-shard-*.json in them) or shard files' }),
        MERGE_FLAG_RULES,
        { out: `directory to write the merged result into (${MERGED_ESTIMATE_FILE})` },
        { out: { defaultDescription: 'stdout only' } },
      )
        .option('json', { type: 'boolean', default: false, describe: 'print the result object as JSON on stdout' })
        .example('nnft estimate merge runs/est --json', 'every shard in one directory')
        .example('nnft estimate merge runs/est-* --out runs/merged', 'one directory per shard'),
    handler: async (args: EstimateMergeArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, MERGE_FLAG_RULES));
      const shards = await readEstimateShards(args.paths.map((path) => resolve(context.cwd, path)));
      const result = await mergeEstimateShards(shards);
      if (args.out !== undefined) await writeJsonAtomic(join(resolve(context.cwd, args.out), MERGED_ESTIMATE_FILE), result);
      context.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderEstimate(result));
      context.exitCode = EXIT.ok;
    },
  };
  // Subcommands are run by yargs, not by runCli: each gets the shared --json error handler here.
  const runHandler = jsonErrorsHandler(context, run.handler);
  const mergeHandler = jsonErrorsHandler(context, merge.handler);
  return {
    command: 'estimate',
    describe: "estimate a spec's ensemble connected correlators, or join the shards of one with nnft estimate merge",
    subcommands: ['merge'],
    builder: (argv: Argv) =>
      argv
        .command(run.command, run.describe, run.builder, (args) => runHandler(args as unknown as EstimateArgs))
        .command(merge.command, merge.describe, merge.builder, (args) => mergeHandler(args as unknown as EstimateMergeArgs)),
    // Never called: yargs runs the default subcommand (a spec file) or merge.
    handler: async () => {},
  };
}
