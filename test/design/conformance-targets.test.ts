/**
 * The design conformance targets (targets/conformance/, run by `npm run design:conformance`): every
 * one loads and validates, its independent reference method is available, and the set covers the
 * cases the design must handle (box edges and all of R, lambda from 0.1 to 24, phi^3 + phi^4,
 * phi^6 alone and with phi^4, a mass shift alone, the non-local quartic). The designs themselves are
 * not run here (minutes each); the references are
 * (fast): d = 1 local potentials by the exact spectral solution, which must converge; the rest by
 * first-order perturbation theory, whose one-loop O(g^2) estimate must stay small.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/theory/load-target.js';
import { methodProblems } from '../../src/theory/method-support.js';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { secondOrderEstimate } from '../../src/correlators/weak-coupling.js';
import type { Theory } from '../../src/theory/theory.js';

const DIRECTORY = 'targets/conformance';
const FILES = readdirSync(DIRECTORY)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** Warnings a target is meant to raise (the point of that target), by name. */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  'conf-2d-no-wick': ['action.interactions[0]'],
};

/** The largest one-loop O(g^2) estimate (relative to the first-order terms) a perturbative reference may have. */
const SECOND_ORDER_LIMIT = 0.06;

const isLocalOnly = (theory: Theory): boolean => theory.interactions.every((term) => term.kind === 'local');

async function load(file: string): Promise<{ theory: Theory; warnings: { path: string }[] }> {
  return loadTarget(join(DIRECTORY, file));
}

describe('design conformance targets', () => {
  it('are at least 12', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(FILES)('%s validates, is cheap, and names its independent reference', async (file) => {
    const { theory, warnings } = await load(file);
    expect(theory.name).toBe(file.replace(/\.json$/, ''));
    expect(warnings.map((warning) => warning.path)).toEqual(EXPECTED_WARNINGS[theory.name] ?? []);
    expect(theory.points.length).toBeGreaterThanOrEqual(3);
    expect(theory.points.length).toBeLessThanOrEqual(4);
    expect(theory.connectedOrders).toEqual(expect.arrayContaining([2, 4]));
    expect(theory.interactions.length).toBeGreaterThan(0);
    // The reference is written in the file, so `nnft design` uses it without flags.
    const expected = theory.dimension === 1 && isLocalOnly(theory) ? 'spectral' : 'perturbative';
    expect(theory.targetCorrelators.method).toBe(expected);
    expect(methodProblems(theory, expected)).toEqual([]);
    if (theory.dimension >= 2) {
      expect(theory.momentumCutoff).not.toBeNull();
      expect(theory.momentumCutoff!).toBeLessThanOrEqual(10);
      expect(theory.interactionRegion?.side ?? Infinity).toBeLessThanOrEqual(4);
    }
  });

  it.each(FILES)('%s: the reference computes (spectral converges; first order is weak)', async (file) => {
    const { theory: full } = await load(file);
    // d = 3 first-order integrals take seconds per tuple on a busy machine: check the first point only here.
    const theory: Theory = full.dimension >= 3 ? { ...full, points: [full.points[0]!] } : full;
    const result = await computeTargetCorrelators(theory);
    expect(result.method).toBe(theory.targetCorrelators.method);
    expect(result.correlators.map((block) => block.order)).toEqual([...theory.connectedOrders]);
    for (const block of result.correlators) for (const value of block.values) expect(Number.isFinite(value)).toBe(true);
    if (result.method === 'spectral') {
      expect(result.converged).toBe(true);
      // Far below any design tolerance: the reference's error is negligible next to Monte Carlo errors.
      for (const block of result.correlators) {
        const scale = Math.max(...block.values.map((value) => Math.abs(value)));
        expect(Math.max(...block.stderr)).toBeLessThan(1e-8 * Math.max(scale, 1e-3));
      }
    } else {
      expect(secondOrderEstimate(theory)).toBeLessThan(SECOND_ORDER_LIMIT);
      expect(result.quadratureError as number).toBeLessThan(1e-5);
    }
  });

  it('cover the conformance cases: box edges and R, weak to strong phi^4, phi^3, phi^6, a mass shift, the non-local quartic', async () => {
    const theories = await Promise.all(FILES.map(async (file) => (await load(file)).theory));
    const local = (theory: Theory, power: number): boolean => theory.interactions.some((term) => term.kind === 'local' && term.power === power && term.coupling !== 0);
    const phi4Couplings = theories.flatMap((theory) => theory.interactions.filter((term) => term.kind === 'local' && term.power === 4).map((term) => term.coupling));
    const oneD = theories.filter((theory) => theory.dimension === 1);
    // d = 1 in a box with a point within 0.15 of its edge, and d = 1 on all of R.
    expect(
      oneD.some((theory) => theory.interactionRegion !== null && theory.points.some((point) => theory.interactionRegion!.side / 2 - Math.abs(point[0]!) <= 0.15)),
    ).toBe(true);
    expect(oneD.some((theory) => theory.interactionRegion === null)).toBe(true);
    // lambda from 0.1 to 24 (d = 1, exact references).
    expect(Math.min(...phi4Couplings)).toBeLessThanOrEqual(0.1);
    expect(Math.max(...phi4Couplings)).toBeGreaterThanOrEqual(24);
    // phi^3 + phi^4; phi^6 alone and with phi^4; a power-2 mass shift alone; the non-local term.
    expect(theories.some((theory) => local(theory, 3) && local(theory, 4))).toBe(true);
    expect(theories.some((theory) => local(theory, 6) && !local(theory, 4))).toBe(true);
    expect(theories.some((theory) => local(theory, 6) && local(theory, 4))).toBe(true);
    expect(theories.some((theory) => theory.interactions.every((term) => term.kind === 'local' && term.power === 2))).toBe(true);
    expect(theories.some((theory) => theory.interactions.some((term) => term.kind === 'nonlocal-quartic'))).toBe(true);
    // The reference case: d = 1, lambda = 2, not Wick-ordered, box of side 4.
    expect(
      oneD.some((theory) => theory.interactionRegion?.side === 4 && theory.interactions.some((term) => term.kind === 'local' && term.power === 4 && term.coupling === 2 && !term.wickOrdered)),
    ).toBe(true);
    // d = 2 Wick-ordered and not; d = 3.
    const twoD = theories.filter((theory) => theory.dimension === 2);
    expect(twoD.some((theory) => theory.interactions.some((term) => term.kind === 'local' && term.power === 4 && term.wickOrdered))).toBe(true);
    expect(twoD.some((theory) => theory.interactions.some((term) => term.kind === 'local' && term.power === 4 && !term.wickOrdered))).toBe(true);
    expect(theories.some((theory) => theory.dimension === 3)).toBe(true);
  });

  it('are listed in the README section', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('## Design conformance suite');
    expect(start).toBeGreaterThanOrEqual(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1) === -1 ? undefined : readme.indexOf('\n## ', start + 1));
    for (const file of FILES) expect(section).toContain(file.replace(/\.json$/, ''));
  });
});
