import { describe, expect, it } from 'vitest';
import { optimise, DEFAULT_OPTIMISE, type OptimiseCheckpoint } from '../../src/design/optimise.js';
import type { DesignObjective } from '../../src/design/objective.js';
import { Rng } from '../../src/random/index.js';

/**
 * A noisy quadratic objective: "correlators" c_k(theta) = theta_k measured with noise sigma on
 * draws fixed by the seed; loss = sum ((c_k - t_k)/sigma)^2 with its exact gradient on those draws.
 */
function noisyQuadratic(target: number[], sigma: number): DesignObjective & { calls: number } {
  const objective = {
    calls: 0,
    parameterNames: target.map((_, i) => `p${i}`),
    async evaluate(parameters: readonly number[], draws: { seed: number; ensembleSize: number }) {
      objective.calls += 1;
      const rng = new Rng(draws.seed);
      const noise = target.map(() => rng.normal() * sigma);
      const residuals = parameters.map((p, i) => (p + noise[i]! - target[i]!) / sigma);
      return {
        loss: residuals.reduce((s, r) => s + r * r, 0),
        lossStderr: Math.sqrt(2 * target.length),
        degreesOfFreedom: target.length,
        gradient: residuals.map((r) => (2 * r) / sigma),
        ess: draws.ensembleSize,
        ensembleSize: draws.ensembleSize,
      };
    },
  };
  return objective;
}

const base = { ...DEFAULT_OPTIMISE, rootSeed: 11, stream: 'test', ensembleSize: 1000 };

describe('design optimisation loop', () => {
  it('converges on a noisy quadratic and reports why it stopped', async () => {
    const objective = noisyQuadratic([0.3, -0.2, 1.1], 0.01);
    const outcome = await optimise(objective, [0, 0, 0], { ...base, maxSteps: 500, adam: { ...base.adam, learningRate: 0.02 } });
    expect(outcome.stopReason).toBe('converged');
    outcome.parameters.forEach((p, i) => expect(Math.abs(p - [0.3, -0.2, 1.1][i]!)).toBeLessThan(0.05));
  });

  it('a run resumed from a checkpoint ends exactly where the uninterrupted run ends', async () => {
    const settings = { ...base, maxSteps: 40, stallSteps: 1000, patience: 1000 };
    const full = await optimise(noisyQuadratic([1, 2], 0.05), [0, 0], settings);
    let saved: OptimiseCheckpoint | null = null;
    const controller = new AbortController();
    const partial = await optimise(noisyQuadratic([1, 2], 0.05), [0, 0], settings, {
      signal: controller.signal,
      saveCheckpoint: async (checkpoint) => {
        saved = JSON.parse(JSON.stringify(checkpoint));
        if (checkpoint.step === 17) controller.abort();
      },
    });
    expect(partial.stopReason).toBe('interrupted');
    expect(saved!.step).toBe(17);
    const resumed = await optimise(noisyQuadratic([1, 2], 0.05), [0, 0], settings, {}, saved);
    expect(resumed.stopReason).toBe('max-steps');
    expect(resumed.parameters).toEqual(full.parameters);
  });

  it('stops with an error on NaN and on ESS collapse', async () => {
    const nanObjective: DesignObjective = {
      parameterNames: ['g'],
      evaluate: async () => ({ loss: NaN, lossStderr: 0, degreesOfFreedom: 1, gradient: [0], ess: 10, ensembleSize: 10 }),
    };
    await expect(optimise(nanObjective, [0], base)).rejects.toMatchObject({ code: 'E_NUMERIC' });
    const collapsed: DesignObjective = {
      parameterNames: ['g'],
      evaluate: async () => ({ loss: 1, lossStderr: 0, degreesOfFreedom: 1, gradient: [0], ess: 1.5, ensembleSize: 1000 }),
    };
    await expect(optimise(collapsed, [0], base)).rejects.toMatchObject({ code: 'E_ESS_COLLAPSE' });
  });

  it('stops for no progress, time limit and max steps', async () => {
    const flat: DesignObjective = {
      parameterNames: ['g'],
      evaluate: async () => ({ loss: 100, lossStderr: 1, degreesOfFreedom: 1, gradient: [0], ess: 10, ensembleSize: 10 }),
    };
    expect((await optimise(flat, [0], { ...base, stallSteps: 5 })).stopReason).toBe('no-progress');
    expect((await optimise(flat, [0], { ...base, deadline: Date.now() - 1 })).stopReason).toBe('time-limit');
    expect((await optimise(flat, [0], { ...base, maxSteps: 3, stallSteps: 100 })).stopReason).toBe('max-steps');
  });
});
