/**
 * First-order perturbation theory of a lattice-regulated target (src/correlators/lattice-regulator.ts)
 * against two independent computations:
 *  - brute force: the O(g) change of every moment, -<O S_1> + <O><S_1> with S_1 = a^d sum_z P(phi_z)/n!,
 *    by Isserlis' theorem over the covariance from a dense inverse of the lattice operator (no
 *    propagator table, no vertex formula), then cumulants of the moments;
 *  - for G2, the mass derivative: the tadpole is the exact propagator at m^2 + (lambda/2) G(0) to first
 *    order, since a^d sum_z G(x - z) G(z - y) = -dG(x - y)/dm^2.
 */
import { describe, expect, it } from 'vitest';
import { computeLatticePerturbative, latticePropagatorTable } from '../../src/correlators/lattice-regulator.js';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { wickOrderedPower } from '../../src/correlators/polynomial-potential.js';
import { loadTargetObject } from '../../src/theory/load-target.js';
import type { Theory } from '../../src/theory/theory.js';
import { gaussianMoment, invert, latticeOperator } from './lattice-oracles.js';

interface Term {
  power: number;
  coupling: number;
  wickOrdered?: boolean;
}

async function latticeTheory(dimension: number, sites: number, spacing: number, mass: number, terms: Term[], points: number[][], connected: number[]): Promise<Theory> {
  const { theory } = await loadTargetObject({
    nnftTarget: 1,
    name: 'pt-lattice',
    dimension,
    action: { free: { kind: 'klein-gordon', mass }, interactions: terms.map((term) => ({ kind: 'local', ...term })) },
    regulator: { momentumCutoff: null, lattice: { spacing, sites, boundary: 'periodic' } },
    observables: { points, connected },
    targetCorrelators: { method: 'perturbative' },
  });
  return theory;
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** Flat site index of a point (coordinates multiples of a, row-major, periodic). */
function siteOf(point: readonly number[], sites: number, spacing: number): number {
  return point.reduce((flat, coordinate) => flat * sites + ((((Math.round(coordinate / spacing)) % sites) + sites) % sites), 0);
}

/**
 * Brute-force first-order connected correlators: moments to O(g) from Isserlis' theorem, then the
 * cumulants (zero mean at g = 0, so G_c2 = M2, G_c3 = M3 - sum_3 M1 M2, G_c4 = M4 - sum_3 M2 M2, each to O(g)).
 */
function bruteForce(dimension: number, sites: number, spacing: number, mass: number, terms: Term[], tuple: number[]): number {
  const covariance = invert(latticeOperator(dimension, sites, spacing, mass));
  const total = sites ** dimension;
  const volume = spacing ** dimension;
  // S_1 per site as a polynomial sum_k c_k phi^k (Wick ordering with respect to the dense inverse's diagonal).
  const polynomial: number[] = [];
  for (const term of terms) {
    const base = term.wickOrdered ? wickOrderedPower(term.power, covariance[0]![0]!) : Array.from({ length: term.power + 1 }, (_, k) => (k === term.power ? 1 : 0));
    base.forEach((value, k) => (polynomial[k] = (polynomial[k] ?? 0) + (term.coupling / factorial(term.power)) * value));
  }
  const moment = (indices: number[]): number => gaussianMoment(indices, covariance);
  // first-order change of E[prod phi_indices]
  const change = (indices: number[]): number => {
    let sum = 0;
    for (let z = 0; z < total; z++) {
      polynomial.forEach((c, k) => {
        if (!c) return;
        const zs = new Array<number>(k).fill(z);
        sum += c * (moment([...indices, ...zs]) - moment(indices) * moment(zs));
      });
    }
    return -volume * sum;
  };
  const order0 = (indices: number[]): number => moment(indices);
  if (tuple.length === 2) return order0(tuple) + change(tuple);
  if (tuple.length === 3) {
    const [a, b, c] = tuple as [number, number, number];
    return change(tuple) - (change([a]) * order0([b, c]) + change([b]) * order0([a, c]) + change([c]) * order0([a, b]));
  }
  const [a, b, c, d] = tuple as [number, number, number, number];
  const pair = (x: number, y: number, u: number, v: number): number => change([x, y]) * order0([u, v]) + order0([x, y]) * change([u, v]);
  return change(tuple) - (pair(a, b, c, d) + pair(a, c, b, d) + pair(a, d, b, c));
}

function checkAgainstBruteForce(theory: Theory, dimension: number, sites: number, spacing: number, mass: number, terms: Term[]): number {
  const result = computeLatticePerturbative(theory);
  let largest = 0;
  for (const block of result.correlators) {
    block.indices.forEach((tuple, k) => {
      const expected = bruteForce(dimension, sites, spacing, mass, terms, tuple.map((i) => siteOf(theory.points[i]!, sites, spacing)));
      expect(Math.abs(block.values[k]! - expected), `order ${block.order} [${tuple}]`).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
      largest = Math.max(largest, Math.abs(expected));
    });
  }
  return largest;
}

describe('first-order perturbation theory on the lattice', () => {
  it('phi^4 in d = 1 (L = 4) equals the brute-force Gaussian moments', async () => {
    const terms = [{ power: 4, coupling: 1.3 }];
    const theory = await latticeTheory(1, 4, 0.5, 1, terms, [[0], [0.5], [-1]], [2, 4]);
    expect(checkAgainstBruteForce(theory, 1, 4, 0.5, 1, terms)).toBeGreaterThan(0.1);
  });

  it('phi^4 + phi^6 + a mass shift in d = 2 (4 x 4) equal the brute force (tadpoles of phi^6 reach G_c4)', async () => {
    const terms = [{ power: 4, coupling: 0.8 }, { power: 6, coupling: 0.3 }, { power: 2, coupling: 0.2 }];
    const theory = await latticeTheory(2, 4, 0.5, 1, terms, [[0, 0], [0.5, 0], [0.5, -1]], [2, 4]);
    checkAgainstBruteForce(theory, 2, 4, 0.5, 1, terms);
  });

  it('phi^3 in d = 2 gives G_c3 and no first-order G2 shift; Wick-ordered phi^4 shifts no G2', async () => {
    const cubic = [{ power: 3, coupling: 0.7 }];
    checkAgainstBruteForce(await latticeTheory(2, 4, 0.5, 1.2, cubic, [[0, 0], [0, 0.5]], [2, 3]), 2, 4, 0.5, 1.2, cubic);
    const wick = [{ power: 4, coupling: 2, wickOrdered: true }];
    const theory = await latticeTheory(2, 4, 0.5, 1, wick, [[0, 0], [0.5, 0.5]], [2, 4]);
    checkAgainstBruteForce(theory, 2, 4, 0.5, 1, wick);
    const table = latticePropagatorTable(2, 1, { spacing: 0.5, sites: 4 });
    const g2 = computeLatticePerturbative(theory).correlators.find((block) => block.order === 2)!;
    expect(g2.values[0]).toBeCloseTo(table[0]!, 14);
  });

  it.each([
    { dimension: 2, sites: 16, spacing: 0.25 },
    { dimension: 3, sites: 8, spacing: 0.5 },
  ])('the G2 tadpole is the mass derivative of the exact lattice propagator (d = $dimension)', async ({ dimension, sites, spacing }) => {
    const lambda = 0.9;
    const points = [new Array(dimension).fill(0), [spacing, ...new Array(dimension - 1).fill(0)], new Array(dimension).fill(2 * spacing)];
    const theory = await latticeTheory(dimension, sites, spacing, 1, [{ power: 4, coupling: lambda }], points, [2]);
    const values = computeLatticePerturbative(theory).correlators[0]!;
    const h = 1e-4;
    const upper = latticePropagatorTable(dimension, 1 + h, { spacing, sites });
    const lower = latticePropagatorTable(dimension, 1 - h, { spacing, sites });
    const free = latticePropagatorTable(dimension, 1, { spacing, sites });
    values.indices.forEach(([i, j], k) => {
      const separation = points[i!]!.map((c, axis) => c - points[j!]![axis]!);
      const flat = siteOf(separation, sites, spacing);
      const derivative = (upper[flat]! - lower[flat]!) / (2 * h);
      const expected = free[flat]! + (lambda / 2) * free[0]! * derivative;
      expect(Math.abs(values.values[k]! - expected)).toBeLessThan(1e-8 * free[0]!);
      // The shift is not small: a slip in its coefficient would show.
      expect(Math.abs(values.values[k]! - free[flat]!)).toBeGreaterThan(1e-3 * free[0]!);
    });
  });

  it('nnft target --method perturbative on a lattice target uses the lattice sums', async () => {
    const terms = [{ power: 4, coupling: 1 }];
    const theory = await latticeTheory(1, 4, 0.5, 1, terms, [[0], [0.5]], [2, 4]);
    const result = await computeTargetCorrelators(theory);
    expect(result.method).toBe('perturbative');
    expect(result.correlators).toEqual(computeLatticePerturbative(theory).correlators);
    expect(result.caveats.join(' ')).toMatch(/lattice/);
  });
});
