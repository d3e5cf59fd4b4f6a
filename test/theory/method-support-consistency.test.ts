/**
 * One set of rules for what first-order perturbation theory can do: `nnft validate` (methodProblems),
 * method "auto" (chooseMethod, and the order check in correlators/index.ts) and the solver itself
 * (perturbative.ts) must agree. These cases once disagreed: self-contractions (a non-Wick phi^6 term
 * gives G_c4 at first order) and the non-local quartic term outside d = 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseMethod, perturbativeApplicability } from '../../src/correlators/choose-method.js';
import { ordersStartingAtSecondOrder } from '../../src/correlators/perturbative.js';
import { NnftError } from '../../src/errors.js';
import { parseTargetText } from '../../src/theory/load-target.js';
import { firstOrderReaches, methodProblems, perturbativeObstacles, perturbativeSupportsOrder } from '../../src/theory/method-support.js';
import type { ConnectedOrder, Dimension, Interaction, Theory } from '../../src/theory/theory.js';
import { local, makeTheory } from '../correlators/theory-fixtures.js';

const TARGETS = fileURLToPath(new URL('../../targets/', import.meta.url));

/** A d = 1 theory with points 0 and 1, orders 2 and 4, asking for method "perturbative". */
function theory(interactions: Interaction[], overrides: Partial<Theory> = {}): Theory {
  return makeTheory({ interactions, points: [[0], [1]], targetCorrelators: { method: 'perturbative', options: {} }, ...overrides });
}
const nonlocal = (coupling: number): Interaction => ({ kind: 'nonlocal-quartic', coupling, kernel: { kind: 'gaussian', width: 0.5 } });

/** A target file as `nnft validate` reads it, with the given action, regulator and method. */
function targetText(options: { dimension: Dimension; interactions: unknown[]; cutoff: number | null; method: string; connected?: number[] }): string {
  const point = (x: number): number[] => Array.from({ length: options.dimension }, (_, axis) => (axis === 0 ? x : 0));
  return JSON.stringify({
    nnftTarget: 1,
    name: 'consistency',
    dimension: options.dimension,
    action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: options.interactions },
    regulator: { momentumCutoff: options.cutoff, ...(options.dimension > 1 ? { interactionRegion: { kind: 'box', side: 4 } } : {}) },
    observables: { points: [point(0), point(0.5)], connected: options.connected ?? [2, 4] },
    targetCorrelators: { method: options.method },
  });
}

function validationError(text: string): NnftError | null {
  try {
    parseTargetText(text, { file: null, sha256: null });
    return null;
  } catch (error) {
    if (error instanceof NnftError) return error;
    throw error;
  }
}

describe('first-order reach of a term (self-contractions)', () => {
  it('a non-Wick phi^6 term gives G_c4 (one self-contraction) and G_c6, a Wick-ordered one only G_c6', () => {
    expect(firstOrderReaches(local(6, 0.1), 4)).toBe(true);
    expect(firstOrderReaches(local(6, 0.1), 6)).toBe(true);
    expect(firstOrderReaches(local(6, 0.1, true), 4)).toBe(false);
    expect(firstOrderReaches(local(6, 0.1, true), 6)).toBe(true);
    expect(firstOrderReaches(local(5, 0.1), 3)).toBe(true);
    expect(firstOrderReaches(local(5, 0.1), 4)).toBe(false);
    expect(firstOrderReaches(local(4, 0.1), 6)).toBe(false);
    expect(firstOrderReaches(nonlocal(0.1), 4)).toBe(true);
    expect(firstOrderReaches(nonlocal(0.1), 6)).toBe(false);
  });

  it('perturbativeSupportsOrder: phi^6 non-Wick -> G_c4 at first order; Wick-ordered -> second order', () => {
    expect(perturbativeSupportsOrder(theory([local(6, 0.1)]), 4)).toBe(true);
    expect(perturbativeSupportsOrder(theory([local(6, 0.1, true)]), 4)).toBe(false);
    expect(perturbativeSupportsOrder(theory([local(6, 0.1, true), local(4, 0.2, true)]), 4)).toBe(true);
    expect(perturbativeSupportsOrder(theory([local(5, 0.1), local(6, 1)]), 3)).toBe(true);
    expect(perturbativeSupportsOrder(theory([local(5, 0.1, true), local(6, 1)]), 3)).toBe(false);
    expect(methodProblems(theory([local(6, 0.1)]), 'perturbative')).toEqual([]);
  });

  it('validate accepts method "perturbative" for G_c4 of a non-Wick phi^6 theory and rejects it for a Wick-ordered one', () => {
    expect(validationError(targetText({ dimension: 1, interactions: [{ kind: 'local', power: 6, coupling: 0.1 }], cutoff: null, method: 'perturbative' }))).toBeNull();
    const error = validationError(
      targetText({ dimension: 1, interactions: [{ kind: 'local', power: 6, coupling: 0.1, wickOrdered: true }], cutoff: null, method: 'perturbative' }),
    );
    expect(error?.issues?.map((issue) => issue.path)).toEqual(['observables.connected[1]']);
  });
});

