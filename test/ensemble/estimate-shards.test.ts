/**
 * Estimates split across machines: shard i of n draws the batches b mod n = i; the merge puts the
 * batches side by side and finishes them as an unsharded run does, so the merged result equals the
 * unsharded one TO THE BIT (Object.is on every number: values, errors, replicates, ESS, variance
 * reductions), whatever the shard count, the workers per shard, and the merge's own backend.
 * Mismatched, duplicated or missing shards are refused.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planChunks, shardBatches, shardChunks } from '../../src/ensemble/chunk-plan.js';
import { loadSpec, parseSpecText } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import type { NnftSpec } from '../../src/spec/spec.js';
import {
  decodeFloat,
  encodeFloat,
  estimateSpecShard,
  mergeEstimateShards,
  readEstimateShards,
  writeEstimateShard,
  type EstimateShardFile,
  type LoadedEstimateShard,
} from '../../src/spec/estimate-shard.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const builtWorker = existsSync(join(root, 'dist/ensemble/ensemble-worker.js'));

/** Every leaf equal by Object.is (so -0 differs from 0 and NaN equals NaN); the first difference's path. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) ? null : `${path}: ${a} vs ${b}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** The result without what a merge legitimately reports differently (timing, thread totals, its provenance). */
function comparable(result: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, workers: _w, shards: _shards, ...rest } = result;
  return rest;
}

async function shardsOf(spec: NnftSpec, count: number, options: { ensembleSize: number; seed: number; workers?: (index: number) => number }): Promise<LoadedEstimateShard[]> {
  const shards: LoadedEstimateShard[] = [];
  for (let index = 0; index < count; index++) {
    const file = await estimateSpecShard(spec, { ensembleSize: options.ensembleSize, seed: options.seed, backend: 'wasm', workers: options.workers?.(index) ?? 1, shard: { index, count } });
    shards.push({ path: `shard-${index}`, file });
  }
  return shards;
}

const freeSpec = () => loadSpec(join(root, 'examples/specs/cos-net-free-1d.json'));
const deformedSpec = () => loadSpec(join(root, 'examples/specs/cos-net-phi4-1d.json'));

/** An exactly Gaussian base (quadrature momenta, Gaussian amplitude pairs) with a local deformation: the first-order control variate applies. */
function firstOrderSpec(): NnftSpec {
  return parseSpecText(
    JSON.stringify({
      nnftSpec: 1,
      name: 'first-order-shards',
      dimension: 1,
      architecture: { kind: 'cos-net', width: 24, mass: 1, momentumCutoff: 6, alpha: 0, amplitude: { law: 'kurtosis', kurtosis: 2 }, momentumSampling: 'quadrature' },
      deformation: { region: { kind: 'box', side: 3 }, terms: [{ kind: 'local', power: 4, coupling: 0.8, wickOrdered: true }], modeCutoff: 4 },
      observables: { points: [[0], [0.4], [1.1]], connected: [2, 4] },
      estimation: { batches: 8 },
    }),
  );
}

describe('the shard plan', () => {
  it('partitions the batches and the chunks: every chunk in exactly one shard, with its whole batch', () => {
    const plan = planChunks(100_003, 700, 32);
    for (const count of [1, 3, 7, 32]) {
      const owner = new Map<number, number>();
      for (let index = 0; index < count; index++) {
        const batches = new Set(shardBatches(plan, { index, count }));
        for (const chunk of shardChunks(plan, { index, count })) {
          expect(owner.has(chunk)).toBe(false);
          owner.set(chunk, index);
          expect(batches.has(chunk % plan.batchCount)).toBe(true);
        }
      }
      expect([...owner.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: plan.chunkCount }, (_, c) => c));
    }
  });

  it('stores every float64 exactly, -0, NaN and the infinities included', () => {
    for (const value of [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, -1.2345678901234567e-300]) {
      const back = decodeFloat(JSON.parse(JSON.stringify(encodeFloat(value))), 'x');
      expect(Object.is(back, value), String(value)).toBe(true);
    }
    expect(() => decodeFloat('1.5', 'x')).toThrow(/not a float64/);
  });
});

