/**
 * `nnft action` on a correlators file that carries jackknife replicates (docs/reconstruct.md, "The `nnft action` command"): the
 * replicates stand in for per-batch estimates (jackknife errors for the vertex and every fit), the
 * fits minimise the correlated chi^2, and --no-correlated weights each value by its own error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { batchesFromReplicates } from '../../src/reconstruct/action-replicas.js';
import type { ActionReport } from '../../src/reconstruct/run-action.js';
import { indexTuples, RESULT_VERSION, type CorrelatorBlock, type CorrelatorResult } from '../../src/io/result.js';
import { freePropagator1d, localQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';
import { Rng } from '../../src/random/index.js';
import { captureCli } from '../helpers/cli-capture.js';

const lambda = 0.5;
// 4 points: 35 G_c4 values, so 700 batches give the 20 per value a correlated fit needs
const x = [-1.2, -0.4, 0.8, 2.4];
const batchCount = 700;

/**
 * Tree-level local phi^4 with Monte Carlo-like noise over 700 batches: a fluctuation shared by every
 * G_c4 value along the local shape (the values share networks) plus 0.3% independent noise.
 */
function noisyResult(): { result: CorrelatorResult; batches: number[][][] } {
  const rng = Rng.fromTree(3, 'test/action/replicates');
  const tuples2 = indexTuples(x.length, 2);
  const tuples4 = indexTuples(x.length, 4);
  const exact2 = tuples2.map(([a, b]) => freePropagator1d(1, x[a]! - x[b]!));
  const shape4 = tuples4.map((tuple) => localQuarticTree1d(tuple.map((i) => x[i]!), 1));
  const batches = Array.from({ length: batchCount }, () => {
    const shared = 0.1 * rng.normal();
    return [
      exact2.map((value) => value * (1 + 0.002 * rng.normal())),
      shape4.map((value) => (lambda + shared) * value + 0.003 * Math.abs(lambda * value) * rng.normal()),
    ];
  });
  const block = (order: number, indices: number[][], k: number): CorrelatorBlock => {
    const values = indices.map((_, i) => batches.reduce((sum, batch) => sum + batch[k]![i]!, 0) / batchCount);
    const replicates = indices.map((_, i) => batches.map((batch) => (values[i]! * batchCount - batch[k]![i]!) / (batchCount - 1)));
    const stderr = replicates.map((row) => {
      const mean = row.reduce((sum, value) => sum + value, 0) / batchCount;
      return Math.sqrt(((batchCount - 1) / batchCount) * row.reduce((sum, value) => sum + (value - mean) ** 2, 0));
    });
    return { order, indices, values, stderr, replicates };
  };
  return {
    result: {
      nnftResult: RESULT_VERSION,
      kind: 'ensemble-correlators',
      points: x.map((value) => [value]),
      correlators: [block(2, tuples2, 0), block(4, tuples4, 1)],
      method: 'synthetic batches (test)',
    },
    batches,
  };
}

async function action(args: string[]) {
  const context = captureCli(process.cwd());
  const code = await runCli(['action', ...args], context);
  return { code, out: context.out, err: context.err };
}

describe('nnft action on a file with jackknife replicates', () => {
  const { result, batches } = noisyResult();
  const dir = mkdtempSync(join(tmpdir(), 'nnft-action-replicates-'));
  const file = join(dir, 'correlators.json');
  writeFileSync(file, JSON.stringify(result));

  it('the replicates give back the batches exactly', () => {
    const made = batchesFromReplicates(result);
    if (!('batches' in made)) throw new Error(made.reason);
    expect(made.count).toBe(batchCount);
    made.batches.forEach((batch, b) => {
      batch.fourPoint.values.forEach((value, i) => expect(value).toBeCloseTo(batches[b]![1]![i]!, 12));
      batch.twoPoint.values.forEach((value, i) => expect(value).toBeCloseTo(batches[b]![0]![i]!, 12));
    });
  });

  it('jackknife errors, correlated fits, lambda recovered; --no-correlated falls back to diagonal weights', async () => {
    const common = ['--json', '--workers', '1', '--candidates', 'local,local+derivative', '--mass', '1'];
    const { code, out } = await action([file, ...common]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as ActionReport;
    expect(report.notes.join(' ')).toMatch(/jackknife replicates over 700 batches; .*at least 20 batches per fitted value/);
    const local = report.forwardFit!.fits.find((fit) => fit.name === 'local')!;
    expect(local.errors.method).toBe('jackknife');
    expect(local.weights.kind).toBe('correlated');
    expect(local.weights.batches).toBe(batchCount);
    // the shared fluctuation dominates: the error of lambda is ~0.1/sqrt(700) = 0.0038
    expect(local.couplings[0]!.stderr).toBeGreaterThan(0.0025);
    expect(local.couplings[0]!.stderr).toBeLessThan(0.0055);
    expect(Math.abs(local.couplings[0]!.value - lambda) / local.couplings[0]!.stderr).toBeLessThan(3);
    expect(report.cluster!.weights.kind).toBe('correlated');
    expect(report.amputation!.diagonalCouplingErrors).toBeDefined();
    // an irregular 4-point row: the vertex spread is not a locality test here, the cluster curve is
    expect(report.cluster!.violatesClustering).toBe(false);
    expect(report.verdict.summary).toMatch(/clusters/);

    const plain = JSON.parse((await action([file, ...common, '--no-correlated'])).out) as ActionReport;
    const plainLocal = plain.forwardFit!.fits.find((fit) => fit.name === 'local')!;
    expect(plainLocal.weights.kind).toBe('diagonal');
    expect(plainLocal.errors.method).toBe('jackknife');
    expect(plain.cluster!.weights.kind).toBe('diagonal');
    // the diagonally weighted fit's own error misses the shared fluctuation; the correlated one sees it
    expect(plainLocal.fitStderr[0]!).toBeLessThan(0.5 * local.fitStderr[0]!);
  });
});
