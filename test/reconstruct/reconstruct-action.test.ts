import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { Rng } from '../../src/random/index.js';
import { reconstructAction } from '../../src/reconstruct/index.js';
import { localQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';
import { propagator1d, uniformGrid1d } from './grid-fixtures.js';

const mass = 1;
const G = (x: number) => propagator1d(mass, x);

function cosNetFourPoint(x: number[], width: number): number {
  const [x1, x2, x3, x4] = x;
  const shifts = [x1 + x2 - x3 - x4, x1 - x2 + x3 - x4, x1 - x2 - x3 + x4];
  const pairs = G(x1 - x2) * G(x3 - x4) + G(x1 - x3) * G(x2 - x4) + G(x1 - x4) * G(x2 - x3);
  return (1.5 * G(0) * shifts.reduce((sum, s) => sum + G(s), 0) - pairs) / width;
}

/** Per-batch estimates: exact + Gaussian noise of size batchError (relative + floor), and their mean. */
function batchedBlocks(points: number[][], fourPoint: (x: number[]) => number, stream: string, batchCount = 12, relative = 0.05) {
  const rng = Rng.fromTree(3, `test/reconstruct/reconstruct-action/${stream}`);
  const x = points.map((p) => p[0]);
  const tuples2 = indexTuples(points.length, 2);
  const tuples4 = indexTuples(points.length, 4);
  const exact2 = tuples2.map(([a, b]) => G(x[a] - x[b]));
  const exact4 = tuples4.map((t) => fourPoint(t.map((i) => x[i])));
  const batchError = exact4.map((value) => relative * Math.abs(value) + 1e-5);
  const batches = Array.from({ length: batchCount }, () => ({
    twoPoint: { order: 2, indices: tuples2, values: exact2, stderr: exact2.map(() => 0) },
    fourPoint: { order: 4, indices: tuples4, values: exact4.map((v, i) => v + batchError[i] * rng.normal()), stderr: batchError },
  }));
  const mean4 = exact4.map((_, i) => batches.reduce((sum, b) => sum + b.fourPoint.values[i], 0) / batchCount);
  const meanError = batchError.map((e) => e / Math.sqrt(batchCount));
  return {
    twoPoint: batches[0].twoPoint,
    fourPoint: { order: 4, indices: tuples4, values: mean4, stderr: meanError },
    batches,
  };
}

describe('reconstructAction: correlators in, report out', () => {
  it('tree-level local phi^4 (lambda = 0.5): forward fit recovers lambda, verdict local and clustering', () => {
    const points = uniformGrid1d(6, 0.8);
    const blocks = batchedBlocks(points, (x) => 0.5 * localQuarticTree1d(x, mass), 'local');
    const report = reconstructAction({ points, ...blocks, mass, candidates: ['local', 'local+derivative'] });
    const local = report.forwardFit!.fits.find((fit) => fit.name === 'local')!;
    expect(Math.abs(local.couplings[0].value - 0.5) / local.couplings[0].stderr).toBeLessThan(3);
    expect(report.cluster!.violatesClustering).toBe(false);
    expect(report.verdict.clusters).toBe(true);
    expect(report.verdict.local).toBe(true);
    expect(report.verdict.termsFitted).toEqual(['lambda']);
    expect(report.verdict.ordersDropped.join(' ')).toMatch(/tree level/);
    expect(report.amputation!.cellVolume).toBeCloseTo(0.8, 14);
    expect(JSON.parse(JSON.stringify(report)).verdict.summary).toBe('local; clusters');
  });

  it('free cos-net at N = 4: non-local and cluster-violating with plateau 2 G(0)^2/N', () => {
    const points = uniformGrid1d(8, 0.5);
    const blocks = batchedBlocks(points, (x) => cosNetFourPoint(x, 4), 'cosnet');
    const report = reconstructAction({ points, ...blocks, networkWidth: 4 });
    const plateau = report.cluster!.plateauOfCorrelator;
    expect(Math.abs(plateau.value - (2 * G(0) ** 2) / 4) / plateau.stderr).toBeLessThan(3);
    expect(report.verdict.clusters).toBe(false);
    expect(report.verdict.local).toBe(false);
    expect(report.notes.join(' ')).toMatch(/forward fits skipped/);
  });

  it('deformed finite-width network: with the base subtracted everywhere, the verdict is on the deformation', () => {
    const points = uniformGrid1d(8, 0.5);
    const width = 64;
    const x = points.map((p) => p[0]);
    const tuples4 = indexTuples(points.length, 4);
    const tuples2 = indexTuples(points.length, 2);
    const background = tuples4.map((t) => cosNetFourPoint(t.map((i) => x[i]), width));
    const blocks = batchedBlocks(points, (y) => 0.5 * localQuarticTree1d(y, mass) + cosNetFourPoint(y, width), 'deformed', 12, 0.02);
    const common = { points, ...blocks, mass, networkWidth: width, candidates: ['local' as const], background: { fourPoint: background } };
    const asGiven = reconstructAction(common);
    expect(asGiven.backgroundScope).toBe('forward-fits');
    expect(asGiven.base).toBeNull();
    expect(asGiven.verdict.clusters).toBe(false); // the base's 2 G(0)^2/N plateau is in the cluster curve
    const onDeformation = reconstructAction({ ...common, backgroundScope: 'all', baseTwoPoint: tuples2.map(([a, b]) => G(x[a] - x[b])), baseWidth: width });
    expect(onDeformation.backgroundScope).toBe('all');
    expect(onDeformation.base!.plateau).toBeCloseTo(2 / width, 6);
    expect(onDeformation.base!.message).toMatch(/2 G\(0\)\^2\/N/);
    expect(onDeformation.verdict.reasons[0]).toMatch(/^base network at width N = 64/);
    expect(onDeformation.verdict.clusters).toBe(true);
    expect(onDeformation.verdict.local).toBe(true);
    expect(Math.abs(onDeformation.cluster!.plateau.value) / onDeformation.cluster!.plateau.stderr).toBeLessThan(3);
    const lambda = onDeformation.forwardFit!.fits[0].couplings[0];
    expect(Math.abs(lambda.value - 0.5) / lambda.stderr).toBeLessThan(3);
    expect(onDeformation.forwardFit!.fits[0].errors.method).toBe('jackknife');
  });

  it('refuses more than 2N points for width-N networks', () => {
    const points = uniformGrid1d(9, 0.5);
    const blocks = batchedBlocks(points, (x) => cosNetFourPoint(x, 4), 'refuse', 2);
    expect(() => reconstructAction({ points, ...blocks, networkWidth: 4 })).toThrow(/too fine for width-4/);
  });
});