describe('merged shards equal the unsharded estimate to the bit', () => {
  it('free cos-net, 4 shards (4000 networks, 32 batches); the comparison itself sees a changed seed', async () => {
    const spec = await freeSpec();
    const unsharded = await estimateSpec(spec, { ensembleSize: 4000, seed: 3, backend: 'wasm' });
    const merged = await mergeEstimateShards(await shardsOf(spec, 4, { ensembleSize: 4000, seed: 3 }));
    expect(firstDifference(comparable(merged), comparable(unsharded))).toBeNull();
    expect(merged.shards).toMatchObject({ count: 4, backend: 'wasm' });
    // Negative control: one shard drawn with another seed is refused, and another seed's estimate differs.
    const other = await estimateSpec(spec, { ensembleSize: 4000, seed: 4, backend: 'wasm' });
    expect(firstDifference(comparable(other), comparable(unsharded))).not.toBeNull();
  });

  it.skipIf(!builtWorker)('deformed (importance weights, control variate, symmetry images), 3 shards, one over 2 worker threads, merged on the cpu backend', async () => {
    const spec = await deformedSpec();
    const unsharded = await estimateSpec(spec, { ensembleSize: 2400, seed: 5, backend: 'wasm' });
    expect(unsharded.method).toMatch(/importance sampling/);
    expect(unsharded.symmetryImages).toBeGreaterThan(1);
    const shards = await shardsOf(spec, 3, { ensembleSize: 2400, seed: 5, workers: (index) => (index === 1 ? 2 : 1) });
    const merged = await mergeEstimateShards(shards, { backend: 'cpu' });
    expect(firstDifference(comparable(merged), comparable(unsharded))).toBeNull();
    expect(merged.backend).toBe('wasm');
    expect(merged.workers).toBe(4);
  });

  it('first-order control variate (exactly Gaussian base), 8 shards of 8 batches, through shard files on disk', async () => {
    const spec = firstOrderSpec();
    const unsharded = await estimateSpec(spec, { ensembleSize: 1600, seed: 2, backend: 'wasm' });
    const estimators = (unsharded.varianceReduction as { estimator: string[] }[]).flatMap((order) => order.estimator);
    expect(estimators.some((estimator) => estimator.includes('first-order'))).toBe(true);
    const directory = await mkdtemp(join(tmpdir(), 'nnft-estimate-shards-'));
    for (const { file } of await shardsOf(spec, 8, { ensembleSize: 1600, seed: 2 })) await writeEstimateShard(directory, file);
    const merged = await mergeEstimateShards(await readEstimateShards([directory]));
    expect(firstDifference(comparable(merged), comparable(unsharded))).toBeNull();
  });
});

describe('mismatched shards are refused', () => {
  const refuse = async (shards: LoadedEstimateShard[], message: RegExp) => {
    await expect(mergeEstimateShards(shards)).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(message) });
  };
  const edit = (shard: LoadedEstimateShard, change: (file: EstimateShardFile) => EstimateShardFile, path = `${shard.path}-edited`): LoadedEstimateShard => ({
    path,
    file: change(structuredClone(shard.file)),
  });

  it('different spec, seed, ensemble size, n, backend; duplicates; missing shards; a tampered file; n > B', async () => {
    const spec = await freeSpec();
    const shards = await shardsOf(spec, 3, { ensembleSize: 1200, seed: 1 });
    const [a, b, c] = shards as [LoadedEstimateShard, LoadedEstimateShard, LoadedEstimateShard];
    await expect(mergeEstimateShards([a, b, c])).resolves.toBeTruthy();

    const otherSpec = { ...spec, architecture: { ...spec.architecture, width: 5 } } as NnftSpec;
    const foreign = (await estimateSpecShard(otherSpec, { ensembleSize: 1200, seed: 1, backend: 'wasm', shard: { index: 2, count: 3 } }));
    await refuse([a, b, { path: 'foreign', file: foreign }], /different estimates: spec hashes/);
    const reseeded = await estimateSpecShard(spec, { ensembleSize: 1200, seed: 2, backend: 'wasm', shard: { index: 2, count: 3 } });
    await refuse([a, b, { path: 'reseeded', file: reseeded }], /different estimates: seeds 2 and 1/);
    const resized = await estimateSpecShard(spec, { ensembleSize: 1500, seed: 1, backend: 'wasm', shard: { index: 2, count: 3 } });
    await refuse([a, b, { path: 'resized', file: resized }], /different estimates: ensemble sizes 1500 and 1200/);
    const ofFour = await estimateSpecShard(spec, { ensembleSize: 1200, seed: 1, backend: 'wasm', shard: { index: 2, count: 4 } });
    await refuse([a, b, { path: 'of-four', file: ofFour }], /different estimates: shard counts n 4 and 3/);
    await refuse([a, b, edit(c, (file) => ({ ...file, backend: 'cpu' }))], /different estimates: backends "cpu" and "wasm"/);
    await refuse([a, b, c, edit(b, (file) => file)], /shard 1\/3 is given twice: shard-1 and shard-1-edited/);
    await refuse([a, c], /1 of 3 shards missing: 1\/3/);
    await refuse([a, b, edit(c, (file) => ({ ...file, spec: { ...file.spec, name: 'renamed' } }))], /does not match its own spec hash/);
    await refuse([a, b, edit(c, (file) => ({ ...file, batches: file.batches.slice(1) }))], /does not hold the batches/);
    await expect(estimateSpecShard(spec, { ensembleSize: 1200, seed: 1, backend: 'wasm', shard: { index: 0, count: 33 } })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/33 shards, but the estimate has only 32 batches/),
      hint: expect.stringMatching(/estimation\.batches/),
    });
  });

  it('reads directories and files, and refuses a directory without shards and a damaged file', async () => {
    const spec = await freeSpec();
    const directory = await mkdtemp(join(tmpdir(), 'nnft-estimate-shards-'));
    const [first, second] = await shardsOf(spec, 2, { ensembleSize: 600, seed: 1 });
    const path0 = await writeEstimateShard(directory, first!.file);
    const other = await mkdtemp(join(tmpdir(), 'nnft-estimate-shards-'));
    const path1 = await writeEstimateShard(other, second!.file);
    expect((await readEstimateShards([directory, path1])).map((shard) => shard.path)).toEqual([path0, path1]);
    const empty = await mkdtemp(join(tmpdir(), 'nnft-estimate-empty-'));
    await expect(readEstimateShards([empty])).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/holds no estimate shards/) });
    await writeFile(path1, (await readFile(path1, 'utf8')).slice(0, 100));
    await expect(readEstimateShards([path1])).rejects.toMatchObject({ code: 'E_JSON_SYNTAX' });
  });
});

