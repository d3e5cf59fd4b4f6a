/**
 * Stratified-momentum cos-nets: G2 is still the regulated propagator at every width (oracle:
 * free-propagator's radial quadrature and the d = 1 closed form), the exact finite-width moments
 * agree with Monte Carlo on the float64 host forward pass, and with Gaussian amplitude pairs the
 * connected four-point function falls far below the independent-momentum one.
 */
import { describe, expect, it } from 'vitest';
import { cosNet, type CosNetOptions } from '../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../src/architectures/cos-net-moments.js';
import { stratifiedLayout } from '../../src/architectures/stratified-momenta.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import type { Points } from '../../src/architectures/architecture.js';
import { initBackend, tf } from '../../src/backend/index.js';
import { boxGrid } from '../../src/densities/interaction-grid.js';

/** Monte Carlo G2 and G_c4 (zero mean) with batch-means errors from the float64 reference pass. */
function monteCarlo(options: CosNetOptions, points: Points, tuples: number[][], networks: number, seed: number) {
  const net = cosNet(options);
  const batches = 20;
  const perBatch = networks / batches;
  const values: number[][] = tuples.map(() => []);
  for (let batch = 0; batch < batches; batch++) {
    const chunk = net.sample(seed + batch, perBatch);
    const phi = net.referenceAtPoints(chunk, points);
    const P = points.length;
    const moment = (indices: number[]) => {
      let total = 0;
      for (let m = 0; m < perBatch; m++) {
        let product = 1;
        for (const index of indices) product *= phi[m * P + index]!;
        total += product;
      }
      return total / perBatch;
    };
    tuples.forEach((tuple, t) => {
      if (tuple.length === 2) values[t]!.push(moment(tuple));
      else {
        const [a, b, c, d] = tuple as [number, number, number, number];
        values[t]!.push(moment(tuple) - moment([a, b]) * moment([c, d]) - moment([a, c]) * moment([b, d]) - moment([a, d]) * moment([b, c]));
      }
    });
  }
  return values.map((list) => {
    const mean = list.reduce((sum, value) => sum + value, 0) / batches;
    const variance = list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (batches - 1);
    return { mean, stderr: Math.sqrt(variance / batches) };
  });
}

const SQUARE_POINTS = [[0, 0], [0.5, 0], [0, 0.5], [0.5, 0.5]];
const CHECKED_TUPLES = [[0, 3], [0, 1], [0, 0, 0, 0], [0, 1, 2, 3], [0, 0, 3, 3], [0, 1, 1, 3]];

/** Exact G2 and G_c4 of the net within 5 standard errors of 40,000 Monte Carlo networks. */
function expectExactMatchesMonteCarlo(options: CosNetOptions, points: Points, seed: number): void {
  const net = cosNet(options);
  const estimates = monteCarlo(options, points, CHECKED_TUPLES, 40000, seed);
  CHECKED_TUPLES.forEach((tuple, t) => {
    const selected = tuple.map((index) => points[index]!);
    const exact = tuple.length === 2 ? net.exactMoment(selected)! : cosNetConnectedFour(net, selected);
    const { mean, stderr } = estimates[t]!;
    expect(Math.abs(mean - exact), `${options.dimension}d ${options.momentumSampling} ${tuple}: ${mean} ± ${stderr} vs ${exact}`).toBeLessThan(5 * stderr + 1e-12);
  });
}

