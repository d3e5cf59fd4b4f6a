/**
 * The O(g^2) allowance of a first-order target (target-systematics.ts) against the exact answer: in
 * d = 1 the spectral solution is exact, so exact - first order is the true neglected part, and the
 * allowance must cover it value by value (otherwise "consistent" would be claimed against a biased
 * reference), without being orders of magnitude larger (otherwise nothing could be inconsistent).
 */
import { describe, expect, it } from 'vitest';
import { computePerturbative } from '../../src/correlators/perturbative.js';
import { computeSpectral } from '../../src/correlators/spectral.js';
import { targetSystematics } from '../../src/design/target-systematics.js';
import type { CorrelatorResult } from '../../src/io/result.js';
import { local, makeTheory } from '../correlators/theory-fixtures.js';

describe('the O(g^2) allowance of first-order perturbation theory', () => {
  for (const [label, theory] of [
    ['phi^4 lambda = 0.3, not Wick-ordered, box 4', makeTheory({ interactions: [local(4, 0.3)], interactionRegion: { kind: 'box', side: 4 }, points: [[0], [0.5], [1.2]] })],
    ['phi^4 lambda = 1, not Wick-ordered, box 4', makeTheory({ interactions: [local(4, 1)], interactionRegion: { kind: 'box', side: 4 }, points: [[0], [0.5], [1.2]] })],
    ['phi^4 lambda = 1, Wick-ordered, box 3', makeTheory({ interactions: [local(4, 1, true)], interactionRegion: { kind: 'box', side: 3 }, points: [[0], [0.7]] })],
  ] as const) {
    it(`covers exact - first order: ${label}`, () => {
      const first = computePerturbative(theory);
      const exact = computeSpectral(theory);
      const target: CorrelatorResult = { nnftResult: 1, kind: 'target-correlators', points: [], correlators: first.correlators, method: 'perturbative' };
      const [allowance] = targetSystematics(theory, target, [2, 4]);
      for (const block of first.correlators) {
        const shifts = allowance!.shifts.get(block.order)!;
        const truth = exact.correlators.find((candidate) => candidate.order === block.order)!;
        let widest = 0;
        block.values.forEach((value, t) => {
          const neglected = Math.abs(truth.values[t]! - value);
          expect(neglected, `order ${block.order} tuple ${block.indices[t]}`).toBeLessThanOrEqual(Math.abs(shifts[t]!));
          widest = Math.max(widest, Math.abs(shifts[t]!) / Math.max(neglected, 1e-12));
        });
        console.log(`${label}, order ${block.order}: allowance / neglected at most ${widest.toFixed(1)}`);
        expect(widest).toBeLessThan(100);
      }
    });
  }
});
