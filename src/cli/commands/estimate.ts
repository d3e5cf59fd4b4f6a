/**
 * `nnft estimate <spec.json> [--ensemble M] [--points file] [--seed S] [--workers K] [--backend B] [--json]`:
 * a thin wrapper around estimateSpec. With --json one result object (the result contract) goes to
 * stdout and progress as NDJSON to stderr; otherwise a table of value ± error per correlator.
 */
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { EXIT, NnftError, exitCodeFor, isNnftError } from '../../errors.js';
import type { CorrelatorResult } from '../../io/result.js';
import { loadSpec } from '../../spec/load-spec.js';
import { estimateSpec } from '../../spec/estimate-spec.js';

interface EstimateArgs {
  spec: string;
  ensemble?: number;
  points?: string;
  seed?: number;
  workers?: number;
  backend: BackendRequest;
  json: boolean;
}

async function readPoints(file: string, cwd: string): Promise<number[][]> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw new NnftError('E_FILE_READ', `cannot read points file ${file}: ${(error as Error).message}`, {
      file,
      hint: 'a points file is JSON: a list of points ([[0], [0.5]]) or an object with a "points" list',
    });
  }
  const points = Array.isArray(document) ? document : (document as { points?: unknown })?.points;
  const valid = Array.isArray(points) && points.length > 0 && points.every((point) => Array.isArray(point) && point.length > 0 && point.every((value) => typeof value === 'number' && Number.isFinite(value)));
  if (!valid) throw new NnftError('E_SCHEMA', `${file} does not hold a list of points`, { file, hint: 'write [[x1, ...], [x1, ...], ...] with d numbers per point' });
  return points as number[][];
}

function formatValue(value: number, error: number): string {
  if (!Number.isFinite(error) || error === 0) return value.toPrecision(6);
  const digits = Math.max(1, 2 - Math.floor(Math.log10(error)));
  return `${value.toFixed(Math.min(12, digits))} ± ${error.toFixed(Math.min(12, digits))}`;
}

export function renderEstimate(result: CorrelatorResult): string {
  const lines: string[] = [];
  lines.push(`${result.method}; backend ${result.backend}; seed ${result.seed}; ${result.ensembleSize} networks; ESS ${Math.round(result.effectiveSampleSize as number)}`);
  const reductions = result.varianceReduction as { order: number; factor: number[]; estimator: string[] }[];
  for (const block of result.correlators) {
    const reduction = reductions.find((entry) => entry.order === block.order);
    lines.push(`G_c${block.order}:`);
    block.indices.forEach((tuple, index) => {
      const where = tuple.map((point) => `x${point}`).join(',');
      const factor = reduction && reduction.estimator[index] !== 'plain' ? `   (variance reduction ${reduction.factor[index]!.toFixed(1)}x)` : '';
      lines.push(`  (${where})  ${formatValue(block.values[index]!, block.stderr[index]!)}${factor}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

export function estimateCommand(context: CliContext) {
  return {
    command: 'estimate <spec>',
    describe: "estimate a spec's ensemble connected correlators",
    builder: (argv: Argv) =>
      argv
        .positional('spec', { type: 'string', demandOption: true, describe: 'spec JSON file' })
        .option('ensemble', { type: 'number', describe: 'number of networks M (default: the spec\'s, else 100000)' })
        .option('points', { type: 'string', describe: 'JSON file with the points to use instead of the spec\'s' })
        .option('seed', { type: 'number', describe: 'root seed (default: the spec\'s, else 1)' })
        .option('workers', { type: 'number', describe: 'worker threads (default: all cores)' })
        .option('backend', { choices: BACKEND_REQUESTS as BackendRequest[], default: 'auto' as BackendRequest, describe: 'tensor backend' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result object as JSON on stdout' }),
    handler: async (args: EstimateArgs) => {
      try {
        if (args.ensemble !== undefined && !(Number.isSafeInteger(args.ensemble) && args.ensemble >= 2)) {
          throw new NnftError('E_USAGE', `--ensemble must be an integer >= 2, got ${args.ensemble}`);
        }
        if (args.seed !== undefined && !(Number.isSafeInteger(args.seed) && args.seed >= 0)) throw new NnftError('E_USAGE', `--seed must be a non-negative integer, got ${args.seed}`);
        if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) throw new NnftError('E_USAGE', `--workers must be a positive integer, got ${args.workers}`);
        const spec = await loadSpec(args.spec, { cwd: context.cwd });
        const points = args.points ? await readPoints(args.points, context.cwd) : undefined;
        const result = await estimateSpec(spec, {
          ...(args.ensemble !== undefined ? { ensembleSize: args.ensemble } : {}),
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(points ? { points } : {}),
          workers: args.workers ?? availableParallelism(),
          backend: args.backend,
          onEvent: eventRenderer(context, args.json),
        });
        context.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderEstimate(result));
        context.exitCode = EXIT.ok;
      } catch (error) {
        if (!args.json || !isNnftError(error)) throw error;
        context.stdout(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
        context.exitCode = exitCodeFor(error);
      }
    },
  };
}
