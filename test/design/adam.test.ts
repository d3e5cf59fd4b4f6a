import { describe, expect, it } from 'vitest';
import { adamStep, initialAdamState } from '../../src/design/adam.js';

describe('Adam', () => {
  it('minimises a convex quadratic and its state round-trips through JSON', () => {
    let parameters = [3, -2];
    let state = initialAdamState(2);
    for (let i = 0; i < 2000; i++) {
      const gradient = [2 * (parameters[0]! - 1), 8 * (parameters[1]! + 0.5)];
      ({ parameters, state } = adamStep(parameters, gradient, JSON.parse(JSON.stringify(state)), {
        learningRate: 0.05,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
      }));
    }
    expect(parameters[0]).toBeCloseTo(1, 3);
    expect(parameters[1]).toBeCloseTo(-0.5, 3);
  });

  it('takes a first step of exactly the learning rate against the gradient sign', () => {
    const { parameters } = adamStep([0, 0], [5, -0.1], initialAdamState(2), { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 0 });
    expect(parameters[0]).toBeCloseTo(-0.1, 12);
    expect(parameters[1]).toBeCloseTo(0.1, 12);
  });
});