describe('stratified momenta', () => {
  it('lays out d = 2 cells near the balanced ratio and d = 1 as radial slices', () => {
    expect(stratifiedLayout(2, 256)).toEqual({ radial: 16, angular: 16 });
    expect(stratifiedLayout(2, 128)).toEqual({ radial: 8, angular: 16 });
    expect(stratifiedLayout(1, 64)).toEqual({ radial: 64, angular: 1 });
    expect(() => stratifiedLayout(3, 64)).toThrow(/d = 1 and 2/);
  });

  it('keeps G2 the regulated propagator at every width (d = 2 cutoff, d = 1 without cutoff)', () => {
    for (const width of [6, 32, 128]) {
      const net = cosNet({ dimension: 2, width, mass: 1, cutoff: 10, momentumSampling: 'stratified', amplitude: { kind: 'kurtosis', kurtosis: 2 } });
      for (const [x, y] of [[0, 0], [0.5, 0.5], [1.3, -0.4], [3, 2]] as const) {
        expect(net.exactMoment([[0, 0], [x, y]])! / freePropagator(2, 1, 10, Math.hypot(x, y)) - 1).toBeLessThan(1e-6);
      }
    }
    const line = cosNet({ dimension: 1, width: 16, mass: 1, cutoff: null, momentumSampling: 'stratified' });
    for (const r of [0, 0.5, 2]) expect(line.exactMoment([[0], [r]])).toBeCloseTo(Math.exp(-r) / 2, 9);
  });

  it('exact G2 and G_c4 agree with Monte Carlo (d = 2 width 8 Gaussian pairs, d = 1 width 4 fixed |a|)', () => {
    expectExactMatchesMonteCarlo({ dimension: 2, width: 8, mass: 1, cutoff: 10, momentumSampling: 'stratified', amplitude: { kind: 'kurtosis', kurtosis: 2 } }, SQUARE_POINTS, 7100);
    expectExactMatchesMonteCarlo({ dimension: 1, width: 4, mass: 1, cutoff: null, momentumSampling: 'stratified', amplitude: { kind: 'fixed' } }, [[0], [0.5], [1.0], [1.7]], 7100);
  });

  it('with Gaussian amplitude pairs cuts G_c4 by more than 15x against independent momenta at width 128 in d = 2 (measured 18-35x)', () => {
    const points = SQUARE_POINTS;
    const make = (momentumSampling: 'independent' | 'stratified') =>
      cosNet({ dimension: 2, width: 128, mass: 1, cutoff: 10, momentumSampling, amplitude: { kind: 'kurtosis', kurtosis: 2 } });
    const stratified = make('stratified');
    const independent = make('independent');
    for (const tuple of [[0, 1, 2, 3], [0, 0, 3, 3], [0, 0, 1, 1]]) {
      const selected = tuple.map((index) => points[index]!);
      expect(Math.abs(cosNetConnectedFour(stratified, selected))).toBeLessThan(Math.abs(cosNetConnectedFour(independent, selected)) / 15);
    }
  });

  it('quadrature momenta: covariance is the quadrature of G_Lambda (2e-8 out to |s| = 1 at width 256, measured 1.5e-8), exactly Gaussian with amplitude pairs', () => {
    const net = cosNet({ dimension: 2, width: 256, mass: 1, cutoff: 10, momentumSampling: 'quadrature', amplitude: { kind: 'kurtosis', kurtosis: 2 } });
    for (const [x, y] of [[0, 0], [0.5, 0], [0.3, 0.6], [0.7, -0.7]] as const) {
      expect(Math.abs(net.exactMoment([[0, 0], [x, y]])! - freePropagator(2, 1, 10, Math.hypot(x, y)))).toBeLessThan(2e-8);
    }
    const points = SQUARE_POINTS;
    for (const tuple of [[0, 0, 0, 0], [0, 1, 2, 3], [0, 0, 3, 3]]) {
      expect(Math.abs(cosNetConnectedFour(net, tuple.map((index) => points[index]!)))).toBeLessThan(1e-15);
    }
    // Every network's field at one point has variance G(0) given nothing but the nodes: the sample
    // variance of phi(0)^2 / G(0) over networks is that of chi^2_1 (2), not larger.
    const chunk = net.sample(11, 4000);
    const phi = net.referenceAtPoints(chunk, [[0.2, -0.1]]);
    const g0 = freePropagator(2, 1, 10, 0);
    let mean = 0;
    let square = 0;
    for (const value of phi) {
      mean += (value * value) / g0;
      square += (value * value / g0) ** 2;
    }
    mean /= phi.length;
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(2 / phi.length));
    expect(Math.abs(square / phi.length - 3)).toBeLessThan(5 * Math.sqrt(96 / phi.length));
  });

  it('quadrature momenta with fixed |a|: exact G2 and G_c4 agree with Monte Carlo (d = 2 width 8)', () => {
    const options: CosNetOptions = { dimension: 2, width: 8, mass: 1, cutoff: 10, momentumSampling: 'quadrature', amplitude: { kind: 'fixed' } };
    expectExactMatchesMonteCarlo(options, SQUARE_POINTS, 9100);
    expect(() => cosNet({ ...options, cutoff: null, dimension: 1 })).toThrow(/momentum cutoff/);
  });

  it('quadrature momenta: the shared-table grid pass equals the float64 host pass at every grid point (d = 1 and 2)', async () => {
    await initBackend('cpu');
    for (const dimension of [1, 2] as const) {
      // A slice budget of two networks: the chunk of three is formed in two slices.
      const net = cosNet({ dimension, width: 12, mass: 1, cutoff: 6, momentumSampling: 'quadrature', amplitude: { kind: 'kurtosis', kurtosis: 2 }, gridSliceFloats: 2 * (dimension === 1 ? 2 : 10) * 24 });
      const grid = boxGrid(dimension, 3, { panels: 2, nodesPerPanel: 5 });
      const chunk = net.sample(31, 3);
      const onGrid = await tf.tidy(() => net.applyOnGrid(chunk, grid)).data();
      const points: number[][] = [];
      for (let a = 0; a < grid.offsetCount; a++) {
        for (let b = 0; b < grid.nodeCount; b++) {
          points.push(Array.from({ length: dimension }, (_, axis) => grid.offsets[a * dimension + axis]! + grid.nodes[b * dimension + axis]!));
        }
      }
      const reference = net.referenceAtPoints(chunk, points);
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(onGrid[i]! - reference[i]!));
      expect(worst, `d = ${dimension}`).toBeLessThan(2e-5);
    }
  });
});
