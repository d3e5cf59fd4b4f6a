import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { alphaMomentumDensity } from '../../src/architectures/alpha-momentum-density.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../src/architectures/cos-net-exact-moments.js';
import { propagatorAtZero } from '../../src/correlators/free-propagator.js';
import { deriveSeed } from '../../src/random/seed-tree.js';

const paperPoints = [[0], [0.5], [1.0], [1.7]];

describe('alpha momentum densities', () => {
  it('alpha = 0 normalisation is G_Lambda(0) in d = 1..4 (closed forms and tabulated CDFs)', () => {
    for (const dimension of [1, 2, 3, 4] as const) {
      const density = alphaMomentumDensity(dimension, 1.3, 20, 0);
      expect(density.normalisation).toBeCloseTo(propagatorAtZero(dimension, 1.3, 20), 9);
    }
    expect(alphaMomentumDensity(1, 2, null, 0).normalisation).toBeCloseTo(0.25, 12);
  });

  it('the tabulated radial CDF inverts the exact d = 3 CDF', () => {
    const mass = 0.7;
    const cutoff = 12;
    const density = alphaMomentumDensity(3, mass, cutoff, 0);
    expect(density.method).toMatch(/tabulated/);
    const cdf = (p: number) => (p - mass * Math.atan(p / mass)) / (cutoff - mass * Math.atan(cutoff / mass));
    for (const u of [1e-6, 0.01, 0.2, 0.5, 0.77, 0.999, 1 - 1e-9]) expect(cdf(density.radius(u))).toBeCloseTo(u, 9);
  });

  it('the closed-form samplers invert their CDFs (d = 1 Cauchy, d = 2, uniform ball)', () => {
    const cauchy = alphaMomentumDensity(1, 1, null, 0);
    expect(cauchy.radius(0.5)).toBeCloseTo(Math.tan(Math.PI / 4), 12);
    const planar = alphaMomentumDensity(2, 1, 10, 0);
    const p = planar.radius(0.3);
    expect(Math.log1p(p * p) / Math.log1p(100)).toBeCloseTo(0.3, 12);
    const ball = alphaMomentumDensity(3, 1, 5, -1);
    expect((ball.radius(0.125) / 5) ** 3).toBeCloseTo(0.125, 12);
    expect(ball.normalisation).toBeCloseTo((4 * Math.PI * 125) / 3 / (2 * Math.PI) ** 3, 12);
  });

  it('rejects densities that do not exist without a cutoff', () => {
    expect(() => alphaMomentumDensity(2, 1, null, 0)).toThrow(/not normalisable/);
  });
});

describe('finite-width connected 4-point function (closed forms)', () => {
  it('reproduces the public oracle numbers at N = 4 (d = 1, m = 1, no cutoff)', () => {
    const gaussian = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null });
    const fixed = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null, amplitude: { kind: 'fixed' } });
    expect(cosNetConnectedFour(gaussian, paperPoints)).toBeCloseTo(0.0827, 4);
    expect(cosNetConnectedFour(fixed, paperPoints)).toBeCloseTo(0.00579, 5);
  });

  it('scales exactly as 1/N', () => {
    const at = (width: number) => cosNetConnectedFour(cosNet({ dimension: 1, width, mass: 1, cutoff: null }), paperPoints);
    expect(at(64) * 64).toBeCloseTo(at(4) * 4, 12);
  });

  it('the general moment machinery reproduces the order-4 closed form, with and without a shared scale', async () => {
    const { cosNetConnected } = await import('../../src/architectures/cos-net-exact-moments.js');
    for (const options of [{ alpha: 0, cutoff: null }, { alpha: -1, cutoff: 12 }, { alpha: 0, cutoff: null, amplitude: { kind: 'kurtosis' as const, kurtosis: 1.7 } }]) {
      const net = cosNet({ dimension: 1, width: 5, mass: 1, ...options });
      const points = [[0], [0.3], [0.9], [-0.4]];
      expect(cosNetConnected(net, points)).toBeCloseTo(cosNetConnectedFour(net, points), 10);
    }
    const scaled = cosNet({ dimension: 1, width: 5, mass: 1, cutoff: null, sharedScale: { kind: 'lognormal', logStd: 0.4 } });
    const x = [[0], [0], [0], [0]];
    const g0 = scaled.exactMoment([[0], [0]])!;
    expect(scaled.exactMoment(x)).toBeCloseTo(Math.exp(4 * 0.16) * (cosNetConnectedFour(scaled, x) + 3 * g0 * g0), 12);
  });

  it('alpha = -1 with a large cutoff approaches the alpha = 0 value from above (Cauchy-Schwarz)', () => {
    const paper = cosNetConnectedFour(cosNet({ dimension: 1, width: 4, mass: 1, cutoff: 30, alpha: -1 }), [[0], [0], [0], [0]]);
    const optimal = cosNetConnectedFour(cosNet({ dimension: 1, width: 4, mass: 1, cutoff: 30, alpha: 0 }), [[0], [0], [0], [0]]);
    expect(paper).toBeGreaterThan(optimal);
  });
});

