/**
 * Sharded halves merged equal the unsharded sweep, with real design point processes (opt-in:
 * NNFT_SLOW=1 npx vitest run test/slow/sweep/design-shards.test.ts; needs a built dist/, or
 * NNFT_POINT_ENTRY=<path to sweep/design-point-child.js>). Three couplings of the d = 1 phi^4 example at a tiny budget (width
 * 16, 2 steps of 600 networks, validation on 4000): the design is deterministic given its seed, so
 * summary.jsonl, summary.csv and every point's result correlators must agree byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDesignPointRunner } from '../../../src/sweep/design-point-runner.js';
import { mergeSweepShards } from '../../../src/sweep/merge-shards.js';
import { runSweep } from '../../../src/sweep/run-sweep.js';

const entry = process.env.NNFT_POINT_ENTRY ?? resolve('dist/sweep/design-point-child.js');

describe('real design sweep: shards merged equal the unsharded run', () => {
  it.skipIf(!existsSync(entry))('summary.jsonl and summary.csv agree byte for byte', { timeout: 900_000 }, async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-slow-shards-'));
    const file = join(directory, 'scan.json');
    await writeFile(
      file,
      JSON.stringify({
        nnftSweep: 1,
        name: 'tiny-coupling-scan',
        target: resolve('examples/sweeps/phi4-1d-spectral.json'),
        options: { width: 16, ensembleSize: 600, validationEnsembleSize: 4000, maxSteps: 2, tolerance: 0.5, seed: 3 },
        vary: { parameters: [{ name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.2, 0.5, 1] }] },
      }),
    );
    const runPoint = createDesignPointRunner({ entry });
    const all = await runSweep(file, { out: join(directory, 'all'), runPoint });
    expect(all.failed, JSON.stringify(all.rows.map((row) => row.error))).toBe(0);
    const s0 = await runSweep(file, { out: join(directory, 's0'), shard: { index: 0, count: 2 }, runPoint });
    const s1 = await runSweep(file, { out: join(directory, 's1'), shard: { index: 1, count: 2 }, runPoint });
    expect([s0.selected, s1.selected]).toEqual([2, 1]);
    const merged = await mergeSweepShards([join(directory, 's0'), join(directory, 's1')], join(directory, 'merged'));
    expect(merged.missing).toEqual([]);
    for (const name of ['summary.jsonl', 'summary.csv']) {
      expect(await readFile(join(directory, 'merged', name), 'utf8'), name).toBe(await readFile(join(directory, 'all', name), 'utf8'));
    }
    const rows = (await readFile(join(directory, 'all', 'summary.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(Object.keys(row.results.correlators).length).toBeGreaterThan(3);
  });
});
