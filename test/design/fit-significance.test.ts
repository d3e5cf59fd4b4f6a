/**
 * The significance test of a fitted move: a common-mode fluctuation shared by every residual of one
 * sample is the classic case a diagonal chi^2 mistakes for signal.
 */
import { describe, expect, it } from 'vitest';
import { chiSquaredQuantile95, moveSignificance } from '../../src/design/fit-significance.js';

describe('fitted-move significance', () => {
  it('chi^2 95% quantiles (Wilson-Hilferty) match the tables (exact to 6 degrees of freedom, Wilson-Hilferty within 1% beyond)', () => {
    expect(chiSquaredQuantile95(1)).toBeCloseTo(3.841, 3);
    expect(Math.abs(chiSquaredQuantile95(7) / 14.067 - 1)).toBeLessThan(0.01);
    expect(chiSquaredQuantile95(4) / 9.488 - 1).toBeLessThan(0.01);
    expect(Math.abs(chiSquaredQuantile95(10) / 18.307 - 1)).toBeLessThan(0.01);
  });

  it('measures a move in units of the common-mode noise of the batches, plus the target noise', () => {
    const T = 12;
    const K = 2; // parameter 1 is frozen
    const jacobian = new Float64Array(T * K);
    for (let t = 0; t < T; t++) jacobian[t * K] = 1;
    // Batch residuals: a common shift c_b on every value; batch spread 0.8, so the full sample's
    // estimate of the shift has standard error 0.8 / sqrt(16) = 0.2 (in residual units).
    const shifts = [0.8, -0.8, 0.8, -0.8, 0.8, -0.8, 0.8, -0.8, 0.8, -0.8, 0.8, -0.8, 0.8, -0.8, 0.8, -0.8];
    const spread = Math.sqrt(shifts.reduce((sum, c) => sum + c * c, 0) / 15);
    const batchResiduals = shifts.map((c) => new Float64Array(T).fill(c));
    const noiseFree = new Float64Array(T);
    const input = { jacobian, parameterCount: K, free: [0], batchResiduals, targetNoise: noiseFree };
    const standardError = spread / 4;
    const small = moveSignificance({ ...input, delta: [1.5 * standardError, 0] });
    expect(small.distanceSquared).toBeCloseTo(2.25, 6);
    expect(small.significant).toBe(false);
    expect(moveSignificance({ ...input, delta: [3 * standardError, 0] }).significant).toBe(true);
    // Target errors of 1 (residual units) on each of 12 values add 1/12 to the variance of the shift.
    const withTarget = moveSignificance({ ...input, targetNoise: new Float64Array(T).fill(1), delta: [3 * standardError, 0] });
    expect(withTarget.distanceSquared).toBeCloseTo((9 * standardError ** 2) / (standardError ** 2 + 1 / 12), 6);
  });

  it('counts a common-mode shift of the target by its errors (a Monte Carlo target)', () => {
    const T = 12;
    const jacobian = new Float64Array(T);
    jacobian.fill(1);
    const input = { jacobian, parameterCount: 1, free: [0], batchResiduals: [], targetNoise: new Float64Array(T).fill(0.5) };
    // Independent target errors of 0.5 on 12 values pin the shift to 0.5 / sqrt(12) = 0.144: a move of
    // 0.5 looks like 3.5 sigma. Allowing a common shift by the errors too, it is within 1 sigma.
    expect(moveSignificance({ ...input, delta: [0.5] }).marginalZ[0]).toBeCloseTo(Math.sqrt(12), 6);
    const grouped = moveSignificance({ ...input, targetGroups: [Array.from({ length: T }, (_, t) => t)], delta: [0.5] });
    expect(grouped.marginalZ[0]).toBeCloseTo(0.5 / Math.sqrt(0.25 / 12 + 0.25), 6);
    expect(grouped.significant).toBe(false);
  });
});
