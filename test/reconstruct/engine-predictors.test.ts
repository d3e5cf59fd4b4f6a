import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import type { Theory } from '../../src/theory/theory.js';
import { enginePredictor } from '../../src/reconstruct/engine-predictors.js';
import { fitLinearCouplings } from '../../src/reconstruct/linear-fit.js';

describe('forward fit with target-engine predictors (cutoff and finite region)', () => {
  it('recovers lambda from synthetic first-order data of a regulated d = 1 theory', () => {
    const theory: Theory = {
      name: 'regulated',
      description: '',
      dimension: 1,
      mass: 1,
      interactions: [],
      momentumCutoff: 20,
      interactionRegion: { kind: 'box', side: 6 },
      points: [[-0.5], [0], [0.5], [1]],
      connectedOrders: [4],
      targetCorrelators: { method: 'perturbative', options: {} },
      source: { file: null, sha256: null },
    };
    const term = enginePredictor(theory, { kind: 'local', power: 4, coupling: 0.5, wickOrdered: false }, 'lambda');
    expect(term.indices.length).toBe(35);
    const rng = Rng.fromTree(9, 'test/reconstruct/engine-predictors');
    const stderr = term.predictor.map((value) => 0.03 * Math.abs(value * 0.5));
    const values = term.predictor.map((value, k) => 0.5 * value + stderr[k] * rng.normal());
    const fit = fitLinearCouplings({ values, stderr }, [term]);
    expect(Math.abs(fit.couplings[0].value - 0.5) / fit.couplings[0].stderr).toBeLessThan(4);
    expect(fit.pValue).toBeGreaterThan(1e-3);
  });
});