describe('the non-local quartic term outside d = 1', () => {
  const twoD = theory([nonlocal(0.5)], { dimension: 2, momentumCutoff: 10, points: [[0, 0], [1, 0]] });

  it('is not perturbative in d = 2, for validate and for auto alike', () => {
    expect(perturbativeObstacles(twoD).map((problem) => problem.path)).toEqual(['action.interactions[0]']);
    expect(methodProblems(twoD, 'perturbative').map((problem) => problem.path)).toEqual(['action.interactions[0]']);
    expect(perturbativeApplicability(twoD)).toEqual({ ok: false, reason: 'the non-local quartic term is handled perturbatively in d = 1 only' });
    expect(chooseMethod(twoD, 'auto').method).toBe('lattice');
  });

  it('is perturbative in d = 1 (and a zero coupling is no term at all)', () => {
    const oneD = theory([nonlocal(0.5)], { momentumCutoff: 20 });
    expect(methodProblems(oneD, 'perturbative')).toEqual([]);
    expect(perturbativeApplicability(oneD)).toEqual({ ok: true });
    expect(perturbativeObstacles(theory([nonlocal(0), local(4, 1, true)], { dimension: 2, momentumCutoff: 10 }))).toEqual([]);
  });

  it('validate rejects method "perturbative" for it in d = 2 at the term, and accepts "auto" (the lattice applies)', () => {
    const interactions = [{ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } }];
    const error = validationError(targetText({ dimension: 2, interactions, cutoff: 10, method: 'perturbative' }));
    expect(error?.issues?.filter((issue) => issue.severity === 'error').map((issue) => issue.path)).toEqual(['action.interactions[0]']);
    expect(validationError(targetText({ dimension: 2, interactions, cutoff: 10, method: 'auto' }))).toBeNull();
  });
});

describe('Wick-ordered phi^4 in d = 2', () => {
  it('is perturbative with a cutoff (auto chooses it, pending the weak-coupling check); without one it is not', () => {
    const wick = theory([local(4, 1, true)], { dimension: 2, momentumCutoff: 10, points: [[0, 0], [1, 0]] });
    expect(methodProblems(wick, 'perturbative')).toEqual([]);
    expect(chooseMethod(wick, 'auto')).toMatchObject({ method: 'perturbative', needsWeakCouplingCheck: true });
    const noCutoff = { ...wick, momentumCutoff: null };
    expect(perturbativeApplicability(noCutoff)).toEqual({ ok: false, reason: 'the free propagator is singular at zero separation in d = 2 without a cutoff' });
    // validate reports the missing cutoff once, for every method (check-semantics), not again per method.
    expect(methodProblems(noCutoff, 'perturbative')).toEqual([]);
    const error = validationError(targetText({ dimension: 2, interactions: [{ kind: 'local', power: 4, coupling: 1, wickOrdered: true }], cutoff: null, method: 'perturbative' }));
    expect(error?.issues?.filter((issue) => issue.severity === 'error').map((issue) => issue.path)).toEqual(['regulator.momentumCutoff']);
  });
});

describe('the shared targets', () => {
  const expected: Record<string, { auto: string; perturbativeProblems: string[] }> = {
    'free-scalar-1d.json': { auto: 'free', perturbativeProblems: [] },
    'phi4-local-1d.json': { auto: 'spectral', perturbativeProblems: [] },
    'phi4-local-2d.json': { auto: 'perturbative', perturbativeProblems: [] },
    'phi4-nonlocal-1d.json': { auto: 'perturbative', perturbativeProblems: [] },
    'phi4-strong-1d.json': { auto: 'spectral', perturbativeProblems: [] },
  };
  for (const [file, expectation] of Object.entries(expected)) {
    it(`${file}: auto and validate agree on method "perturbative"`, () => {
      const { theory: loaded } = parseTargetText(readFileSync(`${TARGETS}${file}`, 'utf8'), { file, sha256: null });
      expect(chooseMethod(loaded, 'auto').method).toBe(expectation.auto);
      const problems = methodProblems(loaded, 'perturbative');
      expect(problems.map((problem) => problem.path)).toEqual(expectation.perturbativeProblems);
      const runs = perturbativeApplicability(loaded).ok && ordersStartingAtSecondOrder(loaded).length === 0;
      expect(runs).toBe(problems.length === 0);
    });
  }
});

describe('validate, auto and the solver agree on every small theory', () => {
  it('method "perturbative" is accepted exactly where it runs and gives every requested order at first order', () => {
    const terms: Interaction[][] = [[]];
    for (const power of [2, 3, 4, 5, 6]) for (const wick of [false, true]) for (const coupling of [0.3, -0.2]) terms.push([local(power, coupling, wick)]);
    terms.push([nonlocal(0.5)], [nonlocal(0.5), local(6, 0.1)], [local(3, 0.2), local(4, 1, true)], [local(5, 0.1, true), local(6, 1)], [local(2, -1.5), local(4, 1)]);
    const orderSets: ConnectedOrder[][] = [[2], [2, 3], [2, 4], [2, 3, 4, 6]];
    let checked = 0;
    for (const interactions of terms) {
      for (const dimension of [1, 2] as Dimension[]) {
        for (const cutoff of [null, 10]) {
          for (const connectedOrders of orderSets) {
            const candidate = theory(interactions, { dimension, momentumCutoff: cutoff, connectedOrders, points: [Array.from({ length: dimension }, () => 0)] });
            const missing = connectedOrders.filter((order) => !perturbativeSupportsOrder(candidate, order));
            const label = JSON.stringify({ interactions, dimension, cutoff, connectedOrders });
            // The solver's own list of orders it cannot give is the same list.
            expect(ordersStartingAtSecondOrder(candidate), label).toEqual(missing);
            // validate (the cutoff aside: it is an error for every method) accepts exactly what auto may run.
            const runs = perturbativeApplicability(candidate).ok && missing.length === 0;
            const accepted = methodProblems(candidate, 'perturbative').length === 0;
            if (dimension === 1 || cutoff !== null) expect(accepted, label).toBe(runs);
            else expect(accepted, label).toBe(perturbativeApplicability({ ...candidate, momentumCutoff: 10 }).ok && missing.length === 0);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(terms.length * 2 * 2 * orderSets.length);
  });
});
