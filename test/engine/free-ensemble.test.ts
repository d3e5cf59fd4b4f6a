import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../src/architectures/cos-net-exact-moments.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { estimateEnsemble } from '../../src/ensemble/estimate-ensemble.js';

const paperPoints = [[0], [0.5], [1.0], [1.7]];

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(...a.map((value, axis) => value - b[axis]!));
}

/** Largest |estimate - exact| / stderr over a block. */
function worstZ(values: number[], stderr: number[], exact: number[]): number {
  return Math.max(...values.map((value, i) => Math.abs(value - exact[i]!) / stderr[i]!));
}

describe('free cos-net ensembles (statistical, fixed seeds, k <= 5)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('d = 1, N = 4: G2 is the free propagator and G_c4 the finite-width closed form (Gaussian and fixed |a|)', async () => {
    for (const amplitude of [{ kind: 'gaussian' as const }, { kind: 'fixed' as const }]) {
      const net = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null, amplitude });
      const result = await estimateEnsemble({ architecture: net, deformation: null, points: paperPoints, orders: [2, 4], ensembleSize: 100_000, seed: 11 });
      const [two, four] = result.summary.orders;
      const exactTwo = two!.indices.map(([i, j]) => Math.exp(-distance(paperPoints[i!]!, paperPoints[j!]!)) / 2);
      expect(worstZ(two!.values, two!.stderr, exactTwo)).toBeLessThan(5);
      const exactFour = four!.indices.map((tuple) => cosNetConnectedFour(net, tuple.map((k) => paperPoints[k]!)));
      expect(worstZ(four!.values, four!.stderr, exactFour)).toBeLessThan(5);
      // The test can fail: the infinite-width answer (G_c4 = 0) is many standard errors away.
      expect(Math.abs(four!.values[0]!) / four!.stderr[0]!).toBeGreaterThan(5);
      expect(result.diagnostics.tensorGrowth).toBe(0);
    }
  });

  it('the tunable-kurtosis law and a shared random scale match their exact moments (d = 1, N = 4)', async () => {
    const points = [[0], [0.7]];
    for (const options of [{ amplitude: { kind: 'kurtosis' as const, kurtosis: 2 } }, { sharedScale: { kind: 'lognormal' as const, logStd: 0.3 } }]) {
      const net = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null, ...options });
      const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2, 4], ensembleSize: 100_000, seed: 13 });
      const [two, four] = result.summary.orders;
      const at = (tuple: number[]) => tuple.map((k) => points[k]!);
      const exactTwo = two!.indices.map((tuple) => net.exactMoment(at(tuple))!);
      expect(worstZ(two!.values, two!.stderr, exactTwo)).toBeLessThan(5);
      // Connected from the exact moments: E[phi^4-type] - sum_3 G G.
      const exactFour = four!.indices.map((tuple) => {
        const [a, b, c, d] = tuple as [number, number, number, number];
        const g = (i: number, j: number) => net.exactMoment(at([i, j]))!;
        return net.exactMoment(at(tuple))! - (g(a, b) * g(c, d) + g(a, c) * g(b, d) + g(a, d) * g(b, c));
      });
      expect(worstZ(four!.values, four!.stderr, exactFour)).toBeLessThan(5);
    }
  });

  it('d = 2, N = 4, Lambda = 10: G2 is the regulated propagator', async () => {
    const points = [[0, 0], [0.4, 0.3], [-0.6, 1.0]];
    const net = cosNet({ dimension: 2, width: 4, mass: 1, cutoff: 10 });
    const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2], ensembleSize: 40_000, seed: 12 });
    const [two] = result.summary.orders;
    const exact = two!.indices.map(([i, j]) => freePropagator(2, 1, 10, distance(points[i!]!, points[j!]!)));
    expect(worstZ(two!.values, two!.stderr, exact)).toBeLessThan(5);
  });

  it('d = 3 (alpha = 0) and d = 4 (alpha = 0.5): tabulated radial samplers give the regulated propagator', async () => {
    const cases = [
      { dimension: 3 as const, alpha: 0, points: [[0, 0, 0], [0.3, 0.1, -0.2], [-0.5, 0.6, 0.4]] },
      { dimension: 4 as const, alpha: 0.5, points: [[0, 0, 0, 0], [0.2, -0.1, 0.3, 0.1], [0.5, 0.4, -0.3, -0.2]] },
    ];
    for (const { dimension, alpha, points } of cases) {
      const net = cosNet({ dimension, width: 4, mass: 1, cutoff: 6, alpha });
      expect(net.momentumDensity.method).toMatch(/tabulated/);
      const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2], ensembleSize: 40_000, seed: 14 + dimension });
      const [two] = result.summary.orders;
      const exact = two!.indices.map(([i, j]) => freePropagator(dimension, 1, 6, distance(points[i!]!, points[j!]!)));
      expect(worstZ(two!.values, two!.stderr, exact), `d = ${dimension}`).toBeLessThan(5);
    }
  });

  it('d = 2, alpha = -1: G_c4 matches the closed form with its radial quadrature (N = 4, Lambda = 5)', async () => {
    const points = [[0, 0], [0.4, -0.3]];
    const net = cosNet({ dimension: 2, width: 4, mass: 1, cutoff: 5, alpha: -1 });
    const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [4], ensembleSize: 100_000, seed: 19 });
    const [four] = result.summary.orders;
    const exact = four!.indices.map((tuple) => cosNetConnectedFour(net, tuple.map((k) => points[k]!)));
    expect(worstZ(four!.values, four!.stderr, exact)).toBeLessThan(5);
    expect(Math.abs(four!.values[0]!) / four!.stderr[0]!).toBeGreaterThan(5);
  });

  it('d = 1, N = 4: G_c6 matches the exact finite-width value', async () => {
    const { cosNetConnected } = await import('../../src/architectures/cos-net-exact-moments.js');
    const points = [[0], [0.6]];
    const net = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null, amplitude: { kind: 'fixed' } });
    const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [6], ensembleSize: 200_000, seed: 23 });
    const [six] = result.summary.orders;
    const exact = six!.indices.map((tuple) => cosNetConnected(net, tuple.map((k) => points[k]!)));
    expect(worstZ(six!.values, six!.stderr, exact)).toBeLessThan(5);
    expect(Math.abs(exact[0]!) / six!.stderr[0]!).toBeGreaterThan(5);
  });

  it('is reproducible for a seed and different for another seed', async () => {
    const net = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: null });
    const run = (seed: number) => estimateEnsemble({ architecture: net, deformation: null, points: paperPoints, orders: [2], ensembleSize: 5000, seed });
    const [first, again, other] = await Promise.all([run(5), run(5), run(6)]);
    expect(again.summary.orders[0]!.values).toEqual(first.summary.orders[0]!.values);
    expect(other.summary.orders[0]!.values).not.toEqual(first.summary.orders[0]!.values);
  });
});

