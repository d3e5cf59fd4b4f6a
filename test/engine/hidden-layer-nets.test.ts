import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { hiddenLayerNet, type HiddenLayerKind } from '../../src/architectures/hidden-layer-net.js';
import { estimateEnsemble } from '../../src/ensemble/estimate-ensemble.js';

describe('Gauss-, Erf- and ReLU-nets', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('G2 matches the analytic kernels (d = 2, N = 16, fixed seeds, k <= 5)', async () => {
    const points = [[0, 0], [0.5, -0.3], [1.2, 0.4]];
    for (const kind of ['gauss-net', 'erf-net', 'relu-net'] as HiddenLayerKind[]) {
      const net = hiddenLayerNet({ kind, dimension: 2, width: 16, weightStd: 1.2, biasStd: 0.7, outputStd: 1.1 });
      const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2], ensembleSize: 30_000, seed: 21 });
      const [two] = result.summary.orders;
      two!.indices.forEach((tuple, index) => {
        const exact = net.exactMoment(tuple.map((k) => points[k]!))!;
        expect(Math.abs(two!.values[index]! - exact) / two!.stderr[index]!, `${kind} ${tuple}`).toBeLessThan(5);
      });
    }
  });

  it('float32 device values match the float64 reference', () => {
    for (const kind of ['gauss-net', 'erf-net', 'relu-net'] as HiddenLayerKind[]) {
      const net = hiddenLayerNet({ kind, dimension: 1, width: 8 });
      const chunk = net.sample(5, 20);
      const points = [[0], [0.7], [-1.5]];
      const reference = net.referenceAtPoints(chunk, points);
      const device = tf.tidy(() => net.applyAtPoints(chunk, points)).dataSync();
      reference.forEach((value, index) => expect(Math.abs(device[index]! - value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(value))));
    }
  });
});
