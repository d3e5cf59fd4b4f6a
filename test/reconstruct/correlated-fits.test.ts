/**
 * Correlated fits (docs/reconstruct.md, "2. Forward fits"): the generalised least-squares fit and Levenberg-Marquardt with a
 * covariance against a direct computation of (X^T C^-1 X)^-1 X^T C^-1 y and r^T C^-1 r (explicit
 * Gauss-Jordan inverse), and the shrunk jackknife correlation (small shrinkage with many batches,
 * positive definite with fewer batches than values).
 */
import { describe, expect, it } from 'vitest';
import { fitLinearCouplings } from '../../src/reconstruct/linear-fit.js';
import { levenbergMarquardt } from '../../src/reconstruct/nonlinear-fit.js';
import { withBatchCorrelation } from '../../src/reconstruct/correlated-weights.js';
import { shrunkCorrelation, shrunkJackknifeCovariance } from '../../src/numeric/shrunk-covariance.js';
import { choleskyFactor } from '../../src/numeric/cholesky.js';
import { Rng } from '../../src/random/index.js';
import { indexTuples } from '../../src/io/result.js';
import { fitCandidateActions1d } from '../../src/reconstruct/forward-fit-1d.js';
import { localQuarticTree1d, predictorColumn } from '../../src/reconstruct/tree-level-1d.js';

/** Inverse by Gauss-Jordan elimination with partial pivoting (independent of the Cholesky code). */
function inverse(matrix: number[][]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let c = 0; c < 2 * n; c++) a[col]![c]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      for (let c = 0; c < 2 * n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row) => row.slice(n));
}

const multiply = (a: number[][], b: number[][]) => a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
const transpose = (a: number[][]) => a[0]!.map((_, j) => a.map((row) => row[j]!));

/** A correlated covariance: AR(1)-like correlation rho^|i-j| with unequal variances. */
function covarianceOf(n: number, rho: number): number[][] {
  const sigma = Array.from({ length: n }, (_, i) => 0.01 * (1 + 0.3 * i));
  return sigma.map((si, i) => sigma.map((sj, j) => si * sj * rho ** Math.abs(i - j)));
}

/** Samples of a Gaussian vector with covariance C (rows [sample][value]). */
function samples(mean: number[], covariance: number[][], count: number, seed: string): number[][] {
  const lower = choleskyFactor(covariance).lower;
  const n = mean.length;
  const rng = Rng.fromTree(5, seed);
  return Array.from({ length: count }, () => {
    const z = Array.from({ length: n }, () => rng.normal());
    return mean.map((m, i) => m + z.reduce((sum, value, k) => sum + (k <= i ? lower[i * n + k]! * value : 0), 0));
  });
}

