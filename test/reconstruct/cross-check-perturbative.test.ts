/**
 * The forward-fit predictors must use the same conventions as the target engine: compare the closed
 * forms of tree-level-1d.ts with src/correlators' first-order perturbation theory (an independent
 * quadrature implementation) on the same d = 1 theories.
 */
import { describe, expect, it } from 'vitest';
import { computePerturbative } from '../../src/correlators/index.js';
import type { Interaction, Theory } from '../../src/theory/theory.js';
import { localQuarticTree1d, nonlocalQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';

function theory1d(interaction: Interaction, points: number[]): Theory {
  return {
    name: 'cross-check',
    description: '',
    dimension: 1,
    mass: 1,
    interactions: [interaction],
    momentumCutoff: null,
    interactionRegion: null,
    points: points.map((x) => [x]),
    connectedOrders: [4],
    targetCorrelators: { method: 'perturbative', options: {} },
    source: { file: null, sha256: null },
  };
}

const points = [0, 0.5, 1.0, 1.7];

describe('tree-level predictors agree with the target engine (first-order perturbation theory)', () => {
  const cases: [string, Interaction, (x: number[]) => number][] = [
    ['local phi^4', { kind: 'local', power: 4, coupling: 0.5, wickOrdered: false }, (x) => 0.5 * localQuarticTree1d(x, 1)],
    ['Gaussian non-local quartic', { kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } }, (x) => 0.5 * nonlocalQuarticTree1d(x, 1, 0.5)],
  ];
  for (const [name, interaction, predictor] of cases) {
    it(name, () => {
      const result = computePerturbative(theory1d(interaction, points));
      const block = result.correlators.find((b) => b.order === 4)!;
      const errors = result.quadratureErrors[result.correlators.indexOf(block)];
      block.indices.forEach((tuple, k) => {
        const mine = predictor(tuple.map((i) => points[i]));
        // their numerical error estimate, with a floor for float64 rounding of their sums
        expect(Math.abs(block.values[k] - mine)).toBeLessThanOrEqual(5 * errors[k] + 1e-9 * Math.abs(mine));
      });
    });
  }
});
