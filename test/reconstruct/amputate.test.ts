import { describe, expect, it } from 'vitest';
import { amputateGrid } from '../../src/reconstruct/amputate.js';
import { amputateBatches } from '../../src/reconstruct/amputate-batches.js';
import { forEachEntry } from '../../src/reconstruct/grid-tensor.js';
import { Rng } from '../../src/random/index.js';
import { propagator1d, treeLevelFourPoint, treeLevelSixPoint, twoPointMatrix, uniformGrid1d } from './grid-fixtures.js';
import type { GridTensor } from '../../src/reconstruct/grid-tensor.js';

const mass = 1;
const coupling = 0.5;

function maxDeviationFromLocal(data: Float64Array, size: number, diagonalValue: number): { diagonal: number; offDiagonal: number } {
  let diagonal = 0;
  let offDiagonal = 0;
  forEachEntry(size, 4, (offset, [i, j, k, l]) => {
    if (i === j && j === k && k === l) diagonal = Math.max(diagonal, Math.abs(data[offset] - diagonalValue));
    else offDiagonal = Math.max(offDiagonal, Math.abs(data[offset]));
  });
  return { diagonal, offDiagonal };
}

describe('grid amputation of exact tree-level local phi^4 (docs/reconstruct.md, "1. Grid amputation")', () => {
  it('returns V = lambda a^d on the diagonal and 0 elsewhere, dK = -(lambda/2) G(0) a^d, g6 = 0 (d = 1)', () => {
    const spacing = 0.5;
    const points = uniformGrid1d(8, spacing);
    const size = points.length;
    const twoPoint = twoPointMatrix(points, (r) => propagator1d(mass, r));
    const fourPoint = treeLevelFourPoint(twoPoint, size, coupling, spacing);
    const sixPoint = treeLevelSixPoint(twoPoint, size, coupling, spacing);
    const result = amputateGrid({ twoPoint, fourPoint, sixPoint }, { cellVolume: spacing });

    const deviation = maxDeviationFromLocal(result.quartic.data, size, coupling * spacing);
    expect(deviation.diagonal).toBeLessThan(1e-8);
    expect(deviation.offDiagonal).toBeLessThan(1e-8);
    expect(result.diagonalCoupling).toBeCloseTo(coupling, 10);

    const propagatorAtZero = propagator1d(mass, 0);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const expected = i === j ? -(coupling / 2) * propagatorAtZero * spacing : 0;
        expect(Math.abs(result.quadratic[i * size + j] - expected)).toBeLessThan(1e-8);
      }
    }
    const sextic = result.sextic!.data;
    const scale = (coupling * spacing) ** 2;
    expect(sextic.reduce((max, value) => Math.max(max, Math.abs(value)), 0) / scale).toBeLessThan(1e-8);
    expect(result.conditionNumber).toBeGreaterThan(1);
    expect(result.noiseAmplification).toBeCloseTo(result.smallestEigenvalue ** -4, 6);
  });

  it('works on a 2-d grid with any positive-definite two-point matrix', () => {
    const spacing = 0.4;
    const points: number[][] = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) points.push([x * spacing, y * spacing]);
    const size = points.length;
    const cellVolume = spacing ** 2;
    const twoPoint = twoPointMatrix(points, (r) => Math.exp(-1.3 * r) / 3);
    const fourPoint = treeLevelFourPoint(twoPoint, size, coupling, cellVolume);
    const result = amputateGrid({ twoPoint, fourPoint }, { cellVolume });
    const deviation = maxDeviationFromLocal(result.quartic.data, size, coupling * cellVolume);
    expect(deviation.diagonal).toBeLessThan(1e-8);
    expect(deviation.offDiagonal).toBeLessThan(1e-8);
    expect(result.sextic).toBeUndefined();
  });

  it('refuses a two-point matrix that is not positive definite', () => {
    const twoPoint = new Float64Array([1, 1, 1, 1]);
    const fourPoint = { size: 2, order: 4, data: new Float64Array(16) };
    expect(() => amputateGrid({ twoPoint, fourPoint })).toThrow(/not positive definite/);
  });
});

describe('jackknife errors of the amputated vertex', () => {
  it('covers the exact vertex within 5 standard errors and flags pure noise as meaningless', () => {
    const spacing = 0.5;
    const points = uniformGrid1d(5, spacing);
    const size = points.length;
    const twoPoint = twoPointMatrix(points, (r) => propagator1d(mass, r));
    const exact = treeLevelFourPoint(twoPoint, size, coupling, spacing);
    const rng = Rng.fromTree(20260601, 'test/reconstruct/jackknife');
    const noisyBatches = (noise: number) =>
      Array.from({ length: 20 }, () => {
        // symmetric noise: perturb one representative per sorted tuple
        const data = new Float64Array(exact.data.length);
        const perTuple = new Map<string, number>();
        forEachEntry(size, 4, (offset, indices) => {
          const key = [...indices].sort().join(',');
          if (!perTuple.has(key)) perTuple.set(key, noise * rng.normal());
          data[offset] = exact.data[offset] + perTuple.get(key)!;
        });
        const c = twoPoint.map((value) => value * (1 + 0.01 * noise * rng.normal()));
        for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) c[i * size + j] = c[j * size + i];
        return { twoPoint: c, fourPoint: { size, order: 4, data } };
      });

    const quiet = amputateBatches(noisyBatches(1e-6), { cellVolume: spacing });
    expect(quiet.noise.meaningful).toBe(true);
    const diagonalPull = Math.abs(quiet.diagonalCoupling - coupling) / quiet.diagonalCouplingStderr;
    expect(diagonalPull).toBeLessThan(5);
    expect(quiet.diagonalCouplingStderr).toBeGreaterThan(0);

    const loud = amputateBatches(noisyBatches(1e-3), { cellVolume: spacing });
    expect(loud.noise.meaningful).toBe(false);
    expect(loud.noise.message).toMatch(/meaningless/);
  });
});

describe('jackknife errors of the sextic vertex', () => {
  it('g6 of tree-level data stays 0 within its errors when C and K4, K6 fluctuate', () => {
    const spacing = 0.5;
    const points = uniformGrid1d(4, spacing);
    const size = points.length;
    const rng = Rng.fromTree(77, 'test/reconstruct/sextic-jackknife');
    const batches = Array.from({ length: 8 }, () => {
      // each batch: a slightly different (still exact, consistent) theory, so g6 = 0 in every batch
      const scale = 1 + 0.01 * rng.normal();
      const twoPoint = twoPointMatrix(points, (r) => scale * propagator1d(mass, r));
      const fourPoint: GridTensor = treeLevelFourPoint(twoPoint, size, coupling, spacing);
      return { twoPoint, fourPoint, sixPoint: treeLevelSixPoint(twoPoint, size, coupling, spacing) };
    });
    const result = amputateBatches(batches, { cellVolume: spacing });
    expect(result.sexticStderr).toBeDefined();
    const worst = result.sextic!.data.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    // averaging batches is not exactly tree level (the mean of products is not the product of means),
    // so g6 is small but non-zero: it must be consistent with 0 within 5 jackknife errors
    result.sextic!.data.forEach((value, offset) => {
      expect(Math.abs(value)).toBeLessThanOrEqual(5 * result.sexticStderr!.data[offset] + 1e-12);
    });
    // a 1% scale spread leaves g6 at the 1e-3 level of (lambda a)^2
    expect(worst / (coupling * spacing) ** 2).toBeLessThan(1e-2);
    expect(Math.abs(result.diagonalCoupling - coupling) / result.diagonalCouplingStderr).toBeLessThan(5);
  });
});
