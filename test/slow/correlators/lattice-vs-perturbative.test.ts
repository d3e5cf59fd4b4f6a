/**
 * The interacting lattice in d = 2 (sharp cutoff, translation-averaged) against first-order
 * perturbation theory: the tadpole shift of G2 (lattice: minus the exact lattice free propagator) and
 * the tree-level G_c4 must agree within 4 sigma plus three times the one-loop estimate of the O(g^2)
 * terms. NNFT_SLOW=1 npx vitest run test/slow/correlators
 */
import { describe, expect, it } from 'vitest';
import { computeLattice, latticeFreePropagator, latticeSetup } from '../../../src/correlators/lattice.js';
import { computePerturbative } from '../../../src/correlators/perturbative.js';
import { freePropagator } from '../../../src/correlators/free-propagator.js';
import { secondOrderEstimate } from '../../../src/correlators/weak-coupling.js';
import { makeTheory, phi4 } from '../../correlators/theory-fixtures.js';

describe('lattice vs first-order perturbation theory in d = 2', () => {
  it('phi^4 (lambda = 1, Lambda = 5, whole plane): G2 shift and G_c4', async () => {
    const theory = makeTheory({ dimension: 2, momentumCutoff: 5, points: [[0, 0], [0.6, 0]], interactions: [phi4(1)] });
    const lattice = await computeLattice(theory, { trajectories: 1500, thermalization: 100, seed: 21 });
    const setup = latticeSetup(theory);
    const perturbative = computePerturbative(theory);
    const allowance = 3 * secondOrderEstimate(theory);
    const g2 = lattice.correlators[0]!;
    g2.indices.forEach((tuple, i) => {
      const separation = theory.points[tuple[0]!]!.map((c, axis) => c - theory.points[tuple[1]!]![axis]!);
      const latticeShift = g2.values[i]! - latticeFreePropagator(setup, separation);
      const firstOrderShift = perturbative.correlators[0]!.values[i]! - freePropagator(2, 1, 5, Math.hypot(...separation));
      expect(firstOrderShift).toBeLessThan(0);
      expect(Math.abs(latticeShift - firstOrderShift)).toBeLessThan(4 * g2.stderr[i]! + allowance * Math.abs(firstOrderShift));
    });
    const g4 = lattice.correlators[1]!;
    g4.values.forEach((value, i) => {
      const firstOrder = perturbative.correlators[1]!.values[i]!;
      expect(Math.abs(value - firstOrder)).toBeLessThan(4 * g4.stderr[i]! + allowance * Math.abs(firstOrder));
    });
    // The comparison has teeth: the lattice resolves the shift and G_c4 well away from zero.
    expect(Math.abs(g2.values[0]! - latticeFreePropagator(setup, [0, 0]))).toBeGreaterThan(5 * g2.stderr[0]!);
    expect(Math.abs(g4.values[0]!)).toBeGreaterThan(3 * g4.stderr[0]!);
  });

  it('non-local quartic in d = 1 (g = 0.3, width 0.5, Lambda = 10): the G2 shift agrees across methods', async () => {
    const theory = makeTheory({
      momentumCutoff: 10,
      points: [[0], [0.5]],
      interactions: [{ kind: 'nonlocal-quartic', coupling: 0.3, kernel: { kind: 'gaussian', width: 0.5 } }],
    });
    const lattice = await computeLattice(theory, { trajectories: 8000, seed: 3 });
    const setup = latticeSetup(theory);
    const perturbative = computePerturbative(theory);
    const allowance = 3 * secondOrderEstimate(theory);
    const g2 = lattice.correlators[0]!;
    g2.indices.forEach((tuple, i) => {
      const separation = [theory.points[tuple[0]!]![0]! - theory.points[tuple[1]!]![0]!];
      const latticeShift = g2.values[i]! - latticeFreePropagator(setup, separation);
      const firstOrderShift = perturbative.correlators[0]!.values[i]! - freePropagator(1, 1, 10, Math.abs(separation[0]!));
      expect(Math.abs(latticeShift - firstOrderShift)).toBeLessThan(4 * g2.stderr[i]! + allowance * Math.abs(firstOrderShift));
    });
    expect(Math.abs(g2.values[0]! - latticeFreePropagator(setup, [0]))).toBeGreaterThan(4 * g2.stderr[0]!);
  });
});
