import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { symmetricEigenvalues, choleskyFactor, choleskySolve, inverseSpd } from '../../src/reconstruct/dense-linear-algebra.js';
import { contractAllAxes, tensorFromBlock, tensorOffset } from '../../src/reconstruct/grid-tensor.js';

describe('grid tensors', () => {
  it('expands non-decreasing index tuples into the full symmetric tensor', () => {
    const indices = indexTuples(3, 4);
    const values = indices.map((tuple) => tuple[0] + 10 * tuple[1] + 100 * tuple[2] + 1000 * tuple[3]);
    const tensor = tensorFromBlock({ order: 4, indices, values, stderr: values.map(() => 0) }, 3);
    expect(tensor.data[tensorOffset(3, [2, 0, 1, 0])]).toBe(0 + 0 + 100 + 2000);
    expect(tensor.data[tensorOffset(3, [0, 0, 1, 2])]).toBe(2100);
  });

  it('refuses a block with a missing tuple', () => {
    const indices = indexTuples(2, 2).slice(1);
    expect(() => tensorFromBlock({ order: 2, indices, values: [1, 2], stderr: [0, 0] }, 2)).toThrow(/no value for index tuple \[0,0\]/);
  });

  it('contracts a matrix into every axis like the naive sum', () => {
    const size = 3;
    const data = Float64Array.from({ length: 9 }, (_, i) => Math.sin(i + 1));
    const matrix = Float64Array.from({ length: 9 }, (_, i) => Math.cos(2 * i + 0.3));
    const result = contractAllAxes({ size, order: 2, data }, matrix);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        let naive = 0;
        for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) naive += data[a * size + b] * matrix[a * size + i] * matrix[b * size + j];
        expect(result.data[i * size + j]).toBeCloseTo(naive, 12);
      }
    }
  });
});

describe('dense linear algebra', () => {
  const matrix = new Float64Array([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
  it('solves with the Cholesky factor and inverts', () => {
    const inverse = inverseSpd(matrix, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += matrix[i * 3 + k] * inverse[k * 3 + j];
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 13);
      }
    }
    const x = choleskySolve(choleskyFactor(matrix, 3), new Float64Array([1, 2, 3]), 1);
    expect(4 * x[0] + 1 * x[1] + 0.5 * x[2]).toBeCloseTo(1, 13);
  });
  it('finds symmetric eigenvalues (trace and determinant agree)', () => {
    const eigenvalues = symmetricEigenvalues(matrix, 3);
    expect(eigenvalues[0] + eigenvalues[1] + eigenvalues[2]).toBeCloseTo(9, 12);
    const determinant = 4 * (3 * 2 - 0.04) - 1 * (2 - 0.1) + 0.5 * (0.2 - 1.5);
    expect(eigenvalues[0] * eigenvalues[1] * eigenvalues[2]).toBeCloseTo(determinant, 11);
    expect(eigenvalues[0]).toBeLessThan(eigenvalues[2]);
  });
});