describe('device pipeline vs float64 host reference', () => {
  it('connected correlators from float32 device values match a float64 host pipeline on the same networks to 1e-6', async () => {
    await initBackend('wasm');
    const { planChunks, chunkLength, PARAMETER_STREAM } = await import('../../src/ensemble/chunk-plan.js');
    const { MomentSums } = await import('../../src/estimators/moment-sums.js');
    const { monomialTable } = await import('../../src/estimators/monomials.js');
    const { estimateCorrelators } = await import('../../src/estimators/correlator-estimate.js');
    const { deriveSeed } = await import('../../src/random/seed-tree.js');
    const net = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: 20 });
    const ensembleSize = 640;
    const device = await estimateEnsemble({ architecture: net, deformation: null, points: paperPoints, orders: [2, 4], ensembleSize, seed: 17 });
    const plan = planChunks(ensembleSize);
    const table = monomialTable(paperPoints.length, 4);
    const batches = Array.from({ length: plan.batchCount }, () => new MomentSums(table));
    for (let chunk = 0; chunk < plan.chunkCount; chunk++) {
      const count = chunkLength(plan, chunk);
      const phi = net.referenceAtPoints(net.sample(deriveSeed(17, PARAMETER_STREAM, chunk), count), paperPoints);
      const columns = paperPoints.map((_, p) => Float64Array.from({ length: count }, (_, m) => phi[m * paperPoints.length + p]!));
      const sums = new MomentSums(table);
      sums.addNetworks(columns, count, null);
      batches[chunk % plan.batchCount]!.merge(sums);
    }
    const host = estimateCorrelators([{ table, batches, exactMoments: null }], { orders: [2, 4], pointCount: paperPoints.length, evenOnly: true, controlVariate: false });
    device.summary.orders.forEach((order, index) => {
      order.values.forEach((value, k) => expect(Math.abs(value - host.orders[index]!.values[k]!)).toBeLessThan(1e-6));
    });
  });
});
