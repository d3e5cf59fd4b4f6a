import { describe, expect, it } from 'vitest';
import { chiSquaredSurvival, fSurvival, regularizedBeta, regularizedGammaP } from '../../src/numeric/distributions.js';

describe('chi^2 and F tail probabilities', () => {
  it('match tabulated quantiles', () => {
    // 95% points: chi^2_1 3.841459, chi^2_10 18.307038, chi^2_45 61.656233; F(5, 10) 3.325835, F(45, 90) 1.470 (approx.)
    expect(chiSquaredSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(61.656233, 45)).toBeCloseTo(0.05, 6);
    expect(fSurvival(3.325835, 5, 10)).toBeCloseTo(0.05, 6);
    // F(1, nu) is t^2: P(|t_4| >= 2.776445) = 0.05.
    expect(fSurvival(2.776445 ** 2, 1, 4)).toBeCloseTo(0.05, 6);
  });

  it('have the closed forms of small cases', () => {
    // P(1, x) = 1 - e^-x; I_x(1, 1) = x; I_x(a, 1) = x^a.
    for (const x of [0.1, 1, 3.7, 12]) expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
    for (const x of [0.05, 0.5, 0.93]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedBeta(x, 2.5, 1)).toBeCloseTo(x ** 2.5, 12);
    }
    // chi^2_2 survival is e^(-x/2).
    for (const x of [0.3, 2, 9]) expect(chiSquaredSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
  });
});
