import { describe, expect, it } from 'vitest';
import {
  CompensatedSum,
  compensatedSum,
  gaussLegendreRule,
  integrateAdaptive,
  integrateBox,
  integrateGaussLegendre,
  integrateTanhSinh,
} from '../../src/numeric/index.js';

describe('compensated sums', () => {
  it('keeps the small terms that naive summation loses', () => {
    expect(compensatedSum([1, 1e100, 1, -1e100])).toBe(2);
    const sum = new CompensatedSum();
    for (let i = 0; i < 1_000_000; i++) sum.add(0.1);
    expect(Math.abs(sum.value - 100_000)).toBeLessThan(1e-9);
  });
});

describe('Gauss-Legendre', () => {
  it('has the known 5-point nodes and weights summing to 2', () => {
    const { nodes, weights } = gaussLegendreRule(5);
    expect(nodes[3]).toBeCloseTo(Math.sqrt(5 - 2 * Math.sqrt(10 / 7)) / 3, 15);
    expect(nodes[2]).toBe(0);
    expect(weights[2]).toBeCloseTo(128 / 225, 15);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 14);
  });

  it('integrates polynomials of degree 2n-1 exactly, for n up to 100', () => {
    for (const n of [1, 2, 7, 20, 64, 100]) {
      const degree = 2 * n - 1;
      const value = integrateGaussLegendre((x) => x ** (degree - 1) * (1 + x), 0, 1, n);
      expect(Math.abs(value - (1 / degree + 1 / (degree + 1)))).toBeLessThan(1e-14);
    }
  });
});

describe('adaptive Gauss-Kronrod', () => {
  it('integrates smooth functions on finite ranges to the requested tolerance, with an honest error', () => {
    const result = integrateAdaptive((x) => Math.exp(x) * Math.cos(5 * x), 0, 3);
    const exact = (Math.exp(3) * (Math.cos(15) + 5 * Math.sin(15)) - 1) / 26;
    expect(Math.abs(result.value - exact)).toBeLessThan(1e-12);
    expect(result.converged).toBe(true);
    expect(result.error).toBeGreaterThanOrEqual(0);
  });

  it('is exact for degree-22 polynomials on a single panel (Kronrod 15-point)', () => {
    const result = integrateAdaptive((x) => x ** 22, 0, 1, { relativeTolerance: 1e-2 });
    expect(result.evaluations).toBe(15);
    expect(Math.abs(result.value - 1 / 23)).toBeLessThan(1e-15);
  });

  it('maps semi-infinite and infinite ranges', () => {
    expect(integrateAdaptive((x) => Math.exp(-x), 0, Infinity).value).toBeCloseTo(1, 11);
    expect(integrateAdaptive((x) => 1 / (1 + x * x), -Infinity, Infinity).value).toBeCloseTo(Math.PI, 9);
    expect(integrateAdaptive((x) => Math.exp(x), -Infinity, 0).value).toBeCloseTo(1, 11);
  });

  it('reports non-convergence rather than a silent wrong answer', () => {
    const result = integrateAdaptive((x) => Math.sin(1 / x), 1e-9, 1, { maxPanels: 20 });
    expect(result.converged).toBe(false);
    expect(result.error).toBeGreaterThan(1e-10);
  });
});

describe('tanh-sinh', () => {
  it('handles integrable endpoint singularities', () => {
    const inverseRoot = integrateTanhSinh((x) => 1 / Math.sqrt(x), 0, 1);
    expect(Math.abs(inverseRoot.value - 2)).toBeLessThan(1e-9);
    const logarithm = integrateTanhSinh((x) => Math.log(x), 0, 1);
    expect(Math.abs(logarithm.value + 1)).toBeLessThan(1e-10);
    expect(logarithm.converged).toBe(true);
  });
});

describe('box cubature', () => {
  it('integrates separable functions in 3 dimensions with an error estimate that bounds the truth', () => {
    const result = integrateBox((p) => Math.exp(p[0]! + p[1]! + p[2]!), [0, 0, 0], [1, 1, 1], { order: 4 });
    const exact = (Math.E - 1) ** 3;
    expect(result.converged).toBe(true);
    expect(Math.abs(result.value - exact)).toBeLessThanOrEqual(Math.max(result.error, 1e-12));
    expect(Math.abs(result.value - exact)).toBeLessThan(1e-8);
  });
});

describe('FFT', () => {
  it('matches a direct DFT in 2 dimensions and inverts exactly', async () => {
    const { fftNd } = await import('../../src/numeric/index.js');
    const size = 8;
    const re = Float64Array.from({ length: size * size }, (_, i) => Math.sin(1.3 * i) + 0.1 * i);
    const im = Float64Array.from({ length: size * size }, (_, i) => Math.cos(0.7 * i));
    const originalRe = re.slice();
    const originalIm = im.slice();
    fftNd(re, im, size, 2);
    for (const [k1, k2] of [[0, 0], [1, 3], [7, 5], [4, 4]] as const) {
      let sumRe = 0;
      let sumIm = 0;
      for (let x1 = 0; x1 < size; x1++)
        for (let x2 = 0; x2 < size; x2++) {
          const angle = (-2 * Math.PI * (k1 * x1 + k2 * x2)) / size;
          const fr = originalRe[x1 * size + x2]!;
          const fi = originalIm[x1 * size + x2]!;
          sumRe += fr * Math.cos(angle) - fi * Math.sin(angle);
          sumIm += fr * Math.sin(angle) + fi * Math.cos(angle);
        }
      expect(re[k1 * size + k2]).toBeCloseTo(sumRe, 11);
      expect(im[k1 * size + k2]).toBeCloseTo(sumIm, 11);
    }
    fftNd(re, im, size, 2, true);
    for (let i = 0; i < size * size; i++) {
      expect(re[i]).toBeCloseTo(originalRe[i]!, 13);
      expect(im[i]).toBeCloseTo(originalIm[i]!, 13);
    }
  });
});
