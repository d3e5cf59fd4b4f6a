/**
 * `nnft action` end to end through the CLI (docs/reconstruct.md): the free width-4 cos-net is non-local and
 * violates cluster decomposition with plateau 2 G(0)^2/N; a shared-scale ensemble violates cluster
 * decomposition; exact tree-level local phi^4 correlators are local; bad input exits 2 with the path
 * of the problem and no stack trace. Forward fits are limited to the fast candidates to keep the
 * suite short (the Gaussian-kernel profile scan alone takes ~15 s on these grids).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { ActionReport } from '../../src/reconstruct/run-action.js';
import { indexTuples, RESULT_VERSION, type CorrelatorResult } from '../../src/io/result.js';
import { freePropagator1d, localQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';
import { captureCli } from '../helpers/cli-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/action/fixtures');

const capture = (cwd = root) => captureCli(cwd);

async function action(args: string[], cwd = root) {
  const context = capture(cwd);
  const code = await runCli(['action', ...args], context);
  return { code, out: context.out, err: context.err };
}

const fast = ['--workers', '1', '--candidates', 'local,local+derivative'];

/** Exact tree-level local phi^4 (lambda = 0.5, m = 1) on 6 points 0.8 apart, as a correlators file. */
function treeLevelCorrelators(): CorrelatorResult {
  const x = [-1.6, -0.8, 0, 0.8, 1.6, 2.4];
  const tuples2 = indexTuples(x.length, 2);
  const tuples4 = indexTuples(x.length, 4);
  const values2 = tuples2.map(([a, b]) => freePropagator1d(1, x[a]! - x[b]!));
  const values4 = tuples4.map((tuple) => 0.5 * localQuarticTree1d(tuple.map((i) => x[i]!), 1));
  return {
    nnftResult: RESULT_VERSION,
    kind: 'target-correlators',
    points: x.map((value) => [value]),
    correlators: [
      { order: 2, indices: tuples2, values: values2, stderr: values2.map(() => 0) },
      { order: 4, indices: tuples4, values: values4, stderr: values4.map(() => 0) },
    ],
    method: 'exact tree level, lambda = 0.5 (test)',
  };
}

describe('nnft action', () => {
  it('free cos-net at N = 4: non-local, violates clustering, plateau 2 G(0)^2/N within 3 standard errors', async () => {
    const { code, out } = await action(['examples/specs/cos-net-free-1d.json', '--ensemble', '60000', '--json', ...fast]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as ActionReport;
    expect(report.points).toHaveLength(8); // min(8, 2N) points: the guard rail holds
    expect(report.networkWidth).toBe(4);
    expect(report.backgroundSubtracted).toBe(true);
    const plateau = report.cluster!.plateauOfCorrelator;
    const expected = (2 * 0.5 ** 2) / 4; // G(0) = 1/(2m)
    expect(Math.abs(plateau.value - expected) / plateau.stderr).toBeLessThan(3);
    expect(report.verdict.clusters).toBe(false);
    expect(report.verdict.local).toBe(false);
    expect(report.verdict.summary).toBe('non-local; violates cluster decomposition');
    expect(report.verdict.ordersDropped.length).toBeGreaterThan(0);
    expect(report.notes.join(' ')).toMatch(/per-batch/);
  });

  it('shared-scale ensemble: reported cluster-violating, readable verdict with the numbers', async () => {
    const { code, out } = await action([join(fixtures, 'cos-net-shared-scale-1d.json'), '--ensemble', '30000', ...fast]);
    expect(code).toBe(0);
    expect(out).toMatch(/verdict: non-local; violates cluster decomposition/);
    expect(out).toMatch(/plateau B = [0-9.]+ ± [0-9.]+/);
    expect(out).toMatch(/vertex spread/);
    expect(out).toMatch(/lambda = /);
    expect(out).toMatch(/terms fitted: /);
    expect(out).toMatch(/orders dropped:/);
  });

  it('exact tree-level local phi^4 correlators: local and clustering, lambda recovered', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nnft-action-'));
    const file = join(directory, 'phi4-tree.json');
    writeFileSync(file, JSON.stringify(treeLevelCorrelators()));
    const { code, out } = await action([file, '--mass', '1', '--json', '--candidates', 'local,local+derivative']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as ActionReport;
    expect(report.verdict.local).toBe(true);
    expect(report.verdict.clusters).toBe(true);
    const local = report.forwardFit!.fits.find((fit) => fit.name === 'local')!;
    expect(local.couplings[0]!.value).toBeCloseTo(0.5, 6);
    expect(report.amputation!.polynomial!.value).toBeLessThan(1e-8);
    expect(report.notes.join(' ')).toMatch(/relative error floor 0\.01/);
    expect(report.errorFloor!.relative).toBe(0.01);
  });

  it('bad input exits 2 with the path of the problem and no stack trace', async () => {
    const missing = await action(['no-such-file.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no-such-file\.json does not exist/);

    const directory = mkdtempSync(join(tmpdir(), 'nnft-action-bad-'));
    const noFour = treeLevelCorrelators();
    noFour.correlators = noFour.correlators.filter((block) => block.order !== 4);
    writeFileSync(join(directory, 'no-four.json'), JSON.stringify(noFour, null, 2));
    const semantic = await action(['no-four.json'], directory);
    expect(semantic.code).toBe(2);
    expect(semantic.err).toMatch(/correlators .*no order-4 block/);
    expect(semantic.err).toMatch(/hint:/);

    writeFileSync(join(directory, 'neither.json'), '{"points": []}');
    const neither = await action(['neither.json', '--json'], directory);
    expect(neither.code).toBe(2);
    expect(JSON.parse(neither.out).error).toBe('E_SCHEMA');

    const tooFine = await action(['examples/specs/cos-net-free-1d.json', '--grid=-2,2,0.25', '--workers', '1']);
    expect(tooFine.code).toBe(2);
    expect(tooFine.err).toMatch(/too fine for width-4/);
    expect(tooFine.err).toMatch(/architecture\.width/);

    const badGrid = await action(['examples/specs/cos-net-free-1d.json', '--grid', '0,1']);
    expect(badGrid.code).toBe(2);
    expect(badGrid.err).toMatch(/--grid takes three numbers/);

    for (const result of [missing, semantic, tooFine, badGrid]) {
      expect(result.err).not.toMatch(/\n\s+at /);
      expect(result.err).not.toMatch(/internal error/);
    }
  });
});
