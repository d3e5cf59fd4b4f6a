import { describe, expect, it } from 'vitest';
import { freePropagator, propagatorAtZero } from '../../src/correlators/free-propagator.js';
import { NnftError } from '../../src/errors.js';
import type { Dimension } from '../../src/theory/theory.js';

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

// Regulated propagators from an independent 30-digit radial quadrature (mpmath), with a cutoff.
const REGULATED: [Dimension, number, number, number, number][] = [
  [1, 1, 30, 0.7, 0.248735041483415543],
  [2, 1, 10, 0.5, 0.139715125460942423],
  [2, 1, 10, 3.3, 0.00436800693294480949],
  [3, 0.5, 20, 1.2, 0.0357166307418302744],
  [4, 1, 8, 0.9, 0.0110712671627297753],
  [4, 2, 15, 0.05, 1.27462365546524487],
  [1, 1, 30, 10, -0.0000126123746862903654],
];

describe('G_Lambda(0)', () => {
  it('matches the closed forms in d = 1..4', () => {
    const m = 1.3;
    const cutoff = 7;
    const ratio = cutoff / m;
    expect(propagatorAtZero(1, m, null)).toBe(1 / (2 * m));
    expect(relative(propagatorAtZero(1, m, cutoff), Math.atan(ratio) / (Math.PI * m))).toBeLessThan(1e-15);
    expect(relative(propagatorAtZero(2, m, cutoff), Math.log(1 + ratio ** 2) / (4 * Math.PI))).toBeLessThan(1e-14);
    expect(relative(propagatorAtZero(3, m, cutoff), (cutoff - m * Math.atan(ratio)) / (2 * Math.PI ** 2))).toBeLessThan(1e-14);
    expect(relative(propagatorAtZero(4, m, cutoff), (cutoff ** 2 - m ** 2 * Math.log(1 + ratio ** 2)) / (16 * Math.PI ** 2))).toBeLessThan(1e-14);
  });

  it('refuses divergent cases with E_SEMANTIC and a hint', () => {
    for (const d of [2, 3, 4] as const) {
      let caught: unknown;
      try {
        propagatorAtZero(d, 1, null);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(NnftError);
      expect((caught as NnftError).code).toBe('E_SEMANTIC');
      expect((caught as NnftError).hint).toMatch(/momentumCutoff/);
      expect(() => freePropagator(d, 1, null, 0)).toThrowError(NnftError);
    }
    expect(() => freePropagator(1, -1, null, 0.5)).toThrowError(/mass/);
    expect(() => freePropagator(1, 1, null, -0.5)).toThrowError(/distance/);
  });
});

describe('G_Lambda(r)', () => {
  it('uses the unregulated closed forms without a cutoff', () => {
    expect(freePropagator(1, 2, null, 0.8)).toBe(Math.exp(-1.6) / 4);
    expect(relative(freePropagator(2, 1, null, 1), 0.421024438240708333 / (2 * Math.PI))).toBeLessThan(1e-13);
    expect(relative(freePropagator(3, 1, null, 2), Math.exp(-2) / (8 * Math.PI))).toBeLessThan(1e-15);
    expect(relative(freePropagator(4, 1, null, 1), 0.601907230197234575 / (4 * Math.PI ** 2))).toBeLessThan(1e-13);
  });

  it.each(REGULATED)('d=%i m=%f Lambda=%f r=%f matches an independent quadrature to 1e-9', (d, m, cutoff, r, expected) => {
    const value = freePropagator(d, m, cutoff, r);
    // Relative to G(0) where the value itself is tiny ringing, else relative to the value.
    expect(Math.abs(value - expected)).toBeLessThan(1e-9 * Math.max(Math.abs(expected), 1e-3 * propagatorAtZero(d, m, cutoff)));
  });

  it('is continuous at r = 0 and equals propagatorAtZero there exactly', () => {
    for (const d of [1, 2, 3, 4] as const) {
      const zero = propagatorAtZero(d, 1, 12);
      expect(freePropagator(d, 1, 12, 0)).toBe(zero);
      expect(relative(freePropagator(d, 1, 12, 1e-7), zero)).toBeLessThan(1e-8);
    }
  });

  it('approaches the unregulated propagator as the cutoff grows (d = 1, 3)', () => {
    // d=1: the tail int_Lambda^inf cos(pr)/(p^2+m^2) dp/pi is O(1/(Lambda^2 r)).
    expect(Math.abs(freePropagator(1, 1, 2000, 1) - Math.exp(-1) / 2)).toBeLessThan(1e-6);
    expect(Math.abs(freePropagator(3, 1, 2000, 1) - Math.exp(-1) / (4 * Math.PI))).toBeLessThan(1e-3 * Math.exp(-1) / (4 * Math.PI));
  });

  it('is fast enough to tabulate: 400 evaluations at Lambda = 30 in well under a second', () => {
    const start = performance.now();
    for (let i = 1; i <= 400; i++) freePropagator(2, 1, 30, i * 0.02);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
