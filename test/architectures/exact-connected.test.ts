import { describe, expect, it } from 'vitest';
import { cosNet, type CosNetOptions } from '../../src/architectures/cos-net.js';
import { hiddenLayerNet } from '../../src/architectures/hidden-layer-net.js';
import { latticeCosNet } from '../../src/architectures/lattice-cos-net.js';
import type { Architecture, Points } from '../../src/architectures/architecture.js';
import { jointCumulant, memoizeMoments } from '../../src/numeric/cumulants.js';

/** The connected function by the cumulant formula over the architecture's exact moments. */
function fromMoments(architecture: Architecture, points: Points, tuple: readonly number[]): number {
  const moment = memoizeMoments((sorted) => (sorted.length === 0 ? 1 : architecture.exactMoment(sorted.map((i) => points[i]!))!));
  return jointCumulant(tuple, moment);
}

const tuples = [[0, 1], [0, 0, 1, 2], [0, 1, 2, 3], [1, 1, 1, 1], [0, 1, 1, 2, 3, 3], [0, 1, 2]];

describe('Architecture.exactConnected', () => {
  const cases: [string, CosNetOptions][] = [
    ['independent, d = 1', { dimension: 1, width: 8, mass: 1, cutoff: null }],
    ['independent, d = 2 with a cutoff', { dimension: 2, width: 6, mass: 1, cutoff: 8 }],
    ['shared scale', { dimension: 1, width: 8, mass: 1, cutoff: null, sharedScale: { kind: 'lognormal', logStd: 0.3 } }],
    ['stratified', { dimension: 1, width: 8, mass: 1, cutoff: null, momentumSampling: 'stratified' }],
    ['quadrature', { dimension: 2, width: 8, mass: 1, cutoff: 8, momentumSampling: 'quadrature' }],
    ['split with a box mass', { dimension: 1, width: 16, mass: 1, cutoff: null, momentumSampling: 'split', splitMomentum: 5, amplitude: { kind: 'kurtosis', kurtosis: 2 }, boxMass: { side: 2, coupling: 0.5 } }],
  ];
  for (const [name, options] of cases) {
    it(`cos-net (${name}): the joint cumulants of its exact moments`, () => {
      const net = cosNet(options);
      const points = [0, 0.3, 0.8, 1.5].map((v) => Array.from({ length: options.dimension }, (_, a) => v * (1 + 0.3 * a)));
      const connected = net.exactConnected(points, tuples)!;
      const scale = net.exactMoment([points[0]!, points[0]!])! ** 3;
      tuples.forEach((tuple, t) => {
        expect(Math.abs(connected[t]! - fromMoments(net, points, tuple)), `tuple ${tuple}`).toBeLessThan(1e-12 * scale);
      });
      expect(connected[5]).toBe(0);
      // the 4-point function at finite width is not zero (a Gaussian-pair quadrature would be)
      if (options.momentumSampling !== 'quadrature') expect(Math.abs(connected[2]!)).toBeGreaterThan(1e-8);
      expect(net.exactConnected(points, [[0, 0, 0, 0, 1, 1, 1, 1]])).toBeNull();
    });
  }

  it('lattice cos-net and hidden-layer nets: from exact moments, null where a moment is unknown', () => {
    const lattice = latticeCosNet({ dimension: 1, width: 6, mass: 0.7, lattice: { spacing: 0.5, sites: 8 } });
    const points = [[0], [0.5], [1], [1.5]];
    const four = lattice.exactConnected(points, [[0, 1, 2, 3]])![0]!;
    expect(Math.abs(four - fromMoments(lattice, points, [0, 1, 2, 3]))).toBeLessThan(1e-14);
    expect(Math.abs(four)).toBeGreaterThan(1e-6);
    const gauss = hiddenLayerNet({ kind: 'gauss-net', dimension: 1, width: 8 });
    expect(gauss.exactConnected(points, [[0, 1]])![0]).toBe(gauss.exactMoment([[0], [0.5]]));
    expect(gauss.exactConnected(points, [[0, 1], [0, 1, 2, 3]])).toBeNull();
  });
});