describe('nnft estimate --shard and nnft estimate merge', () => {
  const spec = 'examples/specs/cos-net-free-1d.json';
  const cliRun = async (argv: string[]) => {
    const { runCli } = await import('../../src/cli/run-cli.js');
    const { captureCli } = await import('../helpers/cli-capture.js');
    const cli = captureCli(root);
    const code = await runCli(argv, cli);
    return { code, out: cli.out, err: cli.err };
  };

  it('writes one shard file per --shard, merges them into the unsharded --json result, and refuses bad shards with exit 2', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-estimate-cli-'));
    const common = ['--ensemble', '1600', '--seed', '6', '--workers', '1', '--backend', 'wasm'];
    for (const index of [0, 1]) {
      const ran = await cliRun(['estimate', spec, ...common, '--shard', `${index}/2`, '--out', directory, '--json']);
      expect(ran.code, ran.err).toBe(0);
      expect(JSON.parse(ran.out)).toMatchObject({ file: join(directory, `estimate-shard-${index}-of-2.json`), shard: { index, count: 2 }, seed: 6, backend: 'wasm', networks: 800 });
    }
    const merged = await cliRun(['estimate', 'merge', directory, '--json', '--out', join(directory, 'merged')]);
    expect(merged.code, merged.err).toBe(0);
    const whole = await cliRun(['estimate', spec, ...common, '--json']);
    expect(comparable(JSON.parse(merged.out))).toEqual(comparable(JSON.parse(whole.out)));
    expect(JSON.parse(await readFile(join(directory, 'merged', 'estimate.json'), 'utf8'))).toEqual(JSON.parse(merged.out));
    // --out alone: the whole estimate as shard 0/1.
    const single = await mkdtemp(join(tmpdir(), 'nnft-estimate-cli-'));
    expect((await cliRun(['estimate', spec, ...common, '--out', single])).code).toBe(0);
    expect(await readdir(single)).toEqual(['estimate-shard-0-of-1.json']);
    const alone = await cliRun(['estimate', 'merge', single, '--json']);
    expect(comparable(JSON.parse(alone.out))).toEqual(comparable(JSON.parse(whole.out)));

    // A shard of another seed in the same directory: refused, exit 2, both paths named.
    const stray = await mkdtemp(join(tmpdir(), 'nnft-estimate-cli-'));
    expect((await cliRun(['estimate', spec, ...common.slice(0, 2), '--seed', '7', '--workers', '1', '--backend', 'wasm', '--shard', '1/2', '--out', stray])).code).toBe(0);
    const mixed = await cliRun(['estimate', 'merge', join(directory, 'estimate-shard-0-of-2.json'), stray]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/are shards of different estimates: seeds 7 and 6/);
    const twice = await cliRun(['estimate', 'merge', directory, join(directory, 'estimate-shard-1-of-2.json')]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/shard 1\/2 is given twice/);
  });

  it('refuses --shard without --out, a malformed or out-of-range shard, and more shards than batches, before drawing anything', async () => {
    const noOut = await cliRun(['estimate', spec, '--shard', '0/2']);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/--shard needs --out/);
    for (const shard of ['2/2', 'a/b', '1']) {
      const bad = await cliRun(['estimate', spec, '--shard', shard, '--out', tmpdir()]);
      expect(bad.code, shard).toBe(2);
      expect(bad.err).toMatch(/--shard/);
    }
    const directory = await mkdtemp(join(tmpdir(), 'nnft-estimate-cli-'));
    const tooMany = await cliRun(['estimate', spec, '--ensemble', '1600', '--workers', '1', '--backend', 'wasm', '--shard', '0/40', '--out', directory]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.err).toMatch(/40 shards, but the estimate has only 32 batches/);
    expect(await readdir(directory)).toEqual([]);
  });
});
