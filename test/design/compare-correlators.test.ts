import { describe, expect, it } from 'vitest';
import { compareCorrelators } from '../../src/design/compare-correlators.js';
import type { CorrelatorResult } from '../../src/io/result.js';

function result(kind: CorrelatorResult['kind'], two: number[], twoErr: number[], four: number[], fourErr: number[]): CorrelatorResult {
  return {
    nnftResult: 1,
    kind,
    points: [[0], [1]],
    correlators: [
      { order: 2, indices: [[0, 0], [0, 1], [1, 1]], values: two, stderr: twoErr },
      { order: 4, indices: [[0, 0, 0, 0], [0, 0, 0, 1]], values: four, stderr: fourErr },
    ],
  };
}

describe('compareCorrelators', () => {
  it('treats an order whose target is round-off as zero: the scale is G(0)^(n/2), not 7e-16', () => {
    // A Gaussian theory's G_c4 from a numerical method (the spectral solver gives ~7e-16).
    const target = result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [7e-16, -3e-16], [1e-16, 1e-16]);
    const achieved = result('ensemble-correlators', [0.5, 0.2, 0.5], [0.01, 0.01, 0.01], [0.005, 0.001], [0.001, 0.001]);
    const four = compareCorrelators(achieved, target, [4]).orders[0]!;
    expect(four.scaleSource).toBe('G(0)^(n/2)');
    expect(four.relativeError).toBeCloseTo(0.005 / 0.25, 10);
    // A real G_c4 above the floor (2e-3 of G(0)^2) keeps its own scale.
    const real = result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [5e-4, 1e-4], [0, 0]);
    expect(compareCorrelators(achieved, real, [4]).orders[0]!).toMatchObject({ scaleSource: 'max |target|', scale: 5e-4 });
  });

  it('measures a tiny but real order (below 1e-3 of G(0)^(n/2)) against the floor 1e-3 G(0)^(n/2), so the measure stays well-posed', () => {
    // G_c4 of 6e-8 (a box of side 1e-3): divided by its own size, the width-16 network's 1/N
    // non-Gaussianity read as a relative error of ~1e3 and the fit traded G2 for it.
    const achieved = result('ensemble-correlators', [0.5, 0.2, 0.5], [0.01, 0.01, 0.01], [2.5e-5, 1e-6], [0.001, 0.001]);
    const tiny = result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [-6e-8, -3e-8], [0, 0]);
    const four = compareCorrelators(achieved, tiny, [4]).orders[0]!;
    expect(four.scaleSource).toBe('1e-3 G(0)^(n/2) floor');
    expect(four.scale).toBeCloseTo(1e-3 * 0.25, 15);
    expect(four.relativeError).toBeCloseTo((2.5e-5 + 6e-8) / 2.5e-4, 10);
    // Continuous at the floor: just below and just above it give the same scale.
    const at = (value: number) => compareCorrelators(achieved, result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [value, 0], [0, 0]), [4]).orders[0]!.scale;
    expect(at(0.999e-3 * 0.25) / at(1.001e-3 * 0.25)).toBeCloseTo(1, 2);
  });

  it('computes relative errors against the largest |target| and chi^2 with combined errors', () => {
    const target = result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [-0.02, -0.01], [0, 0]);
    const achieved = result('ensemble-correlators', [0.51, 0.2, 0.49], [0.01, 0.01, 0.01], [-0.018, -0.011], [0.001, 0.001]);
    const comparison = compareCorrelators(achieved, target, [2, 4]);
    const [two, four] = comparison.orders;
    expect(two!.relativeError).toBeCloseTo(0.01 / 0.5, 12);
    expect(two!.chiSquared).toBeCloseTo(1 + 0 + 1, 12);
    expect(four!.relativeError).toBeCloseTo(0.002 / 0.02, 12);
    expect(four!.chiSquared).toBeCloseTo(4 + 1, 12);
    expect(comparison.chiSquared).toBeCloseTo(7, 12);
    expect(comparison.degreesOfFreedom).toBe(5);
    expect(comparison.worstRelativeError).toBeCloseTo(0.1, 12);
  });

  it('scales by G(0)^(n/2) when the target order is identically zero', () => {
    const target = result('target-correlators', [0.5, 0.2, 0.5], [0, 0, 0], [0, 0], [0, 0]);
    const achieved = result('ensemble-correlators', [0.5, 0.2, 0.5], [0.01, 0.01, 0.01], [0.005, -0.001], [0.001, 0.001]);
    const four = compareCorrelators(achieved, target, [4]).orders[0]!;
    expect(four.scaleSource).toBe('G(0)^(n/2)');
    expect(four.scale).toBeCloseTo(0.25, 12);
    expect(four.relativeError).toBeCloseTo(0.02, 12);
  });
});
