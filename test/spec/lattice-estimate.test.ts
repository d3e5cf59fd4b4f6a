/**
 * nnft estimate of a free lattice spec (momentumSampling "lattice", no deformation): G2 against the
 * lattice propagator from a dense inverse of the nearest-neighbour operator (test/correlators/
 * lattice-oracles.ts, no Fourier transform), G_c4 against the lattice cos-net's exact finite-width
 * formula; fixed seed, 4.5 standard errors. A deliberate slip (the continuum propagator) fails.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { latticeCosNet } from '../../src/architectures/lattice-cos-net.js';
import { invert, latticeOperator } from '../correlators/lattice-oracles.js';

const lattice = { spacing: 0.5, sites: 16 };
const points = [[0], [0.5], [1.5], [-2]];
const site = (x: number) => (((Math.round(x / 0.5) % 16) + 16) % 16);

describe('nnft estimate of a free lattice spec', () => {
  it('G2 is the lattice propagator and G_c4 the exact width-8 formula, within 4.5 sigma', async () => {
    const spec = parseSpec({
      nnftSpec: 1,
      name: 'lattice-free',
      dimension: 1,
      architecture: { kind: 'cos-net', width: 8, mass: 1, momentumCutoff: null, momentumSampling: 'lattice', lattice, amplitude: { law: 'gaussian' } },
      observables: { points, connected: [2, 4] },
      estimation: { ensembleSize: 200_000, seed: 3 },
    });
    const result = await estimateSpec(spec);
    const covariance = invert(latticeOperator(1, 16, 0.5, 1));
    const net = latticeCosNet({ dimension: 1, width: 8, mass: 1, lattice });
    const g2 = result.correlators.find((block) => block.order === 2)!;
    g2.indices.forEach((tuple, k) => {
      const exact = covariance[site(points[tuple[0]!]![0]!)]![site(points[tuple[1]!]![0]!)]!;
      expect(Math.abs(g2.values[k]! - exact) / g2.stderr[k]!).toBeLessThan(4.5);
      // the slip: the continuum propagator e^{-m|x|}/(2m) at the same separation is many errors away at x = 0
      if (tuple[0] === tuple[1]) expect(Math.abs(g2.values[k]! - 0.5) / g2.stderr[k]!).toBeGreaterThan(5);
    });
    const c4 = result.correlators.find((block) => block.order === 4)!;
    c4.indices.forEach((tuple, k) => {
      const x = tuple.map((index) => points[index]!);
      const g = (i: number, j: number) => net.exactMoment([x[i]!, x[j]!])!;
      const exact = net.exactMoment(x)! - (g(0, 1) * g(2, 3) + g(0, 2) * g(1, 3) + g(0, 3) * g(1, 2));
      expect(Math.abs(c4.values[k]! - exact) / c4.stderr[k]!).toBeLessThan(4.5);
    });
  }, 60_000);
});