describe('correlated chi^2 fits', () => {
  const times = [0, 0.5, 1, 1.5, 2, 2.5, 3];
  const covariance = covarianceOf(times.length, 0.8);
  const stderr = covariance.map((row, i) => Math.sqrt(row[i]!));

  it('linear: couplings, their covariance and chi^2 are the generalised least-squares formulas', () => {
    const truth = times.map((t) => 0.5 * Math.exp(-t) + 0.1);
    const [data] = samples(truth, covariance, 1, 'linear');
    const columns = [times.map((t) => Math.exp(-t)), times.map(() => 1)];
    const fit = fitLinearCouplings({ values: data!, stderr, covariance }, [
      { name: 'A', predictor: columns[0]! },
      { name: 'B', predictor: columns[1]! },
    ]);
    const x = transpose(columns);
    const w = inverse(covariance);
    const normalInverse = inverse(multiply(multiply(columns, w), x));
    const direct = multiply(normalInverse, multiply(multiply(columns, w), data!.map((value) => [value]))).map(([value]) => value!);
    fit.couplings.forEach((coupling, k) => expect(coupling.value).toBeCloseTo(direct[k]!, 10));
    fit.covariance.forEach((row, i) => row.forEach((value, j) => expect(value / normalInverse[i]![j]!).toBeCloseTo(1, 9)));
    const residual = data!.map((value, r) => value - direct[0]! * columns[0]![r]! - direct[1]! * columns[1]![r]!);
    const chiSquared = multiply([residual], multiply(w, residual.map((value) => [value])))[0]![0]!;
    expect(fit.chiSquared).toBeCloseTo(chiSquared, 9);
    expect(fit.dof).toBe(times.length - 2);
    // the diagonal fit differs: the correlation changes the answer
    const diagonal = fitLinearCouplings({ values: data!, stderr }, [
      { name: 'A', predictor: columns[0]! },
      { name: 'B', predictor: columns[1]! },
    ]);
    expect(Math.abs(diagonal.chiSquared - fit.chiSquared)).toBeGreaterThan(1e-3 * fit.chiSquared);
  });

  it('non-linear: Levenberg-Marquardt minimises r^T C^-1 r (its chi^2 is the direct one, its gradient vanishes)', () => {
    const truth = times.map((t) => 0.5 * Math.exp(-0.9 * t));
    const [data] = samples(truth, covariance, 1, 'nonlinear');
    const model = {
      value: (theta: readonly number[], r: number) => theta[0]! * Math.exp(-theta[1]! * times[r]!),
      gradient: (theta: readonly number[], r: number) => [Math.exp(-theta[1]! * times[r]!), -theta[0]! * times[r]! * Math.exp(-theta[1]! * times[r]!)],
    };
    const fit = levenbergMarquardt(model, { values: data!, stderr, covariance }, [0.4, 1.2]);
    const w = inverse(covariance);
    const direct = (theta: number[]) => {
      const r = data!.map((value, k) => value - model.value(theta, k));
      return multiply([r], multiply(w, r.map((value) => [value])))[0]![0]!;
    };
    expect(fit.chiSquared).toBeCloseTo(direct(fit.parameters), 9);
    for (let k = 0; k < 2; k++) {
      const h = 1e-6;
      const up = [...fit.parameters];
      const down = [...fit.parameters];
      up[k]! += h;
      down[k]! -= h;
      expect(Math.abs((direct(up) - direct(down)) / (2 * h))).toBeLessThan(1e-3);
    }
    // parameter covariance = (J^T C^-1 J)^-1 at the minimum
    const jacobian = times.map((_, r) => model.gradient(fit.parameters, r));
    const expected = inverse(multiply(multiply(transpose(jacobian), w), jacobian));
    fit.covariance.forEach((row, i) => row.forEach((value, j) => expect(value / expected[i]![j]!).toBeCloseTo(1, 6)));
  });

  it('the shrunk correlation: close to the truth with many batches, positive definite with fewer batches than values', () => {
    const n = times.length;
    const truthCorrelation = covariance.map((row, i) => row.map((value, j) => value / (stderr[i]! * stderr[j]!)));
    const many = samples(new Array(n).fill(0), covariance, 400, 'many');
    const rows = Array.from({ length: n }, (_, i) => many.map((sample) => sample[i]!));
    const shrunk = shrunkCorrelation(rows);
    expect(shrunk.shrinkage).toBeLessThan(0.05);
    shrunk.correlation.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - truthCorrelation[i]![j]!)).toBeLessThan(0.1)));
    // 40 values, 10 batches: the plain jackknife covariance is singular (rank 9); the shrunk one is not
    const wide = covarianceOf(40, 0.9);
    const few = samples(new Array(40).fill(0), wide, 10, 'few');
    const wideRows = Array.from({ length: 40 }, (_, i) => few.map((sample) => sample[i]!));
    const result = shrunkJackknifeCovariance(wideRows);
    expect(result.shrinkage).toBeGreaterThan(0);
    expect(result.shrinkage).toBeLessThanOrEqual(1);
    expect(() => choleskyFactor(result.jackknife)).toThrow();
    expect(() => choleskyFactor(result.covariance)).not.toThrow();
    // variances are kept
    result.covariance.forEach((row, i) => expect(row[i]!).toBeCloseTo(result.jackknife[i]![i]!, 14));
  });

  it('withBatchCorrelation keeps the stated errors on the diagonal (the error floor stays)', () => {
    const batches = samples(new Array(times.length).fill(0), covariance, 200, 'floor');
    const floored = stderr.map((value) => 2 * value);
    const { data, weights } = withBatchCorrelation({ values: new Array(times.length).fill(1), stderr: floored }, batches);
    expect(weights.kind).toBe('correlated');
    expect(weights.batches).toBe(200);
    data.covariance!.forEach((row, i) => expect(row[i]!).toBeCloseTo(floored[i]! ** 2, 14));
    // fewer than 20 batches per value: diagonal weights, with the reason
    const few = withBatchCorrelation({ values: new Array(times.length).fill(1), stderr: floored }, batches.slice(0, 100));
    expect(few.weights.kind).toBe('diagonal');
    expect(few.data.covariance).toBeUndefined();
    expect(few.weights.description).toMatch(/need at least 140 batches/);
  });

  it('the correlated forward fit (20 batches per value): its jackknife error matches the scatter of lambda over 80 seeds', () => {
    const points = [-0.8, 0, 1.0];
    const tuples = indexTuples(points.length, 4);
    const shape = predictorColumn(tuples, points, (p) => localQuarticTree1d(p, 1));
    const lambda = 0.5;
    const batchCount = 20 * tuples.length;
    const seeds = 80;
    const values: number[] = [];
    const errors: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const rng = Rng.fromTree(seed + 1, 'test/reconstruct/correlated-fits/scatter');
      // a shared fluctuation along the shape plus AR(1) noise along the tuples (correlated, full rank)
      const batches = Array.from({ length: batchCount }, () => {
        let ar = rng.normal();
        const shared = 0.02 * rng.normal();
        return shape.map((value) => {
          ar = 0.7 * ar + Math.sqrt(1 - 0.49) * rng.normal();
          return (lambda + shared) * value + 0.05 * Math.abs(lambda * value) * ar;
        });
      });
      const mean = shape.map((_, r) => batches.reduce((sum, batch) => sum + batch[r]!, 0) / batchCount);
      const stderr = shape.map((_, r) => Math.sqrt(batches.reduce((sum, batch) => sum + (batch[r]! - mean[r]!) ** 2, 0) / (batchCount - 1) / batchCount));
      const fit = fitCandidateActions1d({ mass: 1, points, fourPoint: { order: 4, indices: tuples, values: mean, stderr }, batches: batches.map((fourPoint) => ({ fourPoint })), candidates: ['local'] }).fits[0]!;
      expect(fit.weights.kind).toBe('correlated');
      values.push(fit.couplings[0]!.value);
      errors.push(fit.couplings[0]!.stderr);
    }
    const mean = values.reduce((sum, value) => sum + value, 0) / seeds;
    const scatter = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (seeds - 1));
    const stated = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / seeds);
    // the scatter of 80 seeds is known to ~8%
    expect(stated / scatter).toBeGreaterThan(0.75);
    expect(stated / scatter).toBeLessThan(1.3);
    expect(Math.abs(mean - lambda) / (scatter / Math.sqrt(seeds))).toBeLessThan(4);
  });
});
