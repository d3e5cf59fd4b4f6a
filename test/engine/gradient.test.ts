import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { differentiableGridValues, differentiablePointValues, disposeDifferentiableChunk, uploadDifferentiableChunk, type DifferentiableCosNetChunk } from '../../src/architectures/cos-net-differentiable.js';
import { boxGrid } from '../../src/densities/interaction-grid.js';
import { lossAndGradient, type DifferentiableEnsemble } from '../../src/ensemble/two-pass-gradient.js';

describe('two-pass gradient of a weighted correlator loss', () => {
  let uploaded: DifferentiableCosNetChunk[] = [];
  let model: DifferentiableEnsemble;
  beforeAll(async () => {
    await initBackend('wasm');
    const net = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: 10 });
    const points = [[0], [0.4], [1.1]];
    const grid = boxGrid(1, 2, { panels: 3, nodesPerPanel: 8 });
    const weights = tf.tensor2d(Float32Array.from(grid.weights), [grid.weights.length, 1]);
    const samples = [0, 1, 2].map((chunk) => net.sample(40 + chunk, 200));
    // Trig factors are precomputed at the current scale: re-upload when it changes.
    const chunkAt = (chunkIndex: number, scaleValue: number) => {
      const existing = uploaded[chunkIndex];
      if (existing && existing.scale === scaleValue) return existing;
      if (existing) disposeDifferentiableChunk(existing);
      return (uploaded[chunkIndex] = uploadDifferentiableChunk(samples[chunkIndex]!, 8, 1, points, grid, scaleValue));
    };
    model = {
      chunkCount: 3,
      pointCount: 3,
      forward: (chunkIndex, [coupling, scale], values) => {
        const chunk = chunkAt(chunkIndex, values[1]!);
        const phiGrid = differentiableGridValues(chunk, scale!);
        const logWeights = tf.mul(tf.reshape(tf.matMul(tf.pow(phiGrid, 4), weights), [-1]), tf.div(tf.neg(coupling!), 24)) as tf.Tensor1D;
        return { phi: differentiablePointValues(chunk, scale!), logWeights };
      },
    };
  });
  afterAll(() => uploaded.forEach((chunk) => chunk && disposeDifferentiableChunk(chunk)));

  it('matches central finite differences in the coupling and the momentum scale', async () => {
    const lossTerm = (order: number, _index: number, value: number): [number, number] => {
      const target = order === 2 ? 0.3 : 0;
      return [(value - target) ** 2, 2 * (value - target)];
    };
    const at = async (coupling: number, scale: number) => lossAndGradient(model, [coupling, scale], [2, 4], true, lossTerm);
    const base = await at(2, 1.1);
    const step = 1e-2;
    const dCoupling = ((await at(2 + step, 1.1)).loss - (await at(2 - step, 1.1)).loss) / (2 * step);
    const dScale = ((await at(2, 1.1 + step)).loss - (await at(2, 1.1 - step)).loss) / (2 * step);
    // Central differences err by O(step^2) ~ 1e-4 relative; float32 rounding adds ~1e-4.
    expect(base.gradient[0]! / dCoupling).toBeCloseTo(1, 2);
    expect(base.gradient[1]! / dScale).toBeCloseTo(1, 2);
    expect(Math.abs(dCoupling)).toBeGreaterThan(1e-4);
    // Both passes leave no tensors behind (uploads at this scale are cached, so the count is stable).
    const tensors = tf.memory().numTensors;
    await at(2, 1.1);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
