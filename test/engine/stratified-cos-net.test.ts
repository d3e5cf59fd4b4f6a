/**
 * Stratified-momentum cos-nets: G2 is still the regulated propagator at every width (oracle:
 * free-propagator's radial quadrature and the d = 1 closed form), the exact finite-width moments
 * agree with Monte Carlo on the float64 host forward pass, and with Gaussian amplitude pairs the
 * connected four-point function falls far below the independent-momentum one. Quadrature momenta in
 * d = 3: the covariance against the 1-d radial quadrature of G_Lambda, exact moments against Monte
 * Carlo, and the shared-table grid pass against the float64 host pass.
 */
import { describe, expect, it } from 'vitest';
import { cosNet, type CosNetOptions } from '../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../src/architectures/cos-net-exact-moments.js';
import { quadratureLayout, quadratureNodes, stratifiedLayout } from '../../src/architectures/stratified-momenta.js';
import { checkSpecSemantics } from '../../src/spec/load-spec.js';
import type { NnftSpec } from '../../src/spec/spec.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import type { Points } from '../../src/architectures/architecture.js';
import { initBackend, tf } from '../../src/backend/index.js';
import { boxGrid, defaultResolution, gridResolution } from '../../src/densities/interaction-grid.js';
import { gridPoints } from '../../src/architectures/product-grid.js';

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
const CUBE_POINTS = [[0, 0, 0], [0.5, 0, 0], [0, 0.5, 0.2], [0.3, 0.3, 0.5]];
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

  it('quadrature momenta: the shared-table grid pass equals the float64 host pass at every grid point (d = 1, 2 and 3)', async () => {
    await initBackend('cpu');
    for (const dimension of [1, 2, 3] as const) {
      // A slice budget of two networks: the chunk of three is formed in two slices.
      const net = cosNet({ dimension, width: 12, mass: 1, cutoff: 6, momentumSampling: 'quadrature', amplitude: { kind: 'kurtosis', kurtosis: 2 }, gridSliceFloats: 2 * (dimension === 1 ? 2 : 10) * 24 });
      if (dimension === 3) expect(net.momenta.strata).toEqual({ radial: 2, angular: 2, polar: 3 });
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

  it('d = 3 quadrature layouts: radial x polar x azimuth near polar/radial = sqrt 2, polar/azimuth = 1.2; weights sum to 1', () => {
    expect(quadratureLayout(3, 64)).toEqual({ radial: 4, angular: 4, polar: 4 });
    expect(quadratureLayout(3, 128)).toEqual({ radial: 4, angular: 4, polar: 8 });
    expect(quadratureLayout(3, 256)).toEqual({ radial: 4, angular: 8, polar: 8 });
    expect(quadratureLayout(3, 512)).toEqual({ radial: 8, angular: 8, polar: 8 });
    expect(() => quadratureLayout(4, 64)).toThrow(/d = 1, 2 and 3/);
    for (const width of [7, 64, 512]) {
      const nodes = quadratureNodes(3, width);
      expect(nodes.reduce((sum, node) => sum + node.weight, 0)).toBeCloseTo(1, 13);
      for (const node of nodes) {
        expect(node.angle).toBeGreaterThanOrEqual(0);
        expect(node.angle).toBeLessThan(Math.PI);
        expect(Math.abs(node.polarCosine)).toBeLessThan(1);
      }
    }
  });

  it('d = 3 quadrature covariance C_N against G_Lambda (m = 1, Lambda = 6): width 64 to 2e-5 out to |s| = 0.5 and 4e-3 out to 1, width 512 to 1e-7 out to 1 and 1.5e-5 out to 1.5', () => {
    // Measured on these 7 directions: 1.64e-5, 3.74e-3, 7.28e-8, 1.28e-5.
    const directions = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, -0.4, 0.7], [-0.3, 0.8, 0.5], [0.6, 0.2, -0.9]].map((v) => v.map((x) => x / Math.hypot(...v)));
    const deviation = (width: number, reach: number): number => {
      const net = cosNet({ dimension: 3, width, mass: 1, cutoff: 6, momentumSampling: 'quadrature', amplitude: { kind: 'kurtosis', kurtosis: 2 } });
      const steps = Math.ceil(reach / 0.025);
      let worst = 0;
      for (let step = 0; step <= steps; step++) {
        const r = (reach * step) / steps;
        const g = freePropagator(3, 1, 6, r);
        for (const direction of directions) worst = Math.max(worst, Math.abs(net.exactMoment([[0, 0, 0], direction.map((x) => x * r)])! - g));
      }
      return worst;
    };
    expect(deviation(64, 0.5)).toBeLessThan(2e-5);
    expect(deviation(64, 1)).toBeLessThan(4e-3);
    expect(deviation(512, 1)).toBeLessThan(1e-7);
    expect(deviation(512, 1.5)).toBeLessThan(1.5e-5);
    // At s = 0 the weights sum to 1: C_N(0) = G_Lambda(0) at any width; with Gaussian pairs G_c4 = 0.
    const net = cosNet({ dimension: 3, width: 64, mass: 1, cutoff: 6, momentumSampling: 'quadrature', amplitude: { kind: 'kurtosis', kurtosis: 2 } });
    expect(net.exactMoment([[0.3, 0.1, -0.2], [0.3, 0.1, -0.2]])! / freePropagator(3, 1, 6, 0) - 1).toBeLessThan(1e-13);
    expect(Math.abs(cosNetConnectedFour(net, CUBE_POINTS))).toBeLessThan(1e-15);
  });

  it('d = 3 quadrature with fixed |a|: exact G2 and G_c4 agree with Monte Carlo (width 8 = 2 x 2 x 2)', () => {
    const options: CosNetOptions = { dimension: 3, width: 8, mass: 1, cutoff: 6, momentumSampling: 'quadrature', amplitude: { kind: 'fixed' } };
    expect(cosNet(options).momenta.strata).toEqual({ radial: 2, angular: 2, polar: 2 });
    expectExactMatchesMonteCarlo(options, CUBE_POINTS, 9300);
    // The fixed-|a| G_c4 at these points is O(G(0)^2 / N): the comparison is not between zeros.
    expect(Math.abs(cosNetConnectedFour(cosNet(options), [CUBE_POINTS[0]!, CUBE_POINTS[0]!, CUBE_POINTS[3]!, CUBE_POINTS[3]!]))).toBeGreaterThan(1e-3);
  });

  it('d = 3 random-momentum grid pass in slices equals the float64 host pass', async () => {
    await initBackend('cpu');
    const grid = boxGrid(3, 3, { panels: 2, nodesPerPanel: 4 });
    // Budget of two networks' factors: the chunk of five is formed in three slices.
    const net = cosNet({ dimension: 3, width: 6, mass: 1, cutoff: 6, gridSliceFloats: 2 * (grid.offsetCount + grid.nodeCount) * 12 });
    const chunk = net.sample(41, 5);
    const onGrid = await tf.tidy(() => net.applyOnGrid(chunk, grid)).data();
    const reference = net.referenceAtPoints(chunk, gridPoints(grid));
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(onGrid[i]! - reference[i]!));
    expect(onGrid.length).toBe(reference.length);
    expect(worst).toBeLessThan(2e-5);
  });

  it('spec checks: quadrature momenta load in d = 3, stratified stays d <= 2, quadrature d = 4 is refused at its JSON path', () => {
    const spec = (dimension: 3 | 4, momentumSampling: 'quadrature' | 'stratified') =>
      ({
        nnftSpec: 1,
        name: 'x',
        dimension,
        architecture: { kind: 'cos-net', width: 64, mass: 1, momentumCutoff: 6, momentumSampling },
        observables: { points: [new Array(dimension).fill(0)], connected: [2] },
      }) as unknown as NnftSpec;
    expect(checkSpecSemantics(spec(3, 'quadrature'))).toEqual([]);
    const stratified = checkSpecSemantics(spec(3, 'stratified'));
    expect(stratified.map((issue) => issue.path)).toEqual(['architecture.momentumSampling']);
    expect(stratified[0]!.hint).toMatch(/quadrature/);
    const four = checkSpecSemantics(spec(4, 'quadrature'));
    expect(four.map((issue) => issue.path)).toEqual(['architecture.momentumSampling']);
    expect(four[0]!.message).toMatch(/d = 1, 2 and 3, not d = 4/);
  });

  it('d = 3 grid resolution: fewest nodes per axis at ~1e-12 per frequency (one panel of 40 for side 3, K = 25.7); d <= 2 unchanged', () => {
    const K = 4 * 6 * 1.017 * 1.05;
    expect(gridResolution(3, 3, K)).toEqual({ panels: 1, nodesPerPanel: 40 });
    for (const [dimension, side, frequency] of [[1, 8, 120], [2, 4, 42], [2, 3, K]] as const) {
      expect(gridResolution(dimension, side, frequency)).toEqual(defaultResolution(side, frequency));
    }
    // int over [-3/2, 3/2]^3 of cos(k.x) = prod_axis 2 sin(k_a 3/2) / k_a, for |k| up to K along an axis and a diagonal.
    const grid = boxGrid(3, 3, gridResolution(3, 3, K));
    const points = gridPoints(grid);
    let worst = 0;
    for (let step = 1; step <= 40; step++) {
      const k = (K * step) / 40;
      for (const direction of [[1, 0, 0], [1, 1, 1].map((x) => x / Math.sqrt(3))]) {
        const wave = direction.map((x) => x * k);
        let total = 0;
        points.forEach((point, index) => (total += grid.weights[index]! * Math.cos(wave[0]! * point[0]! + wave[1]! * point[1]! + wave[2]! * point[2]!)));
        const exact = wave.reduce((product, component) => product * (component === 0 ? 3 : (2 * Math.sin(1.5 * component)) / component), 1);
        worst = Math.max(worst, Math.abs(total - exact));
      }
    }
    expect(worst).toBeLessThan(1e-11);
  });
});
