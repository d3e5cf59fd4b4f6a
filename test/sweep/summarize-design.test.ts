import { describe, expect, it } from 'vitest';
import { summarizeDesignResult } from '../../src/sweep/summarize-design.js';
import { fakeDesignResult } from './fake-design.js';

describe('summarizeDesignResult', () => {
  it('keeps status, the relative error per order and every correlator with its target', () => {
    const result = {
      ...fakeDesignResult(0.5, 64),
      status: 'not-met',
      comparison: {
        orders: [
          { order: 2, relativeError: 0.004, chiSquared: 30, degreesOfFreedom: 6 },
          { order: 4, relativeError: 0.31, chiSquared: 12, degreesOfFreedom: 15 },
          { order: 6, relativeError: null },
        ],
      },
    };
    // The fake result's own chiSquaredPerDof (1.05) wins; without it, the orders' total.
    expect(summarizeDesignResult(result).chiSquaredPerDof).toBe(1.05);
    const { chiSquaredPerDof: _dropped, ...withoutTotal } = result;
    expect(summarizeDesignResult(withoutTotal).chiSquaredPerDof).toBeCloseTo(42 / 21, 12);
    const summary = summarizeDesignResult(result);
    expect(summary).toMatchObject({ status: 'not-met', width: 64, relativeErrors: { '2': 0.004, '4': 0.31 } });
    expect(summary.relativeErrors).not.toHaveProperty('6');
    const correlators = summary.correlators as Record<string, { value: number; stderr: number; target: number }>;
    expect(correlators['Gc2(0,0)']).toMatchObject({ stderr: 0.002, target: 0.5 - 0.5 / 20 });
    expect(correlators['Gc2(0,0)']!.value).toBeCloseTo(0.5 - 0.5 / 20 + 0.3 / 64, 12);
  });

  it('has no relativeErrors without a comparison', () => {
    const { comparison: _dropped, ...result } = fakeDesignResult(0.5, 64);
    expect(summarizeDesignResult(result)).not.toHaveProperty('relativeErrors');
  });
});
