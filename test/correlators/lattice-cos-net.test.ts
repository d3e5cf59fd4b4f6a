/**
 * The lattice cos-net (src/architectures/lattice-cos-net.ts): momenta on the Brillouin zone with
 * P(k) ∝ 1/(m^2 + p_lat^2) and amplitude sqrt(2 G(0)) give the lattice propagator at the sites exactly, at
 * every width. Oracles: the FFT lattice propagator (lattice-regulator.ts, itself checked against the
 * d = 1 closed form), and Monte Carlo over sampled networks (fixed seeds, batch-means errors, 4 sigma)
 * for G2 and the finite-width G_c4 formula.
 */
import { describe, expect, it } from 'vitest';
import { brillouinZoneDensity, latticeCosNet } from '../../src/architectures/lattice-cos-net.js';
import { latticePropagatorTable, separationIndex } from '../../src/correlators/lattice-regulator.js';
import type { Dimension } from '../../src/theory/theory.js';

/** Batch means and their standard error over the rows of a [count, points] field array. */
function batchStatistics(estimate: (batch: number) => number, batches: number): { mean: number; stderr: number } {
  const values = Array.from({ length: batches }, (_, b) => estimate(b));
  const mean = values.reduce((sum, value) => sum + value, 0) / batches;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (batches - 1);
  return { mean, stderr: Math.sqrt(variance / batches) };
}

describe('the lattice cos-net', () => {
  it.each([
    { dimension: 1 as Dimension, spacing: 0.5, sites: 16, mass: 1 },
    { dimension: 2 as Dimension, spacing: 0.25, sites: 8, mass: 0.7 },
    { dimension: 3 as Dimension, spacing: 0.5, sites: 4, mass: 1.2 },
  ])('its exact G2 at every site is the lattice propagator (d = $dimension)', ({ dimension, spacing, sites, mass }) => {
    const lattice = { spacing, sites };
    const net = latticeCosNet({ dimension, width: 3, mass, lattice });
    const table = latticePropagatorTable(dimension, mass * mass, lattice);
    const origin = new Array<number>(dimension).fill(0);
    for (let flat = 0; flat < table.length; flat++) {
      const site: number[] = [];
      let remainder = flat;
      for (let mu = dimension - 1; mu >= 0; mu--) {
        site[mu] = (remainder % sites) * spacing;
        remainder = Math.floor(remainder / sites);
      }
      expect(separationIndex(site, origin, lattice)).toBe(flat);
      expect(Math.abs(net.exactMoment([site, origin])! - table[flat]!)).toBeLessThan(1e-13 * table[0]!);
    }
    const density = brillouinZoneDensity(dimension, mass, lattice);
    expect(density.propagatorAtZero).toBeCloseTo(table[0]!, 14);
    expect(density.cumulative[density.cumulative.length - 1]).toBe(1);
  });

  it('sampled networks of width 4 reproduce G2 and the finite-width G_c4 within errors (d = 1 and d = 2)', () => {
    for (const { dimension, lattice, points } of [
      { dimension: 1 as Dimension, lattice: { spacing: 0.5, sites: 16 }, points: [[0], [0.5], [1.5], [-2]] },
      { dimension: 2 as Dimension, lattice: { spacing: 0.5, sites: 8 }, points: [[0, 0], [0.5, 0], [0.5, 1], [-1, 1.5]] },
    ]) {
      const net = latticeCosNet({ dimension, width: 4, mass: 1, lattice });
      const batches = 40;
      const perBatch = 5000;
      const fields = Array.from({ length: batches }, (_, b) => net.referenceAtPoints(net.sample(1000 + b, perBatch), points));
      const mean = (b: number, f: (row: number) => number): number => {
        let sum = 0;
        for (let row = 0; row < perBatch; row++) sum += f(row);
        return sum / perBatch;
      };
      const at = (b: number, row: number, point: number): number => fields[b]![row * points.length + point]!;
      const table = latticePropagatorTable(dimension, 1, lattice);
      const pulls: number[] = [];
      for (let i = 0; i < points.length; i++) {
        for (let j = i; j < points.length; j++) {
          const estimate = batchStatistics((b) => mean(b, (row) => at(b, row, i) * at(b, row, j)), batches);
          pulls.push((estimate.mean - table[separationIndex(points[i]!, points[j]!, lattice)]!) / estimate.stderr);
        }
      }
      // E[phi^4] at one point and at four points, against the exact finite-width moment.
      for (const tuple of [[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 2, 3]]) {
        const estimate = batchStatistics((b) => mean(b, (row) => tuple.reduce((product, p) => product * at(b, row, p), 1)), batches);
        const exact = net.exactMoment(tuple.map((p) => points[p]!))!;
        pulls.push((estimate.mean - exact) / estimate.stderr);
        if (tuple[3] === 0) {
          // the finite-width part is resolved: E[phi^4] differs from the Gaussian 3 G(0)^2 by many errors
          expect(Math.abs(estimate.mean - 3 * table[0]! ** 2) / estimate.stderr).toBeGreaterThan(10);
        }
      }
      for (const pull of pulls) expect(Math.abs(pull), `d = ${dimension}`).toBeLessThan(4);
    }
  }, 20_000);
});
