import { describe, expect, it } from 'vitest';
import { choleskyFactor, symmetricEigen, weightedLeastSquares } from '../../src/numeric/index.js';
import { NnftError } from '../../src/errors.js';

function hilbert(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1)));
}

describe('Cholesky', () => {
  it('solves, inverts and gives the log-determinant of an SPD matrix', () => {
    const matrix = [
      [4, 12, -16],
      [12, 37, -43],
      [-16, -43, 98],
    ];
    const factor = choleskyFactor(matrix);
    // Known factor: L = [[2,0,0],[6,1,0],[-8,5,3]].
    expect(Array.from(factor.lower)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(factor.logDeterminant()).toBeCloseTo(Math.log(36), 13);
    const x = factor.solve([1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(matrix[i]!.reduce((s, a, j) => s + a * x[j]!, 0)).toBeCloseTo([1, 2, 3][i]!, 12);
    const inverse = factor.inverse();
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(matrix[i]!.reduce((s, a, k) => s + a * inverse[k]![j]!, 0)).toBeCloseTo(i === j ? 1 : 0, 11);
  });

  it('estimates the condition number of the Hilbert matrix within a factor 3', () => {
    // cond_2(H_6) = 1.4951e7.
    const factor = choleskyFactor(hilbert(6));
    expect(factor.conditionEstimate).toBeGreaterThan(1.4951e7 / 3);
    expect(factor.conditionEstimate).toBeLessThan(1.4951e7 * 1.01);
  });

  it('rejects a matrix that is not positive definite with E_NUMERIC', () => {
    expect(() => choleskyFactor([
      [1, 2],
      [2, 1],
    ])).toThrowError(NnftError);
    try {
      choleskyFactor([[-1]]);
    } catch (error) {
      expect((error as NnftError).code).toBe('E_NUMERIC');
    }
  });
});

describe('symmetric eigen-decomposition', () => {
  it('returns ascending eigenvalues and orthonormal eigenvectors', () => {
    const n = 12;
    const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.cos(i * j + 1) + Math.cos(j * i + 1) + (i === j ? i : 0)));
    const { values, vectors } = symmetricEigen(matrix);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += matrix[i]![j]! * vectors[j * n + k]!;
        expect(Math.abs(av - values[k]! * vectors[i * n + k]!)).toBeLessThan(1e-12);
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k]! * vectors[i * n + l]!;
        expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
  });

  it('solves a 2x2 case exactly', () => {
    const { values } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });
});

describe('weighted least squares', () => {
  it('recovers an exact line and gives the textbook covariance of a weighted mean', () => {
    const line = weightedLeastSquares([[1, 0], [1, 1], [1, 2], [1, 3]], [1, 3, 5, 7]);
    expect(line.parameters[0]).toBeCloseTo(1, 12);
    expect(line.parameters[1]).toBeCloseTo(2, 12);
    expect(line.chiSquared).toBeLessThan(1e-20);
    const mean = weightedLeastSquares([[1], [1], [1]], [1, 2, 4], [1, 2, 0.5]);
    const weights = [1, 0.25, 4];
    const total = weights.reduce((a, b) => a + b, 0);
    expect(mean.parameters[0]).toBeCloseTo((1 * 1 + 2 * 0.25 + 4 * 4) / total, 12);
    expect(mean.parameterErrors[0]).toBeCloseTo(1 / Math.sqrt(total), 12);
    expect(mean.degreesOfFreedom).toBe(2);
  });
});
