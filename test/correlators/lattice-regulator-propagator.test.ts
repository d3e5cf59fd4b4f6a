/**
 * The exact free propagator of a lattice-regulated target (src/correlators/lattice-regulator.ts,
 * docs/conventions.md "Lattice regulator") against two independent oracles: the d = 1 closed form of
 * the periodic lattice propagator, and a dense inverse of the lattice operator a^d (-Laplacian + m^2)
 * built site by site in d = 2, 3.
 */
import { describe, expect, it } from 'vitest';
import { latticePropagatorTable } from '../../src/correlators/lattice-regulator.js';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { loadTargetObject } from '../../src/theory/load-target.js';
import { invert, latticeOperator } from './lattice-oracles.js';

/**
 * d = 1 closed form. For n != 0 the lattice equation (2G_n - G_{n+1} - G_{n-1})/a^2 + m^2 G_n = delta_n0/a
 * is solved by cosh(w a (n - L/2)) with 2 (cosh(w a) - 1) = m^2 a^2 (periodic, symmetric about L/2);
 * the jump at n = 0 fixes the amplitude: A [cosh(w a(L/2+1)) - cosh(w a(L/2-1))] = a, i.e.
 *   G(n) = a cosh(w a (n - L/2)) / (2 sinh(w a) sinh(w a L/2)).
 */
function closedFormD1(mass: number, spacing: number, sites: number, n: number): number {
  const w = Math.acosh(1 + (mass * spacing) ** 2 / 2) / spacing;
  return (spacing * Math.cosh(w * spacing * (n - sites / 2))) / (2 * Math.sinh(w * spacing) * Math.sinh((w * spacing * sites) / 2));
}

describe('the free lattice propagator', () => {
  it.each([
    { mass: 1, spacing: 0.5, sites: 16 },
    { mass: 0.7, spacing: 0.1, sites: 64 },
    { mass: 3, spacing: 1, sites: 4 },
  ])('d = 1 equals the cosh closed form at every site (m = $mass, a = $spacing, L = $sites)', ({ mass, spacing, sites }) => {
    const table = latticePropagatorTable(1, mass * mass, { spacing, sites });
    for (let n = 0; n < sites; n++) {
      const exact = closedFormD1(mass, spacing, sites, n);
      expect(Math.abs(table[n]! - exact) / exact).toBeLessThan(1e-12);
    }
  });

  it('the closed form tells the lattice from the continuum (a slip in the dispersion fails the test)', () => {
    // With w = m (the continuum dispersion) instead of cosh(w a) = 1 + m^2 a^2/2, G(0) moves by ~1%.
    const table = latticePropagatorTable(1, 1, { spacing: 0.5, sites: 16 });
    const continuumPeriodic = Math.cosh(4) / (2 * Math.sinh(4));
    expect(Math.abs(table[0]! - continuumPeriodic) / continuumPeriodic).toBeGreaterThan(5e-3);
  });

  it.each([
    { dimension: 2, sites: 4, spacing: 0.5, mass: 1 },
    { dimension: 2, sites: 8, spacing: 0.25, mass: 0.5 },
    { dimension: 3, sites: 4, spacing: 0.5, mass: 1.5 },
  ])('d = $dimension equals the dense inverse of a^d (-Laplacian + m^2) (L = $sites, a = $spacing, m = $mass)', ({ dimension, sites, spacing, mass }) => {
    const inverse = invert(latticeOperator(dimension, sites, spacing, mass));
    const table = latticePropagatorTable(dimension, mass * mass, { spacing, sites });
    // Translation invariance: row 0 of the inverse is G(x - 0) at every site x, and any row is a shift of it.
    for (let flat = 0; flat < table.length; flat++) expect(Math.abs(inverse[0]![flat]! - table[flat]!)).toBeLessThan(1e-12 * table[0]!);
    const last = table.length - 1;
    expect(Math.abs(inverse[last]![last]! - table[0]!)).toBeLessThan(1e-12 * table[0]!);
  });

  it('reproduces the nearest-neighbour phi^2 per site on 32 x 32, a = 0.25, m = 1 (0.4933)', () => {
    const table = latticePropagatorTable(2, 1, { spacing: 0.25, sites: 32 });
    expect(table[0]!).toBeCloseTo(0.4933, 4);
  });

  it('a free lattice target returns the lattice propagator exactly (method auto -> free)', async () => {
    const { theory } = await loadTargetObject({
      nnftTarget: 1,
      name: 'free-lattice-1d',
      dimension: 1,
      action: { free: { kind: 'klein-gordon', mass: 1 } },
      regulator: { momentumCutoff: null, lattice: { spacing: 0.5, sites: 16, boundary: 'periodic' } },
      observables: { points: [[0], [0.5], [-4], [3.5]], connected: [2, 4] },
    });
    const result = await computeTargetCorrelators(theory);
    expect(result.method).toBe('free');
    const block = result.correlators.find((candidate) => candidate.order === 2)!;
    const sitesOf = [0, 1, -8, 7];
    block.indices.forEach(([i, j], k) => {
      const n = (((sitesOf[i!]! - sitesOf[j!]!) % 16) + 16) % 16;
      expect(Math.abs(block.values[k]! - closedFormD1(1, 0.5, 16, n))).toBeLessThan(1e-13);
      expect(block.stderr[k]).toBe(0);
    });
    expect(result.correlators.find((candidate) => candidate.order === 4)!.values.every((value) => value === 0)).toBe(true);
  });
});
