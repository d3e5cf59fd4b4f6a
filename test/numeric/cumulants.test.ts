import { describe, expect, it } from 'vitest';
import {
  cumulantCoefficient,
  cumulantDerivativeAlong,
  cumulantRecipe,
  evaluateCumulant,
  evaluateCumulantWithTangents,
  evenPartitions,
  jointCumulant,
  memoizeMoments,
  momentFromCumulants,
  setPartitions,
} from '../../src/numeric/cumulants.js';
import { monomialTable } from '../../src/estimators/monomials.js';

/** Raw moments of one variable as the depth-first monomial table of one point orders 1..n holds them. */
const table = monomialTable(1, 6);
const cumulant = (order: number, moments: number[], evenOnly = false) =>
  evaluateCumulant(cumulantRecipe(new Array(order).fill(0), (sub) => table.indexOf(sub), evenOnly), Float64Array.from(moments));

describe('moments -> cumulants (hand-worked formulas)', () => {
  it('G_c4 = m4 - 3 m2^2 for a zero-mean variable, even-only and in full', () => {
    const [m2, m4] = [0.7, 1.9];
    expect(cumulant(4, [0, m2, 0, m4, 0, 0], true)).toBeCloseTo(m4 - 3 * m2 * m2, 15);
    expect(cumulant(4, [0, m2, 0, m4, 0, 0])).toBeCloseTo(m4 - 3 * m2 * m2, 15);
  });

  it('the general set-partition formula with a mean: kappa_3 and kappa_4', () => {
    const [m1, m2, m3, m4] = [0.3, 0.8, 0.45, 1.7];
    expect(cumulant(3, [m1, m2, m3, m4, 0, 0])).toBeCloseTo(m3 - 3 * m2 * m1 + 2 * m1 ** 3, 14);
    expect(cumulant(4, [m1, m2, m3, m4, 0, 0])).toBeCloseTo(m4 - 4 * m3 * m1 - 3 * m2 ** 2 + 12 * m2 * m1 ** 2 - 6 * m1 ** 4, 14);
  });

  it('every cumulant of a Poisson variable is its mean', () => {
    const l = 0.7;
    // Touchard polynomials: raw moments of Poisson(l), indexed by the depth-first table (orders 1..6 of point 0).
    const moments = [l, l + l ** 2, l ** 3 + 3 * l ** 2 + l, l ** 4 + 6 * l ** 3 + 7 * l ** 2 + l, l ** 5 + 10 * l ** 4 + 25 * l ** 3 + 15 * l ** 2 + l, l ** 6 + 15 * l ** 5 + 65 * l ** 4 + 90 * l ** 3 + 31 * l ** 2 + l];
    for (let order = 1; order <= 6; order++) expect(cumulant(order, moments)).toBeCloseTo(l, 12);
  });

  it('even-only formulas give the uniform distribution cumulants -2/15 and 16/63', () => {
    const moments = [0, 1 / 3, 0, 1 / 5, 0, 1 / 7];
    expect(cumulant(4, moments, true)).toBeCloseTo(-2 / 15, 14);
    expect(cumulant(6, moments, true)).toBeCloseTo(16 / 63, 14);
  });

  it('partition counts and weights: Bell numbers, even partitions, (-1)^(b-1) (b-1)!', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => setPartitions(n).length)).toEqual([1, 2, 5, 15, 52, 203]);
    // even partitions of 6: {6}, 15 x {4, 2}, 15 x {2, 2, 2}
    expect([2, 4, 6].map((n) => evenPartitions(n).length)).toEqual([1, 4, 31]);
    expect([1, 2, 3, 4, 5].map(cumulantCoefficient)).toEqual([1, -1, 2, -6, 24]);
  });

  it('jointCumulant of mixed points: kappa(X, X, Y, Y) for zero-mean Gaussian-like moments is the 4th cumulant', () => {
    // Moments of (X, Y) with E[XX] = a, E[YY] = b, E[XY] = c and a chosen joint fourth moment.
    const [a, b, c, m4] = [1.2, 0.9, 0.4, 1.5];
    const moment = memoizeMoments((sorted) => {
      const key = sorted.join(',');
      const known: Record<string, number> = { '': 1, '0,0': a, '1,1': b, '0,1': c, '0,0,1,1': m4 };
      return known[key] ?? 0;
    });
    expect(jointCumulant([0, 0, 1, 1], moment)).toBeCloseTo(m4 - a * b - 2 * c * c, 15);
  });
});