describe('batched forward pass', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('float32 device values match the float64 host reference to 1e-6 (d = 1, 2)', () => {
    for (const dimension of [1, 2] as const) {
      const net = cosNet({ dimension, width: 16, mass: 1, cutoff: 30 });
      const chunk = net.sample(deriveSeed(7, 'test/forward', dimension), 50);
      const points = dimension === 1 ? paperPoints : [[0, 0], [0.5, -0.25], [1.7, 1.1]];
      const reference = net.referenceAtPoints(chunk, points);
      const device = tf.tidy(() => net.applyAtPoints(chunk, points)).dataSync();
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(device[i]! - reference[i]!));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('the separable grid evaluation equals direct evaluation at the grid points', () => {
    const net = cosNet({ dimension: 2, width: 8, mass: 1, cutoff: 10 });
    const chunk = net.sample(3, 5);
    const grid = {
      dimension: 2,
      offsets: Float64Array.from([-1, 0, 0, 0, 1, 0]),
      nodes: Float64Array.from([0, -0.5, 0, 0.5]),
      offsetCount: 3,
      nodeCount: 2,
      weights: new Float64Array(6).fill(1),
    };
    const points = [[-1, -0.5], [-1, 0.5], [0, -0.5], [0, 0.5], [1, -0.5], [1, 0.5]];
    const reference = net.referenceAtPoints(chunk, points);
    const device = tf.tidy(() => net.applyOnGrid(chunk, grid)).dataSync();
    for (let i = 0; i < reference.length; i++) expect(Math.abs(device[i]! - reference[i]!)).toBeLessThan(1e-6);
  });

  it('the d = 1 rotation recurrence over evenly spaced panel starts matches float64 values to 1e-6', async () => {
    const { boxGrid } = await import('../../src/densities/interaction-grid.js');
    const { gridPoints } = await import('../../src/architectures/product-grid.js');
    const net = cosNet({ dimension: 1, width: 16, mass: 1, cutoff: 30 });
    const chunk = net.sample(8, 6);
    const grid = boxGrid(1, 8, { panels: 150, nodesPerPanel: 4 });
    const reference = net.referenceAtPoints(chunk, gridPoints(grid));
    const device = tf.tidy(() => net.applyOnGrid(chunk, grid)).dataSync();
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(device[i]! - reference[i]!));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('tabulated exact moments with a cutoff', () => {
  it('interpolate G_Lambda to 1e-6 relative of G(0) between table nodes (d = 2, Lambda = 10)', async () => {
    const { cosNetPropagator } = await import('../../src/architectures/cos-net-moments.js');
    const { freePropagator } = await import('../../src/correlators/free-propagator.js');
    const net = cosNet({ dimension: 2, width: 4, mass: 1, cutoff: 10 });
    const g0 = freePropagator(2, 1, 10, 0);
    for (const r of [0, 0.0123, 0.377, 1.234567, 3.3]) expect(Math.abs(cosNetPropagator(net, r) - freePropagator(2, 1, 10, r)) / g0).toBeLessThan(1e-6);
  });
});
