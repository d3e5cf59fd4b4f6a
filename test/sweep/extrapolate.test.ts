import { describe, expect, it } from 'vitest';
import { extrapolateToInfiniteWidth } from '../../src/sweep/extrapolate.js';
import { Rng } from '../../src/random/index.js';

const widths = [32, 64, 128, 256];

describe('infinite-width extrapolation', () => {
  it('recovers O_inf and c1 exactly from noiseless O_inf + c1/N', () => {
    const values = widths.map((width) => 0.42 - 3.1 / width);
    const fit = extrapolateToInfiniteWidth(widths, values, widths.map(() => 0.01));
    expect(Math.abs(fit.value - 0.42)).toBeLessThan(1e-12);
    expect(Math.abs(fit.coefficients[1]! + 3.1)).toBeLessThan(1e-10);
    expect(fit.chiSquared).toBeLessThan(1e-20);
    expect(fit.degreesOfFreedom).toBe(2);
  });

  it('with two widths matches the closed form and its error propagation', () => {
    const [n1, n2, o1, o2, s1, s2] = [50, 200, 1.3, 1.1, 0.02, 0.05];
    const fit = extrapolateToInfiniteWidth([n1, n2], [o1, o2], [s1, s2]);
    expect(fit.value).toBeCloseTo((n2 * o2 - n1 * o1) / (n2 - n1), 12);
    expect(fit.stderr).toBeCloseTo(Math.sqrt(n2 ** 2 * s2 ** 2 + n1 ** 2 * s1 ** 2) / (n2 - n1), 12);
    expect(fit.chiSquaredPerDof).toBeNull();
  });

  it('the quadratic model recovers O_inf + c1/N + c2/N^2', () => {
    const values = widths.map((width) => -0.03 + 0.5 / width + 40 / width ** 2);
    const fit = extrapolateToInfiniteWidth(widths, values, widths.map(() => 1e-3), 2);
    expect(Math.abs(fit.value + 0.03)).toBeLessThan(1e-10);
    expect(fit.coefficients[2]).toBeCloseTo(40, 6);
  });

  it('synthetic noisy data: pulls of O_inf are standard normal and chi^2/dof averages 1 (fixed seed)', () => {
    const rng = Rng.fromTree(20240701, 'sweep-extrapolation-test');
    const trueValue = 0.25;
    const slope = -2;
    const errors = [0.004, 0.003, 0.002, 0.002];
    const repetitions = 400;
    let pullSum = 0;
    let pullSquares = 0;
    let chiSquaredSum = 0;
    let largestPull = 0;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const values = widths.map((width, k) => trueValue + slope / width + errors[k]! * rng.normal());
      const fit = extrapolateToInfiniteWidth(widths, values, errors);
      const pull = (fit.value - trueValue) / fit.stderr;
      pullSum += pull;
      pullSquares += pull * pull;
      chiSquaredSum += fit.chiSquaredPerDof!;
      largestPull = Math.max(largestPull, Math.abs(pull));
    }
    const meanPull = pullSum / repetitions;
    const pullVariance = pullSquares / repetitions - meanPull ** 2;
    // Mean of 400 standard normals: stderr 0.05. Variance estimate: stderr sqrt(2/400) = 0.071.
    expect(Math.abs(meanPull)).toBeLessThan(4 * 0.05);
    expect(Math.abs(pullVariance - 1)).toBeLessThan(4 * 0.071);
    // chi^2/dof with 2 dof has variance 1 per fit: mean over 400 has stderr 0.05.
    expect(Math.abs(chiSquaredSum / repetitions - 1)).toBeLessThan(4 * 0.05);
    expect(largestPull).toBeLessThan(5);
  });

  it('refuses too few widths and non-positive widths', () => {
    expect(() => extrapolateToInfiniteWidth([64, 64], [1, 1], [0.1, 0.1])).toThrow(/distinct widths/);
    expect(() => extrapolateToInfiniteWidth([0, 64], [1, 1], [0.1, 0.1])).toThrow(/positive widths/);
  });
});