describe('cumulants -> moments', () => {
  it('momentFromCumulants inverts the cumulant recipe (with a mean, and zero-mean even-only)', () => {
    const kappa = [0.3, 0.8, -0.2, 0.5, 0.1, -0.4];
    const moments = Array.from({ length: 6 }, (_, k) => momentFromCumulants(k + 1, (block) => kappa[block.length - 1]!, false));
    for (let order = 1; order <= 6; order++) expect(cumulant(order, moments)).toBeCloseTo(kappa[order - 1]!, 13);
    const even = [0, 0.8, 0, 0.5, 0, -0.4];
    const evenMoments = Array.from({ length: 6 }, (_, k) => momentFromCumulants(k + 1, (block) => even[block.length - 1]!, true));
    expect(evenMoments[3]).toBeCloseTo(0.5 + 3 * 0.8 ** 2, 15);
    for (const order of [2, 4, 6]) expect(cumulant(order, evenMoments, true)).toBeCloseTo(even[order - 1]!, 13);
  });
});

describe('the cumulant Jacobian', () => {
  it('matches central finite differences of the cumulant in the moments', () => {
    const pointTable = monomialTable(2, 4);
    const J = pointTable.tuples.length;
    const K = 2;
    // Moments as smooth functions of two parameters theta.
    const momentsAt = (theta: readonly number[]) => Float64Array.from(pointTable.tuples, (tuple, j) => Math.sin(0.3 * j + theta[0]!) * (1 + 0.2 * tuple.length * theta[1]!) + 0.1 * j);
    const tangentsAt = (theta: readonly number[]) => {
      const out = new Float64Array(J * K);
      pointTable.tuples.forEach((tuple, j) => {
        out[j * K] = Math.cos(0.3 * j + theta[0]!) * (1 + 0.2 * tuple.length * theta[1]!);
        out[j * K + 1] = Math.sin(0.3 * j + theta[0]!) * 0.2 * tuple.length;
      });
      return out;
    };
    const theta = [0.4, -0.7];
    for (const [tuple, evenOnly] of [[[0, 1, 1], false], [[0, 0, 1, 1], false], [[0, 1, 1, 1], true]] as const) {
      const recipe = cumulantRecipe([...tuple], (sub) => pointTable.indexOf(sub), evenOnly);
      const gradient = new Float64Array(K);
      const value = evaluateCumulantWithTangents(recipe, momentsAt(theta), tangentsAt(theta), K, gradient, 0);
      expect(value).toBe(evaluateCumulant(recipe, momentsAt(theta)));
      for (let k = 0; k < K; k++) {
        const h = 1e-5;
        const up = theta.map((v, i) => (i === k ? v + h : v));
        const down = theta.map((v, i) => (i === k ? v - h : v));
        const difference = (evaluateCumulant(recipe, momentsAt(up)) - evaluateCumulant(recipe, momentsAt(down))) / (2 * h);
        expect(Math.abs(gradient[k]! - difference), `tuple ${tuple} theta_${k}`).toBeLessThan(1e-8);
        expect(Math.abs(gradient[k]!)).toBeGreaterThan(1e-5);
      }
    }
  });

  it('the derivative along a change of the moments is the gradient contracted with it, and a finite difference', () => {
    const pointTable = monomialTable(2, 4);
    const moments = Float64Array.from(pointTable.tuples, (_, j) => 0.4 + Math.sin(1.3 * j));
    const change = Float64Array.from(pointTable.tuples, (_, j) => Math.cos(0.7 * j));
    for (const tuple of [[0, 1], [0, 0, 1], [0, 0, 1, 1]]) {
      const recipe = cumulantRecipe(tuple, (sub) => pointTable.indexOf(sub), false);
      const along = cumulantDerivativeAlong(recipe, moments, change);
      const gradient = new Float64Array(1);
      evaluateCumulantWithTangents(recipe, moments, change, 1, gradient, 0);
      expect(along).toBeCloseTo(gradient[0]!, 13);
      const h = 1e-6;
      const shifted = (t: number) => evaluateCumulant(recipe, moments.map((m, j) => m + t * change[j]!));
      expect(Math.abs(along - (shifted(h) - shifted(-h)) / (2 * h))).toBeLessThan(1e-8);
      expect(Math.abs(along)).toBeGreaterThan(1e-3);
    }
  });
});
