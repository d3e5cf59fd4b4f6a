import { describe, expect, it } from 'vitest';
import { MomentSums } from '../../src/estimators/moment-sums.js';
import { monomialTable } from '../../src/estimators/monomials.js';
import { estimateCorrelators } from '../../src/estimators/correlator-estimate.js';
import { Rng } from '../../src/random/rng.js';

describe('moment sums', () => {
  it('merging chunks with different weight shifts equals one pass over all networks', () => {
    const table = monomialTable(2, 4);
    const rng = new Rng(3);
    const count = 50;
    const columns = [new Float64Array(count), new Float64Array(count)];
    const logWeights = new Float64Array(count);
    for (let m = 0; m < count; m++) {
      columns[0]![m] = rng.normal();
      columns[1]![m] = rng.normal();
      logWeights[m] = 600 * rng.uniform() + (m < 25 ? 0 : 200); // would overflow exp() without shifts
    }
    const whole = new MomentSums(table);
    whole.addNetworks(columns, count, logWeights);
    const merged = new MomentSums(table);
    for (const [start, end] of [[25, 50], [0, 25]]) {
      const part = new MomentSums(table);
      part.addNetworks(columns.map((column) => column.subarray(start, end)), end - start, logWeights.subarray(start, end));
      merged.merge(part);
    }
    for (let j = 0; j < table.tuples.length; j++) {
      expect(merged.weighted[j]! / merged.weightSum).toBeCloseTo(whole.weighted[j]! / whole.weightSum, 12);
      expect(merged.plain[j]).toBeCloseTo(whole.plain[j]!, 12);
    }
    expect((merged.weightSum ** 2 / merged.weightSquareSum) / (whole.weightSum ** 2 / whole.weightSquareSum)).toBeCloseTo(1, 12);
  });

  it('jackknife errors of a mean match the textbook standard error for independent data', () => {
    const table = monomialTable(1, 2);
    const rng = new Rng(5);
    const batches = Array.from({ length: 40 }, () => {
      const sums = new MomentSums(table);
      const values = new Float64Array(500);
      rng.fillNormal(values);
      sums.addNetworks([values], 500, null);
      return sums;
    });
    const summary = estimateCorrelators([{ table, batches, exactMoments: null }], { orders: [2], pointCount: 1, evenOnly: true, controlVariate: false });
    // Var(x^2) = 2 for a standard normal: stderr of the mean of 20000 squares is sqrt(2/20000) = 0.01.
    // A jackknife error from 40 batches scatters by about 1/sqrt(2 * 39) = 11%: allow 4 of those.
    expect(summary.orders[0]!.stderr[0]!).toBeGreaterThan(0.01 * (1 - 0.45));
    expect(summary.orders[0]!.stderr[0]!).toBeLessThan(0.01 * (1 + 0.45));
    expect(Math.abs(summary.orders[0]!.values[0]! - 1)).toBeLessThan(5 * 0.01);
  });
});
