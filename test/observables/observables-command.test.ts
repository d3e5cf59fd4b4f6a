/**
 * `nnft observables` end to end: a lattice target result (replicates in every block, C(t) measured on
 * the field) passes the result schema when read back, and its C(t) from the points agrees with the
 * field's; an exact result gives C(t) = e^{-m t}/(2m); a file without the origin exits 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { ObservablesReport } from '../../src/observables/observables-report.js';
import type { CorrelatorResult } from '../../src/io/result.js';
import { captureCli } from '../helpers/cli-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'nnft-observables-'));

async function cli(args: string[]) {
  const context = captureCli(dir);
  const code = await runCli(args, context);
  return { code, out: context.out, err: context.err };
}

function target(name: string, points: number[][], targetCorrelators: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      nnftTarget: 1,
      name,
      dimension: 1,
      action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [] },
      regulator: { momentumCutoff: null },
      observables: { points, connected: [2] },
      targetCorrelators,
    }),
  );
  return file;
}

describe('nnft observables', () => {
  it('a lattice result: C(t) from the field and from the points agree; the text table and the target text show it', async () => {
    const points = Array.from({ length: 8 }, (_, n) => [n * 0.25]);
    const file = target('lattice-free', points, { method: 'lattice', spacing: 0.25, sites: 32, trajectories: 400, thermalization: 20, seed: 4 });
    const run = await cli(['target', file, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as CorrelatorResult;
    expect(result.correlators[0]!.replicates).toBeDefined();
    const resultFile = join(dir, 'lattice-result.json');
    writeFileSync(resultFile, run.out);
    const observed = await cli(['observables', resultFile, '--json']);
    expect(observed.code).toBe(0);
    const report = JSON.parse(observed.out) as ObservablesReport;
    expect(report.nnftObservables).toBe(1);
    expect(report.timeSlices.map((slice) => slice.source)).toEqual(['lattice-field', 'points']);
    const [field, fromPoints] = report.timeSlices as [ObservablesReport['timeSlices'][0], ObservablesReport['timeSlices'][0]];
    fromPoints.times.forEach((time, i) => {
      const k = field.times.findIndex((t) => Math.abs(t - time) < 1e-12);
      expect(Math.abs(fromPoints.values[i]! - field.values[k]!)).toBeLessThan(1e-12);
      expect(fromPoints.covariance![i]![i]!).toBeCloseTo(field.covariance![k]![k]!, 14);
    });
    const text = await cli(['observables', resultFile]);
    expect(text.out).toMatch(/measured on the lattice field/);
    expect(text.out).toMatch(/from the file's G_c2 at its points/);
    const targetText = await cli(['target', file]);
    expect(targetText.out).toMatch(/C\(t\) = a\^\(d-1\) sum_x G_c2/);
  });

  it('an exact result gives e^{-m t}/(2m); a file without the origin exits 2 naming it', async () => {
    const file = target('free-exact', [[0], [0.5], [1.5]], { method: 'auto' });
    const run = await cli(['target', file, '--json']);
    const resultFile = join(dir, 'exact-result.json');
    writeFileSync(resultFile, run.out);
    const report = JSON.parse((await cli(['observables', resultFile, '--json'])).out) as ObservablesReport;
    expect(report.timeSlices).toHaveLength(1);
    report.timeSlices[0]!.values.forEach((value, i) => expect(value).toBeCloseTo(Math.exp(-report.timeSlices[0]!.times[i]!) / 2, 10));
    const noOrigin = target('no-origin', [[0.5], [1.5]], { method: 'auto' });
    const other = join(dir, 'no-origin-result.json');
    writeFileSync(other, (await cli(['target', noOrigin, '--json'])).out);
    const refused = await cli(['observables', other]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/origin/);
  });
});
