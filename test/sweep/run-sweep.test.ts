import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile, rm, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { mergeSweepShards } from '../../src/sweep/merge-shards.js';
import { parseSummaryJsonl } from '../../src/sweep/summary.js';
import type { NnftEvent } from '../../src/io/events.js';
import { fakeRunner } from './fake-design.js';

const baseTarget = resolve('examples/sweeps/phi4-1d-spectral.json');

async function sweepFile(extra: Record<string, unknown> = {}): Promise<{ directory: string; file: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-run-sweep-'));
  const file = join(directory, 'scan.json');
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'grid-scan',
      target: baseTarget,
      options: { seed: 1 },
      vary: {
        parameters: [
          { name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1, 1, 6] },
          { name: 'width', pointer: '/options/width', values: [32, 64, 128] },
        ],
      },
      ...extra,
    }),
  );
  return { directory, file };
}

describe('runSweep', () => {
  it('runs every point in its own run directory and writes summary.jsonl and summary.csv in point order', async () => {
    const { directory, file } = await sweepFile();
    const out = join(directory, 'out');
    const fake = fakeRunner();
    const events: NnftEvent[] = [];
    const summary = await runSweep(file, { out, runPoint: fake.runPoint, onEvent: (event) => events.push(event) });
    expect(summary).toMatchObject({ total: 9, selected: 9, ran: 9, skipped: 0, failed: 0 });
    const rows = parseSummaryJsonl(await readFile(join(out, 'summary.jsonl'), 'utf8'));
    expect(rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[4]).toMatchObject({ status: 'finished', values: { coupling: 1, width: 64 }, results: { width: 64, parameters: { g4: 0.8 } } });
    const directories = await readdir(join(out, 'points'));
    expect(directories.sort()).toEqual(rows.map((row) => row.id).sort());
    // The point runner got a target file with the resolved coupling, inside its own directory.
    const call = fake.calls.find((entry) => entry.input.index === 4)!;
    expect(call.directory).toBe(join(out, 'points', rows[4]!.id));
    const written = JSON.parse(await readFile(call.input.targetFile, 'utf8'));
    expect(written.action.interactions[0].coupling).toBe(1);
    expect(call.input.resume).toBe(false);
    const csv = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(10);
    expect(csv[0]!.startsWith('index,id,status,coupling,width,')).toBe(true);
    expect(csv[0]).toContain('correlators.Gc2(0,1).value');
    // The design's own width (a result) next to the varied width: one header each, no repeats.
    const header = csv[0]!.split(',');
    expect(header).toContain('results.width');
    for (const name of ['status', 'width', 'coupling']) expect(header.filter((column) => column === name), name).toHaveLength(1);
    expect(events.filter((event) => event.type === 'progress').at(-1)).toMatchObject({ done: 9, total: 9 });
  });

  it('a rerun skips finished points and resumes unfinished ones in their existing directory', async () => {
    const { directory, file } = await sweepFile();
    const out = join(directory, 'out');
    const first = fakeRunner({ stopBeforeResult: new Set([2, 5]) });
    const partial = await runSweep(file, { out, runPoint: first.runPoint });
    expect(partial).toMatchObject({ ran: 7, failed: 2 });
    const failedRows = parseSummaryJsonl(await readFile(join(out, 'summary.jsonl'), 'utf8')).filter((row) => row.status === 'failed');
    expect(failedRows.map((row) => row.index)).toEqual([2, 5]);
    expect(failedRows[0]!.error!.message).toMatch(/fake failure/);

    const second = fakeRunner();
    const rerun = await runSweep(file, { out, runPoint: second.runPoint });
    expect(rerun).toMatchObject({ ran: 2, skipped: 7, failed: 0 });
    expect(second.calls.map((entry) => entry.input.index)).toEqual([2, 5]);
    expect(second.calls.every((entry) => entry.input.resume)).toBe(true);
    expect(second.calls[0]!.directory).toBe(first.calls.find((entry) => entry.input.index === 2)!.directory);
    const rows = parseSummaryJsonl(await readFile(join(out, 'summary.jsonl'), 'utf8'));
    expect(rows.every((row) => row.status === 'finished')).toBe(true);
    expect(rows).toHaveLength(9);
  });

  it('rebuilds a missing summary row from result.json', async () => {
    const { directory, file } = await sweepFile();
    const out = join(directory, 'out');
    await runSweep(file, { out, runPoint: fakeRunner().runPoint });
    const before = await readFile(join(out, 'summary.jsonl'), 'utf8');
    const id = parseSummaryJsonl(before)[3]!.id;
    await rm(join(out, 'points', id, 'sweep-row.json'));
    const again = fakeRunner();
    await runSweep(file, { out, runPoint: again.runPoint });
    expect(again.calls).toHaveLength(0);
    expect(await readFile(join(out, 'summary.jsonl'), 'utf8')).toBe(before);
  });

  it('gives each point cores / K worker threads with parallel K (at least 1; fewer points than K share the cores)', async () => {
    const { directory, file } = await sweepFile();
    const shared = fakeRunner();
    await runSweep(file, { out: join(directory, 'k3'), parallel: 3, cores: 8, runPoint: shared.runPoint });
    expect(shared.calls.map((call) => call.input.workers)).toEqual(new Array(9).fill(2));
    const alone = fakeRunner();
    await runSweep(file, { out: join(directory, 'k1'), cores: 8, runPoint: alone.runPoint });
    expect(alone.calls.map((call) => call.input.workers)).toEqual(new Array(9).fill(8));
    const crowded = fakeRunner();
    await runSweep(file, { out: join(directory, 'k16'), parallel: 16, cores: 8, runPoint: crowded.runPoint });
    // 9 points at once on 8 cores: one thread each, never 0.
    expect(crowded.calls.map((call) => call.input.workers)).toEqual(new Array(9).fill(1));
    const few = fakeRunner();
    await runSweep(file, { out: join(directory, 'few'), parallel: 4, cores: 8, shard: { index: 0, count: 4 }, runPoint: few.runPoint });
    // Shard 0/4 holds points 0, 4, 8: three at once, so 8 / 3 = 2 threads each.
    expect(few.calls.map((call) => call.input.workers)).toEqual([2, 2, 2]);
  });

  it('runs at most K points at once with parallel K, and gives the same summary as a sequential run', async () => {
    const { directory, file } = await sweepFile();
    const sequential = fakeRunner({ delayMs: 20 });
    await runSweep(file, { out: join(directory, 'sequential'), runPoint: sequential.runPoint });
    const parallel = fakeRunner({ delayMs: 20 });
    await runSweep(file, { out: join(directory, 'parallel'), parallel: 3, runPoint: parallel.runPoint });
    expect(sequential.maxConcurrent()).toBe(1);
    expect(parallel.maxConcurrent()).toBe(3);
    for (const name of ['summary.jsonl', 'summary.csv']) {
      expect(await readFile(join(directory, 'parallel', name), 'utf8')).toBe(await readFile(join(directory, 'sequential', name), 'utf8'));
    }
  });

  it('refuses an output directory that holds a different sweep', async () => {
    const { directory, file } = await sweepFile();
    const out = join(directory, 'out');
    await runSweep(file, { out, runPoint: fakeRunner().runPoint });
    const other = await sweepFile({ name: 'another-scan' });
    await expect(runSweep(other.file, { out, runPoint: fakeRunner().runPoint })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('an edited sweep reuses the finished runs of its unchanged points', async () => {
    const { directory, file } = await sweepFile();
    const out = join(directory, 'out');
    await runSweep(file, { out, runPoint: fakeRunner().runPoint });
    const sweep = JSON.parse(await readFile(file, 'utf8'));
    sweep.vary.parameters[1].values.push(256);
    await writeFile(file, JSON.stringify(sweep));
    const events: NnftEvent[] = [];
    const extended = fakeRunner();
    const summary = await runSweep(file, { out, runPoint: extended.runPoint, onEvent: (event) => events.push(event) });
    expect(summary).toMatchObject({ total: 12, ran: 3, skipped: 9 });
    expect(extended.calls.map((entry) => entry.input.values.width)).toEqual([256, 256, 256]);
    expect(events.some((event) => event.type === 'info' && /9 of 12 points are unchanged/.test(event.message))).toBe(true);
    const rows = parseSummaryJsonl(await readFile(join(out, 'summary.jsonl'), 'utf8'));
    expect(rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('shards and merge', () => {
  it('two shards merged equal the unsharded sweep, byte for byte, and duplicates are refused', async () => {
    const { directory, file } = await sweepFile();
    await runSweep(file, { out: join(directory, 'all'), runPoint: fakeRunner().runPoint });
    const shard0 = fakeRunner();
    const shard1 = fakeRunner();
    await runSweep(file, { out: join(directory, 's0'), shard: { index: 0, count: 2 }, runPoint: shard0.runPoint });
    await runSweep(file, { out: join(directory, 's1'), shard: { index: 1, count: 2 }, runPoint: shard1.runPoint });
    expect(shard0.calls.map((entry) => entry.input.index)).toEqual([0, 2, 4, 6, 8]);
    expect(shard1.calls.map((entry) => entry.input.index)).toEqual([1, 3, 5, 7]);
    const merged = await mergeSweepShards([join(directory, 's1'), join(directory, 's0')], join(directory, 'merged'));
    expect(merged.missing).toEqual([]);
    for (const name of ['summary.jsonl', 'summary.csv']) {
      expect(await readFile(join(directory, 'merged', name), 'utf8')).toBe(await readFile(join(directory, 'all', name), 'utf8'));
    }
    await expect(mergeSweepShards([join(directory, 's0'), join(directory, 's0')], join(directory, 'twice'))).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/more than one shard/),
    });
  });

  it('reports missing points and refuses shards of another sweep', async () => {
    const { directory, file } = await sweepFile();
    await runSweep(file, { out: join(directory, 's0'), shard: { index: 0, count: 3 }, runPoint: fakeRunner().runPoint });
    const merged = await mergeSweepShards([join(directory, 's0')], join(directory, 'merged'));
    expect(merged.missing).toEqual([1, 2, 4, 5, 7, 8]);
    const other = await sweepFile({ options: { seed: 9 } });
    await runSweep(other.file, { out: join(other.directory, 'o'), shard: { index: 1, count: 3 }, runPoint: fakeRunner().runPoint });
    await expect(mergeSweepShards([join(directory, 's0'), join(other.directory, 'o')], join(directory, 'bad'))).rejects.toThrow(/different sweep/);
  });

  it('a width sweep writes extrapolation.json once every point is finished (after a merge for shards)', async () => {
    const { directory, file } = await sweepFile({ extrapolate: { parameter: 'width' } });
    const all = await runSweep(file, { out: join(directory, 'all'), runPoint: fakeRunner().runPoint });
    expect(all.extrapolation!.groups).toHaveLength(3);
    const group = all.extrapolation!.groups.find((entry) => entry.values.coupling === 1)!;
    const g2 = group.observables.find((entry) => entry.name === 'Gc2(0,1)')!;
    // The fake bias is exactly 0.3/N, so the fit recovers the target exactly.
    expect(g2.fit.value).toBeCloseTo(g2.target!, 10);
    expect(g2.fit.coefficients[1]).toBeCloseTo(0.3, 8);
    await runSweep(file, { out: join(directory, 's0'), shard: { index: 0, count: 2 }, runPoint: fakeRunner().runPoint });
    expect(existsSync(join(directory, 's0', 'extrapolation.json'))).toBe(false);
    await runSweep(file, { out: join(directory, 's1'), shard: { index: 1, count: 2 }, runPoint: fakeRunner().runPoint });
    await mergeSweepShards([join(directory, 's0'), join(directory, 's1')], join(directory, 'merged'));
    expect(await readFile(join(directory, 'merged', 'extrapolation.json'), 'utf8')).toBe(await readFile(join(directory, 'all', 'extrapolation.json'), 'utf8'));
  });
});
