import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { compileDeformation } from '../../src/densities/deformations.js';
import { estimateEnsemble } from '../../src/ensemble/estimate-ensemble.js';
import { estimateEnsembleMcmc } from '../../src/ensemble/mcmc-estimate.js';

describe('MCMC in parameter space', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('agrees with importance sampling where the weights are healthy, and reports acceptance and autocorrelation', async () => {
    const net = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: 10 });
    const deformation = compileDeformation(net, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 3 }] });
    const points = [[0], [0.8]];
    const common = { architecture: net, deformation, points, orders: [2], controlVariate: 'off' as const };
    const before = tf.memory().numTensors;
    const chain = await estimateEnsembleMcmc({ ...common, ensembleSize: 16_000, seed: 3 }, { chains: 400, burnIn: 30 });
    expect(tf.memory().numTensors).toBe(before);
    const weighted = await estimateEnsemble({ ...common, ensembleSize: 40_000, seed: 4 });
    const [mcmcTwo] = chain.summary.orders;
    const [isTwo] = weighted.summary.orders;
    mcmcTwo!.values.forEach((value, index) => {
      const error = Math.hypot(mcmcTwo!.stderr[index]!, isTwo!.stderr[index]!);
      expect(Math.abs(value - isTwo!.values[index]!) / error).toBeLessThan(5);
    });
    // The deformation moved G2(0, 0) away from the free value by many errors, so agreement means something.
    expect((0.5 * Math.atan(10) / (Math.PI / 2) - mcmcTwo!.values[0]!) / mcmcTwo!.stderr[0]!).toBeGreaterThan(5);
    expect(chain.mcmc.acceptance).toBeGreaterThan(0.1);
    expect(chain.mcmc.autocorrelationTime).toBeGreaterThanOrEqual(1);
  });
});
