import { describe, expect, it } from 'vitest';
import { alphaMomentumDensity } from '../../src/architectures/alpha-momentum-density.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { amplitudeMoment } from '../../src/architectures/cos-net-moments.js';
import { momentumStrategy } from '../../src/architectures/momentum-strategies.js';
import type { MomentumSampling, MomentumSetting } from '../../src/architectures/momentum-strategy.js';
import type { Dimension } from '../../src/theory/theory.js';
import { Rng } from '../../src/random/rng.js';
import { brillouinZoneDensity } from '../../src/architectures/lattice-cos-net.js';
import { latticeMomenta } from '../../src/architectures/momenta-lattice.js';

function setting(dimension: Dimension, width: number, cutoff: number | null, extra: Partial<MomentumSetting> = {}): MomentumSetting {
  const reference = cosNet({ dimension, width, mass: 1, cutoff });
  return {
    dimension,
    width,
    density: alphaMomentumDensity(dimension, 1, cutoff, 0),
    cutoff,
    splitMomentum: null,
    boxMass: null,
    gaussianPairs: false,
    densityMoment: (order, separation) => amplitudeMoment(reference, order, separation),
    ...extra,
  };
}

describe('momentum strategies', () => {
  it('the registry gives each mode its own strategy', () => {
    const modes: [MomentumSampling, MomentumSetting][] = [
      ['independent', setting(2, 6, 8)],
      ['stratified', setting(2, 6, 8)],
      ['quadrature', setting(2, 6, 8)],
      ['split', setting(1, 16, null, { splitMomentum: 5 })],
    ];
    for (const [mode, at] of modes) {
      const strategy = momentumStrategy(mode, at);
      expect(strategy.sampling).toBe(mode);
      expect(strategy.identicalNeurons).toBe(mode === 'independent');
      expect(strategy.cellMoments(2, new Array(at.dimension).fill(0.4)).length).toBe(mode === 'independent' ? 1 : at.width);
    }
  });

  it('stratified cells of probability 1/N average to the full density: mean_i E_cell_i[A^k cos(p.s)] = E_rho[A^k cos(p.s)]', () => {
    for (const [dimension, cutoff] of [[1, 10], [2, 8]] as const) {
      const at = setting(dimension, 12, cutoff);
      const strategy = momentumStrategy('stratified', at);
      for (const order of [2, 4]) {
        for (const s of [[0.3, 0.1], [1.2, -0.5]]) {
          const separation = s.slice(0, dimension);
          const cells = strategy.cellMoments(order, separation);
          const mean = cells.reduce((sum, value) => sum + value, 0) / cells.length;
          const full = at.densityMoment(order, Math.hypot(...separation));
          // the full density's moment with a cutoff is a radial table (cos-net-moments.ts: ~1e-7 relative)
          expect(Math.abs(mean - full), `d = ${dimension}, k = ${order}, s = ${separation}`).toBeLessThan(1e-6 * Math.abs(full) + 1e-12);
        }
      }
    }
  });

  it('split cells and nodes average to the full density below the split resolution: (1/N) sum_i cell moment_i ~ E_rho', () => {
    const at = setting(1, 64, null, { splitMomentum: 20 });
    const strategy = momentumStrategy('split', at);
    for (const separation of [0, 0.5, 2]) {
      const cells = strategy.cellMoments(2, [separation]);
      const mean = cells.reduce((sum, value) => sum + value, 0) / cells.length;
      // the midpoint nodes are a quadrature (split-momenta.ts: |C_N / G - 1| <~ 1e-5 out to s = 4)
      expect(Math.abs(mean / at.densityMoment(2, separation) - 1)).toBeLessThan(1e-4);
    }
  });

  it('each draw lands in its own cell: the stratified radius of neuron i has quantile in [i/N, (i+1)/N)', () => {
    const at = setting(1, 8, 10);
    const strategy = momentumStrategy('stratified', at);
    const rng = new Rng(5);
    const momenta = new Float64Array(1);
    for (let trial = 0; trial < 20; trial++) {
      for (let neuron = 0; neuron < 8; neuron++) {
        const factor = strategy.drawMomentum(rng, neuron, momenta, 0);
        const quantile = at.density.cdf(Math.abs(momenta[0]!));
        expect(quantile).toBeGreaterThanOrEqual(neuron / 8 - 1e-12);
        expect(quantile).toBeLessThan((neuron + 1) / 8 + 1e-12);
        expect(factor).toBe(at.density.amplitudeFactor(Math.abs(momenta[0]!)));
      }
    }
  });

  it('modes refuse what they cannot hold, with the same messages as before', () => {
    expect(() => momentumStrategy('stratified', setting(3, 8, 6))).toThrow(/stratified momenta exist in d = 1 and 2/);
    expect(() => momentumStrategy('quadrature', setting(1, 8, null))).toThrow(/quadrature momenta need a momentum cutoff/);
    expect(() => momentumStrategy('split', setting(1, 8, null))).toThrow(/split momenta need splitMomentum/);
    expect(() => momentumStrategy('independent', setting(1, 8, null, { boxMass: { side: 2, coupling: 0.5 } }))).toThrow(/a box mass is drawn into the law of fixed Gaussian nodes/);
    expect(() => momentumStrategy('split', setting(1, 16, null, { splitMomentum: 5, boxMass: { side: 2, coupling: 0.5 } }))).toThrow(/a box mass/);
    expect(momentumStrategy('split', setting(1, 16, null, { splitMomentum: 5, boxMass: { side: 2, coupling: 0.5 }, gaussianPairs: true })).joint?.size).toBeGreaterThan(0);
  });

  it('lattice momenta: half the order-2 cell moment is the lattice propagator, and draws follow P(k)', () => {
    const density = brillouinZoneDensity(2, 0.7, { spacing: 0.5, sites: 4 });
    const strategy = latticeMomenta(density);
    expect(strategy.identicalNeurons).toBe(true);
    for (const s of [[0, 0], [0.5, 1], [1.5, -0.5]]) expect(strategy.cellMoments(2, s)[0]! / 2).toBeCloseTo(density.propagator(s), 14);
    const rng = new Rng(11);
    const momenta = new Float64Array(2);
    const draws = 20000;
    let cosine = 0;
    for (let draw = 0; draw < draws; draw++) {
      expect(strategy.drawMomentum(rng, 0, momenta, 0)).toBe(Math.sqrt(2 * density.propagatorAtZero));
      cosine += Math.cos(momenta[0]! * 0.5 + momenta[1]! * 1);
    }
    // E_P[cos(k.s)] = G(s) / G(0); the sample mean's standard error is below 1 / sqrt(draws)
    expect(Math.abs(cosine / draws - density.propagator([0.5, 1]) / density.propagatorAtZero)).toBeLessThan(4 / Math.sqrt(draws));
  });
});
