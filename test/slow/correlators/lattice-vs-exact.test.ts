/**
 * Heavy statistical checks of the lattice method (NNFT_SLOW=1 npx vitest run test/slow/correlators):
 * HMC against the exact d = 1 spectral solution (within 4 sigma plus the stated discretisation
 * bias) and against the exact lattice free propagator in d = 3, 4 (within 3 sigma).
 */
import { describe, expect, it } from 'vitest';
import { computeLattice, latticeFreePropagator, latticeSetup } from '../../../src/correlators/lattice.js';
import { computeSpectral } from '../../../src/correlators/spectral.js';
import { makeTheory, phi4 } from '../../correlators/theory-fixtures.js';

function compare(
  lattice: { values: number[]; stderr: number[]; indices: number[][] },
  exact: { values: number[] },
  bias: number,
): { worstPull: number } {
  let worstPull = 0;
  lattice.values.forEach((value, i) => {
    const difference = Math.abs(value - exact.values[i]!);
    expect(difference).toBeLessThan(4 * lattice.stderr[i]! + bias);
    worstPull = Math.max(worstPull, difference / lattice.stderr[i]!);
  });
  return { worstPull };
}

describe('lattice HMC vs the exact d = 1 solution', () => {
  it.each([
    [0.5, null],
    [6, null],
    [2, 3],
  ] as const)('lambda = %f, region side %s', async (lambda, side) => {
    const theory = makeTheory({
      points: [[0], [0.5], [1]],
      interactions: [phi4(lambda)],
      interactionRegion: side === null ? null : { kind: 'box', side },
    });
    const exact = computeSpectral(theory);
    const lattice = await computeLattice(theory, { trajectories: 6000, thermalization: 300, seed: 2026 });
    // The discretisation bias of the interacting theory is of the order of the free part's (O(a^2)),
    // scaled to each order by G(0)^{order/2 - 1}.
    const g0 = 0.5;
    for (const [b, block] of lattice.correlators.entries()) {
      compare(block, exact.correlators[b]!, 3 * lattice.freeFieldBias * g0 ** (block.order / 2 - 1));
    }
    expect(lattice.acceptance).toBeGreaterThan(0.6);
  });
});

describe('lattice HMC, free theory with a cutoff in d = 3 and 4', () => {
  it.each([3, 4] as const)('d = %i: G2 within 3 sigma of the exact lattice propagator, G_c4 consistent with 0', async (dimension) => {
    const points = [new Array(dimension).fill(0), [0.5, ...new Array(dimension - 1).fill(0)]];
    const theory = makeTheory({ dimension, momentumCutoff: 3, points, interactionRegion: { kind: 'box', side: 2 } });
    const sites = dimension === 3 ? 16 : 8;
    const setup = latticeSetup(theory, { sites });
    const result = await computeLattice(theory, { sites, trajectories: 400, thermalization: 20, seed: 9 });
    const g2 = result.correlators[0]!;
    g2.indices.forEach((tuple, i) => {
      const separation = points[tuple[0]!]!.map((c, axis) => c - points[tuple[1]!]![axis]!);
      expect(Math.abs(g2.values[i]! - latticeFreePropagator(setup, separation))).toBeLessThan(3 * g2.stderr[i]!);
    });
    const g4 = result.correlators[1]!;
    g4.values.forEach((value, i) => expect(Math.abs(value)).toBeLessThan(5 * g4.stderr[i]!));
  });
});
