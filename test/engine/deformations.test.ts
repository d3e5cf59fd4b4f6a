import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { gridPoints } from '../../src/architectures/product-grid.js';
import { compileDeformation } from '../../src/densities/deformations.js';
import { boxGrid } from '../../src/densities/interaction-grid.js';
import { gaussLegendreRule } from '../../src/numeric/gauss-legendre.js';

/** int_{-L/2}^{L/2} f by a fine composite Gauss rule in float64 (independent of the engine's grid). */
function fineIntegral(values: (xs: number[]) => Float64Array, side: number, panels: number): number {
  const rule = gaussLegendreRule(20);
  const xs: number[] = [];
  const ws: number[] = [];
  const width = side / panels;
  for (let panel = 0; panel < panels; panel++) {
    for (let k = 0; k < 20; k++) {
      xs.push(-side / 2 + width * (panel + 0.5 * (rule.nodes[k]! + 1)));
      ws.push(0.5 * width * rule.weights[k]!);
    }
  }
  const f = values(xs);
  return ws.reduce((sum, w, i) => sum + w * f[i]!, 0);
}

describe('deformation log-weights', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('product grids integrate polynomials exactly in d = 2', () => {
    const grid = boxGrid(2, 3, { panels: 2, nodesPerPanel: 4 });
    const points = gridPoints(grid);
    const integral = points.reduce((sum, [x, y], i) => sum + grid.weights[i]! * x! * x! * y! * y!, 0);
    expect(integral).toBeCloseTo(((2 * 1.5 ** 3) / 3) ** 2, 12);
  });

  it('phi^4, Wick-ordered phi^4 and the non-local quartic term match float64 quadrature of the same networks', () => {
    const net = cosNet({ dimension: 1, width: 16, mass: 1, cutoff: 20 });
    const chunk = net.sample(99, 4);
    const side = 6;
    const g0 = net.exactMoment([[0], [0]])!;
    const phiAt = (xs: number[]) => net.referenceAtPoints(chunk, xs.map((x) => [x]));
    const perNetwork = (values: Float64Array, network: number, count: number) => values.subarray(network * count, (network + 1) * count);

    const local = compileDeformation(net, { regionSide: side, terms: [{ kind: 'local', power: 4, coupling: 0.7 }] });
    const wick = compileDeformation(net, { regionSide: side, terms: [{ kind: 'local', power: 4, coupling: 0.7, wickOrdered: true }] });
    const [localWeights, wickWeights] = [local, wick].map((deformation) => tf.tidy(() => deformation.logWeights(net, chunk)).dataSync());
    for (let network = 0; network < chunk.count; network++) {
      const quartic = fineIntegral((xs) => perNetwork(phiAt(xs), network, xs.length).map((phi) => phi ** 4), side, 400);
      const wickQuartic = fineIntegral((xs) => perNetwork(phiAt(xs), network, xs.length).map((phi) => phi ** 4 - 6 * g0 * phi * phi + 3 * g0 * g0), side, 400);
      expect(localWeights[network]).toBeCloseTo((-0.7 / 24) * quartic, 4);
      expect(wickWeights[network]).toBeCloseTo((-0.7 / 24) * wickQuartic, 4);
    }

    const width = 0.4;
    const nonlocal = compileDeformation(net, { regionSide: side, terms: [{ kind: 'nonlocal-quartic', coupling: 1.3, kernelWidth: width }], resolution: { panels: 30, nodesPerPanel: 16 } });
    const nonlocalWeights = tf.tidy(() => nonlocal.logWeights(net, chunk)).dataSync();
    const rule = gaussLegendreRule(16);
    const xs: number[] = [];
    const ws: number[] = [];
    for (let panel = 0; panel < 60; panel++) for (let k = 0; k < 16; k++) {
      xs.push(-side / 2 + (side / 60) * (panel + 0.5 * (rule.nodes[k]! + 1)));
      ws.push((0.5 * side * rule.weights[k]!) / 60);
    }
    const phi = phiAt(xs);
    for (let network = 0; network < chunk.count; network++) {
      const values = perNetwork(phi, network, xs.length);
      let total = 0;
      for (let i = 0; i < xs.length; i++) for (let j = 0; j < xs.length; j++) {
        total += ws[i]! * ws[j]! * values[i]! ** 2 * values[j]! ** 2 * Math.exp(-((xs[i]! - xs[j]!) ** 2) / (2 * width * width)) / Math.sqrt(2 * Math.PI * width * width);
      }
      expect(nonlocalWeights[network]! / ((-1.3 / 24) * total)).toBeCloseTo(1, 4);
    }
  });

  it('no tensors leak from log-weight evaluation', () => {
    const net = cosNet({ dimension: 2, width: 8, mass: 1, cutoff: 5 });
    const deformation = compileDeformation(net, { regionSide: 2, terms: [{ kind: 'local', power: 4, coupling: 1 }], resolution: { panels: 1, nodesPerPanel: 16 } });
    const before = tf.memory().numTensors;
    for (let chunk = 0; chunk < 3; chunk++) tf.tidy(() => deformation.logWeights(net, net.sample(chunk + 1, 10))).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
