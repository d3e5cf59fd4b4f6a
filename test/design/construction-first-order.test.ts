/**
 * The analytic construction is the target at infinite width: its first-order correlators, computed
 * from the designed spec alone (construction-first-order.ts, Price's theorem on the spec's weight),
 * equal the target's first-order perturbation theory (perturbative.ts, Feynman diagrams of the
 * target's action), for every kind of term the target format accepts. Where both are exact (a
 * momentum cutoff, so the weight sees every mode) they agree to 1e-6 of the order's scale; without a
 * cutoff the weight acts on the modes below the mode cutoff only, a stated systematic
 * (docs/design.md, "The analytic construction").
 */
import { describe, expect, it } from 'vitest';
import { designSetup, specFromParameters } from '../../src/design/design-setup.js';
import { initialValues } from '../../src/design/design-model.js';
import { constructionFirstOrder } from '../../src/design/construction-first-order.js';
import { computePerturbative } from '../../src/correlators/perturbative.js';
import type { Interaction, Theory } from '../../src/theory/theory.js';
import { local, makeTheory } from '../correlators/theory-fixtures.js';

interface Gap {
  order: number;
  worst: number;
  scale: number;
  quadrature: number;
}

/** Largest |construction - target| per order, with the order's scale and the target's own quadrature error. */
function firstOrderGaps(theory: Theory): Gap[] {
  const setup = designSetup(theory, { amplitudeLaw: 'fixed' });
  const spec = specFromParameters(theory, setup, 64, initialValues(setup.model), null);
  const construction = constructionFirstOrder(spec);
  const target = computePerturbative(theory);
  return target.correlators.map((block, b) => {
    const ours = construction.find((candidate) => candidate.order === block.order)!;
    expect(ours.indices).toEqual(block.indices);
    const worst = Math.max(...block.values.map((value, t) => Math.abs(ours.values[t]! - value)));
    const scale = Math.max(...block.values.map(Math.abs));
    return { order: block.order, worst, scale, quadrature: Math.max(...target.quadratureErrors[b]!) };
  });
}

function expectExact(theory: Theory): void {
  for (const gap of firstOrderGaps(theory)) {
    expect(gap.scale).toBeGreaterThan(0);
    expect(gap.worst, `order ${gap.order}: ${gap.worst} of scale ${gap.scale}`).toBeLessThanOrEqual(1e-6 * gap.scale + gap.quadrature);
  }
}

const box = (side: number) => ({ kind: 'box' as const, side });
const nearEdge = [[0], [0.5], [1.2], [1.9]];

describe('the analytic construction at first order equals the target', () => {
  it('boxed non-Wick-ordered phi^4 with points near the edge (the tadpole is a box-local mass term, not a global one)', () => {
    expectExact(makeTheory({ interactions: [local(4, 2)], momentumCutoff: 30, interactionRegion: box(4), points: nearEdge }));
  });

  it('Wick-ordered phi^4 and phi^6 in a box', () => {
    expectExact(makeTheory({ interactions: [local(4, 1, true), local(6, 0.5, true)], momentumCutoff: 30, interactionRegion: box(3), points: [[0], [0.7], [1.4]] }));
  });

  it('phi^3 + phi^4, not Wick-ordered (the linear and mass terms phi^3 and phi^4 induce), orders 2, 3, 4', () => {
    expectExact(makeTheory({ interactions: [local(3, 0.4), local(4, 1)], momentumCutoff: 30, interactionRegion: box(3), points: [[-0.3], [0.4], [1.3]], connectedOrders: [2, 3, 4] }));
  });

  it('phi^6 and phi^5 + phi^6, not Wick-ordered (double self-contractions: induced phi^4, phi^3, phi^2, phi^1)', () => {
    expectExact(makeTheory({ interactions: [local(6, 3), local(4, 0.5)], momentumCutoff: 30, interactionRegion: box(3), points: [[0], [0.6], [1.3]] }));
    expectExact(makeTheory({ interactions: [local(5, 0.3), local(6, 2)], momentumCutoff: 30, interactionRegion: box(3), points: [[0], [0.6], [1.3]], connectedOrders: [2, 3, 4] }));
  });

  it('a power-2 mass shift alone (Wick-ordered or not)', () => {
    expectExact(makeTheory({ interactions: [local(2, 0.3)], momentumCutoff: 30, interactionRegion: box(4), points: nearEdge, connectedOrders: [2] }));
    expectExact(makeTheory({ interactions: [local(2, -0.2, true)], momentumCutoff: 30, interactionRegion: box(4), points: nearEdge, connectedOrders: [2] }));
  });

  it('the non-local quartic term', () => {
    const nonlocal: Interaction = { kind: 'nonlocal-quartic', coupling: 1, kernel: { kind: 'gaussian', width: 0.3 } };
    expectExact(makeTheory({ interactions: [nonlocal], momentumCutoff: 12, interactionRegion: box(2), points: [[0], [0.5], [0.9]] }));
  });

  it('d = 2 Wick-ordered and not', () => {
    const points = [[0, 0], [0.5, 0], [0.3, 0.6]];
    expectExact(makeTheory({ dimension: 2, interactions: [local(4, 1, true)], momentumCutoff: 5, interactionRegion: box(2), points }));
    expectExact(makeTheory({ dimension: 2, interactions: [local(4, 1)], momentumCutoff: 5, interactionRegion: box(2), points }));
  });

  it('d = 3 weak coupling', () => {
    expectExact(makeTheory({ dimension: 3, interactions: [local(4, 0.5)], momentumCutoff: 3, interactionRegion: box(1.2), points: [[0, 0, 0], [0.4, 0, 0], [0, 0.3, 0.3]] }));
  });

  // Measured: 1.2e-4 (G2) and 2.1e-3 (G_c4) of the order scale for the boxed phi^4, 7.7e-4 (G_c4) for phi^6 + phi^4,
  // independent of the coupling at first order; docs/design.md states it.
  it('without a cutoff (d = 1): the weight sees the modes below 20 m; the construction misses only the high modes, a stated systematic below 3e-3', () => {
    for (const theory of [
      makeTheory({ interactions: [local(4, 2)], interactionRegion: box(4), points: nearEdge }),
      makeTheory({ interactions: [local(6, 1), local(4, 0.5)], interactionRegion: box(3), points: [[0], [0.6], [1.3]] }),
    ]) {
      for (const gap of firstOrderGaps(theory)) {
        console.log(`mode-cutoff systematic, order ${gap.order}: ${(gap.worst / gap.scale).toExponential(2)} of the scale`);
        expect(gap.worst, `order ${gap.order}`).toBeLessThanOrEqual(3e-3 * gap.scale + gap.quadrature);
      }
    }
  });

  it('on R^d the design confines the interaction to a box 5 correlation lengths beyond the points (bias below 1e-4)', () => {
    for (const gap of firstOrderGaps(makeTheory({ interactions: [local(4, 1)], momentumCutoff: 30, points: [[0], [0.5], [1]] }))) {
      expect(gap.worst, `order ${gap.order}`).toBeLessThanOrEqual(1e-4 * gap.scale + gap.quadrature);
    }
  });
});
