/** Which method can compute what: the rules validate and method "auto" share. */
import { describe, expect, it } from 'vitest';
import { analysePotential, methodProblems, perturbativeSupportsOrder } from '../../src/theory/method-support.js';
import type { Interaction, Theory } from '../../src/theory/theory.js';

function theory(interactions: Interaction[], overrides: Partial<Theory> = {}): Theory {
  return {
    name: 't',
    description: '',
    dimension: 1,
    mass: 1,
    interactions,
    momentumCutoff: null,
    interactionRegion: null,
    points: [[0], [1]],
    connectedOrders: [2, 4],
    targetCorrelators: { method: 'auto', options: {} },
    source: { file: null, sha256: null },
    ...overrides,
  };
}
const local = (power: number, coupling: number): Interaction => ({ kind: 'local', power, coupling, wickOrdered: false });

describe('analysePotential', () => {
  it('classifies stability', () => {
    expect(analysePotential(theory([])).boundedBelow).toBe(true);
    expect(analysePotential(theory([local(4, 0.5)])).boundedBelow).toBe(true);
    expect(analysePotential(theory([local(4, -0.5)])).boundedBelow).toBe(false);
    expect(analysePotential(theory([local(3, 0.2)])).boundedBelow).toBe(false);
    expect(analysePotential(theory([local(3, 0.2), local(4, 1)])).boundedBelow).toBe(true);
    expect(analysePotential(theory([local(2, -2)])).massSquared).toBe(-1);
    expect(analysePotential(theory([local(2, -2), local(4, 1)])).boundedBelow).toBe(true);
    // A coupling of zero is no term at all.
    expect(analysePotential(theory([local(4, 1), local(6, 0)])).highestPower).toBe(4);
  });
});

describe('perturbativeSupportsOrder', () => {
  it('follows the first-order rule', () => {
    expect(perturbativeSupportsOrder(theory([local(4, 0.5)]), 4)).toBe(true);
    expect(perturbativeSupportsOrder(theory([local(4, 0.5)]), 3)).toBe(true); // zero by phi -> -phi
    expect(perturbativeSupportsOrder(theory([local(4, 0.5)]), 6)).toBe(false);
    expect(perturbativeSupportsOrder(theory([local(4, 0.5), local(6, 0.1)]), 6)).toBe(true);
    expect(perturbativeSupportsOrder(theory([local(3, 0.5)]), 4)).toBe(false);
    expect(perturbativeSupportsOrder(theory([local(2, 0.5)]), 6)).toBe(true); // Gaussian: exactly zero
    expect(
      perturbativeSupportsOrder(theory([{ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } }]), 4),
    ).toBe(true);
  });
});

describe('methodProblems', () => {
  it('accepts the shared targets’ methods', () => {
    expect(methodProblems(theory([local(4, 6)]), 'spectral')).toEqual([]);
    expect(methodProblems(theory([local(4, 1)], { dimension: 2, momentumCutoff: 10 }), 'lattice')).toEqual([]);
  });

  it('rejects spectral outside d = 1, with a cutoff, or with non-local terms', () => {
    const nonlocal: Interaction = { kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } };
    const paths = methodProblems(theory([nonlocal], { dimension: 2, momentumCutoff: 10 }), 'spectral').map((problem) => problem.path);
    expect(paths).toEqual(['targetCorrelators.method', 'action.interactions[0]', 'regulator.momentumCutoff']);
  });

  it('lets auto fail only when every method fails', () => {
    expect(methodProblems(theory([local(3, 0.3)], { connectedOrders: [2, 3] }), 'auto')).toEqual([]);
    const problems = methodProblems(theory([local(3, 0.3)], { connectedOrders: [2, 4] }), 'auto');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('targetCorrelators');
  });
});
