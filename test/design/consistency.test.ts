/**
 * The consistency test's p-value is honest: on estimates whose batches scatter around the target
 * (correlated across values, as one sample's correlators are), p is uniform, so p < 0.05 about 5%
 * of the time; a diagonal chi^2 on the same data is not. A real shift of the size of the errors is
 * detected, and a named systematic of that shape absorbs it.
 */
import { describe, expect, it } from 'vitest';
import { consistency } from '../../src/design/consistency.js';
import { jackknifeCovariance } from '../../src/numeric/jackknife-covariance.js';
import type { CorrelatorResult } from '../../src/io/result.js';
import { Rng } from '../../src/random/rng.js';

const createRng = (seed: number) => {
  const rng = new Rng(seed);
  return () => rng.uniform();
};

const VALUES = 12;
const BATCHES = 64;

/** An estimate whose per-batch means share a common-mode fluctuation (correlation 0.8 between values). */
function estimate(rng: () => number, shift: number): CorrelatorResult {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const batchMeans = Array.from({ length: BATCHES }, () => {
    const common = normal();
    return Array.from({ length: VALUES }, () => Math.sqrt(0.8) * common + Math.sqrt(0.2) * normal());
  });
  const values = Array.from({ length: VALUES }, (_, i) => batchMeans.reduce((sum, batch) => sum + batch[i]!, 0) / BATCHES + shift);
  // Delete-one-batch replicates of the mean.
  const replicates = Array.from({ length: VALUES }, (_, i) => batchMeans.map((batch) => (values[i]! - shift) * BATCHES / (BATCHES - 1) - batch[i]! / (BATCHES - 1) + shift));
  const stderr = replicates.map((row) => {
    const covariance = jackknifeCovariance([row]);
    return Math.sqrt(covariance[0]!);
  });
  return { nnftResult: 1, kind: 'ensemble-correlators', points: [], correlators: [{ order: 4, indices: Array.from({ length: VALUES }, (_, i) => [i, i, i, i]), values, stderr, replicates }] };
}

const target: CorrelatorResult = { nnftResult: 1, kind: 'target-correlators', points: [], correlators: [{ order: 4, indices: Array.from({ length: VALUES }, (_, i) => [i, i, i, i]), values: new Array(VALUES).fill(1), stderr: new Array(VALUES).fill(0) }] };

describe('consistency of an estimate with its target', () => {
  it('gives uniform p-values under the null (correlated values), where a diagonal chi^2 would not', () => {
    const rng = createRng(12345);
    const trials = 400;
    let rejected = 0;
    let diagonalRejected = 0;
    for (let trial = 0; trial < trials; trial++) {
      const check = consistency(estimate(rng, 1), target, [4]);
      if (check.pValue < 0.05) rejected++;
      // Diagonal chi^2_12 95% point: 21.026.
      if (check.diagonalChiSquared > 21.026) diagonalRejected++;
      expect(check.law).toBe('hotelling-F');
      expect(check.degreesOfFreedom).toBe(VALUES);
      expect(check.powerful).toBe(true);
    }
    // Binomial(400, 0.05): mean 20, sd 4.4; 4.5 sd bounds.
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(40);
    // The common mode makes the diagonal chi^2 reject far more often than 5%.
    expect(diagonalRejected).toBeGreaterThan(60);
  });

  it('says it has no power when the batches do not exceed the values twice over', () => {
    const few = estimate(createRng(99), 1);
    const block = few.correlators[0]!;
    block.replicates = block.replicates!.map((row) => row.slice(0, 2 * VALUES - 1));
    expect(consistency(few, target, [4]).powerful).toBe(false);
    block.replicates = block.replicates!.map((row) => row.concat(row.slice(0, 2)));
    expect(consistency(few, target, [4]).powerful).toBe(true);
  });

  it('detects a shift of three standard errors in one value, and names the worst pull', () => {
    const rng = createRng(777);
    const shifted = estimate(rng, 1);
    const block = shifted.correlators[0]!;
    block.values[5] = block.values[5]! + 6 * block.stderr[5]!;
    const check = consistency(shifted, target, [4]);
    expect(check.pValue).toBeLessThan(0.01);
    expect(check.worstPull.indices).toEqual([5, 5, 5, 5]);
  });

  it('absorbs a common shift of the order into a named systematic of that shape', () => {
    const rng = createRng(4242);
    const common = estimate(rng, 1);
    const block = common.correlators[0]!;
    const size = 5 * Math.max(...block.stderr);
    block.values = block.values.map((value) => value + size);
    block.replicates = block.replicates!.map((row) => row.map((value) => value + size));
    expect(consistency(common, target, [4]).pValue).toBeLessThan(0.01);
    const allowed = consistency(common, target, [4], [{ name: 'common shift', shifts: new Map([[4, new Array(VALUES).fill(3 * size)]]) }]);
    expect(allowed.pValue).toBeGreaterThan(0.01);
    expect(allowed.systematics).toEqual(['common shift']);
  });

  it('the worst-pull test catches one value 6 sigma off, and false-alarms rarely', () => {
    let pullCatches = 0;
    let falseAlarms = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial++) {
      const clean = estimate(createRng(5000 + trial), 1);
      if (consistency(clean, target, [4]).worstPullPValue < 0.01) falseAlarms++;
      const shifted = structuredClone(clean);
      const block = shifted.correlators[0]!;
      // One value 6 of its errors off (its replicates move with it: a shifted mean, same scatter).
      const offset = 6 * block.stderr[3]!;
      block.values[3] = block.values[3]! + offset;
      (block as { replicates: number[][] }).replicates[3] = (block as { replicates: number[][] }).replicates[3]!.map((value) => value + offset);
      const check = consistency(shifted, target, [4]);
      if (check.worstPullPValue < 0.01) pullCatches++;
    }
    expect(pullCatches / trials).toBeGreaterThan(0.95);
    // Bonferroni at 1%: at most about 1% of clean estimates are rejected by the pull test.
    expect(falseAlarms / trials).toBeLessThan(0.04);
  });

  it('a resolution floor stops a deviation far below it from deciding, and the unfloored test still sees it', () => {
    const precise = estimate(createRng(77), 1 + 0.02);
    // Errors here are ~0.13; a shift of 0.02 common to all values, measured well (common mode).
    const tight = estimate(createRng(78), 1 + 0.5);
    const floor = { name: 'floor', perOrder: new Map([[4, 0.5]]) };
    expect(consistency(tight, target, [4]).pValue).toBeLessThan(0.01);
    expect(consistency(tight, target, [4], [], floor).pValue).toBeGreaterThan(0.01);
    expect(consistency(precise, target, [4], [], floor).pValue).toBeGreaterThan(0.01);
    expect(consistency(tight, target, [4], [], floor).systematics).toContain('floor');
  });
});
