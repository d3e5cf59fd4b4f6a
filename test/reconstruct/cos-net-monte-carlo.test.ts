/**
 * End to end on sampled data: a width-4 cos-net (d = 1, m = 1, alpha = 0, Gaussian amplitudes) is
 * sampled on the host with the seeded Rng, its connected correlators are estimated per batch, and
 * reconstructAction must find the plateau 2 G(0)^2/N within 3 standard errors and call the theory
 * non-local and cluster-violating (docs/reconstruct.md, "3. Locality and cluster decomposition"), at
 * the level of the maths.
 */
import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { Rng } from '../../src/random/index.js';
import { reconstructAction } from '../../src/reconstruct/index.js';
import { uniformGrid1d } from './grid-fixtures.js';

const width = 4;
const mass = 1;
const propagatorAtZero = 1 / (2 * mass);

function sampleBatch(rng: Rng, points: number[], networks: number) {
  const size = points.length;
  const tuples2 = indexTuples(size, 2);
  const tuples4 = indexTuples(size, 4);
  const moments2 = new Float64Array(tuples2.length);
  const moments4 = new Float64Array(tuples4.length);
  const field = new Float64Array(size);
  const amplitude = Math.sqrt(2 * propagatorAtZero); // alpha = 0: constant A, momenta from the propagator
  for (let n = 0; n < networks; n++) {
    field.fill(0);
    for (let neuron = 0; neuron < width; neuron++) {
      const weight = rng.normal() / Math.sqrt(width);
      const momentum = mass * Math.tan(Math.PI * (rng.uniformOpen() - 0.5));
      const phase = Math.PI * (2 * rng.uniform() - 1);
      for (let i = 0; i < size; i++) field[i] += weight * amplitude * Math.cos(momentum * points[i] + phase);
    }
    tuples2.forEach(([a, b], k) => (moments2[k] += field[a] * field[b]));
    tuples4.forEach(([a, b, c, d], k) => (moments4[k] += field[a] * field[b] * field[c] * field[d]));
  }
  const g2 = Array.from(moments2, (value) => value / networks);
  const lookup = new Map(tuples2.map((tuple, k) => [tuple.join(','), g2[k]]));
  const G = (a: number, b: number) => lookup.get(a <= b ? `${a},${b}` : `${b},${a}`)!;
  // zero mean exactly (uniform phases): G_c4 = G4 - sum_3 G2 G2
  const gc4 = tuples4.map(([a, b, c, d], k) => moments4[k] / networks - (G(a, b) * G(c, d) + G(a, c) * G(b, d) + G(a, d) * G(b, c)));
  return {
    twoPoint: { order: 2, indices: tuples2, values: g2, stderr: g2.map(() => 0) },
    fourPoint: { order: 4, indices: tuples4, values: gc4, stderr: gc4.map(() => 0) },
  };
}

describe('sampled finite-width cos-net through reconstructAction', () => {
  it('reports plateau 2 G(0)^2/N within 3 standard errors, non-local and cluster-violating', () => {
    const rng = Rng.fromTree(20260606, 'test/reconstruct/cos-net-monte-carlo');
    const points = uniformGrid1d(8, 0.6).map((p) => p[0]);
    const batchCount = 10;
    const batches = Array.from({ length: batchCount }, () => sampleBatch(rng, points, 6000));
    // central values and batch-means errors of the mean
    const mean = (select: (b: (typeof batches)[number]) => number[]) =>
      select(batches[0]).map((_, k) => batches.reduce((sum, b) => sum + select(b)[k], 0) / batchCount);
    const stderrOf = (select: (b: (typeof batches)[number]) => number[], centre: number[]) =>
      centre.map((m, k) => Math.sqrt(batches.reduce((sum, b) => sum + (select(b)[k] - m) ** 2, 0) / (batchCount - 1) / batchCount));
    const g2 = mean((b) => b.twoPoint.values);
    const gc4 = mean((b) => b.fourPoint.values);
    const report = reconstructAction({
      points: points.map((x) => [x]),
      twoPoint: { ...batches[0].twoPoint, values: g2, stderr: stderrOf((b) => b.twoPoint.values, g2) },
      fourPoint: { ...batches[0].fourPoint, values: gc4, stderr: stderrOf((b) => b.fourPoint.values, gc4) },
      batches,
      networkWidth: width,
    });
    const plateau = report.cluster!.plateauOfCorrelator;
    const expected = (2 * propagatorAtZero ** 2) / width;
    expect(Math.abs(plateau.value - expected) / plateau.stderr).toBeLessThan(3);
    expect(plateau.stderr).toBeLessThan(0.2 * expected);
    expect(report.verdict.clusters).toBe(false);
    expect(report.verdict.local).toBe(false);
  });
});
