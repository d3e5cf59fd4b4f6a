/**
 * Target files with a lattice regulator (regulator.lattice, docs/target-format.md): the schema's
 * ranges, the loader's Theory, and the semantic checks that name the key to change.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTarget, loadTargetObject } from '../../src/theory/load-target.js';
import { targetDocument } from '../../src/theory/target-document.js';
import { NnftError } from '../../src/errors.js';

type Document = Record<string, any>;

function latticeTarget(changes: (document: Document) => void = () => {}): Document {
  const document: Document = {
    nnftTarget: 1,
    name: 'phi4-lattice-2d',
    dimension: 2,
    action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [{ kind: 'local', power: 4, coupling: 1 }] },
    regulator: { momentumCutoff: null, lattice: { spacing: 0.25, sites: 32, boundary: 'periodic' } },
    observables: { points: [[0, 0], [0.5, 0], [-4, 3.75]], connected: [2, 4] },
  };
  changes(document);
  return document;
}

/** The issues of a target that fails to load, as "code path" strings. */
async function failures(document: Document): Promise<string[]> {
  try {
    await loadTargetObject(document);
  } catch (error) {
    if (!(error instanceof NnftError)) throw error;
    return (error.issues ?? []).filter((issue) => issue.severity !== 'warning').map((issue) => `${error.code} ${issue.path}`);
  }
  return [];
}

describe('regulator.lattice in a target', () => {
  it('loads into theory.lattice, needs no cutoff in d = 2, and warns about nothing', async () => {
    const { theory, warnings } = await loadTargetObject(latticeTarget());
    expect(theory.lattice).toEqual({ kind: 'lattice', spacing: 0.25, sites: 32, boundary: 'periodic' });
    expect(theory.momentumCutoff).toBeNull();
    expect(theory.interactionRegion).toBeNull();
    // The bare lattice phi^4 is a theory at fixed spacing: no "tadpoles grow with the cutoff" warning;
    // the one warning says that design does not build lattice networks yet.
    expect(warnings.map((issue) => issue.path)).toEqual(['regulator.lattice']);
    expect(warnings[0]!.message).toMatch(/nnft design/);
  });

  it('every existing target loads unchanged, with no lattice key', async () => {
    const files = [
      ...readdirSync('targets').filter((name) => name.endsWith('.json')).map((name) => join('targets', name)),
      ...readdirSync('targets/conformance').filter((name) => name.endsWith('.json')).map((name) => join('targets/conformance', name)),
    ];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const { theory } = await loadTarget(file);
      expect('lattice' in theory, file).toBe(false);
    }
  });

  it('writes back as the same document (targetDocument round trip)', async () => {
    const { theory } = await loadTargetObject(latticeTarget());
    const again = await loadTargetObject(targetDocument(theory));
    const { source: _a, ...left } = again.theory;
    const { source: _b, ...right } = theory;
    expect(left).toEqual(right);
  });

  it('refuses out-of-range and unknown lattice keys in the schema', async () => {
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.boundary = 'open')))).toEqual(['E_SCHEMA regulator.lattice.boundary']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.spacing = 0)))).toEqual(['E_SCHEMA regulator.lattice.spacing']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.sites = 2)))).toEqual(['E_SCHEMA regulator.lattice.sites']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.sites = 8192)))).toEqual(['E_SCHEMA regulator.lattice.sites']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.sites = 8.5)))).toEqual(['E_SCHEMA regulator.lattice.sites']);
    expect(await failures(latticeTarget((d) => delete d.regulator.lattice.boundary))).toEqual(['E_SCHEMA regulator.lattice.boundary']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.spaceing = 1)))).toEqual(['E_SCHEMA regulator.lattice.spaceing']);
  });

  it('names the contradictions at their paths', async () => {
    // A lattice and a momentum cutoff are two regulators.
    expect(await failures(latticeTarget((d) => (d.regulator.momentumCutoff = 10)))).toEqual(['E_SEMANTIC regulator.momentumCutoff']);
    expect(await failures(latticeTarget((d) => (d.regulator.interactionRegion = { kind: 'box', side: 4 })))).toEqual(['E_SEMANTIC regulator.interactionRegion']);
    expect(await failures(latticeTarget((d) => (d.regulator.lattice.sites = 24)))).toEqual(['E_SEMANTIC regulator.lattice.sites', 'E_SEMANTIC observables.points[2]']);
    expect(await failures(latticeTarget((d) => (d.dimension = 4) && (d.observables.points = [[0, 0, 0, 0]]) && (d.regulator.lattice.sites = 128)))).toEqual([
      'E_SEMANTIC regulator.lattice.sites',
    ]);
    // Points off the sites, and outside the cell [-L a/2, L a/2)^d = [-4, 4)^2.
    expect(await failures(latticeTarget((d) => (d.observables.points[1] = [0.3, 0])))).toEqual(['E_SEMANTIC observables.points[1]']);
    expect(await failures(latticeTarget((d) => (d.observables.points[1] = [4, 0])))).toEqual(['E_SEMANTIC observables.points[1]']);
    expect(await failures(latticeTarget((d) => d.action.interactions.push({ kind: 'nonlocal-quartic', coupling: 1, kernel: { kind: 'gaussian', width: 0.5 } })))).toEqual([
      'E_SEMANTIC action.interactions[1]',
    ]);
    expect(await failures(latticeTarget((d) => (d.targetCorrelators = { method: 'lattice', spacing: 0.5 })))).toEqual(['E_SEMANTIC targetCorrelators.spacing']);
    expect(await failures(latticeTarget((d) => (d.targetCorrelators = { method: 'lattice', spacing: 0.25, sites: 32, seed: 3 })))).toEqual([]);
    const spectral = latticeTarget((d) => {
      d.dimension = 1;
      d.observables.points = [[0], [0.5]];
      d.targetCorrelators = { method: 'spectral' };
    });
    expect(await failures(spectral)).toEqual(['E_SEMANTIC regulator.lattice']);
    expect(await failures(latticeTarget((d) => (d.targetCorrelators = { method: 'perturbative' })))).toEqual([]);
  });

  it('the messages say what to change', async () => {
    try {
      await loadTargetObject(latticeTarget((d) => (d.regulator.momentumCutoff = 10)));
      expect.unreachable();
    } catch (error) {
      const [issue] = (error as NnftError).issues!;
      expect(issue!.message).toMatch(/Brillouin zone/);
      expect(issue!.hint).toMatch(/"momentumCutoff": null/);
    }
  });
});

describe('nnft validate on a lattice target', () => {
  it('summarises the lattice regulator (sites, spacing, boundary), not a continuum cutoff and region', async () => {
    const { summariseTheory } = await import('../../src/cli/commands/validate.js');
    const { theory } = await loadTargetObject(latticeTarget());
    const regulator = summariseTheory(theory).find((line) => line.includes('regulator:'))!;
    expect(regulator).toContain('lattice 32^2 sites, spacing 0.25, periodic (side 8)');
    expect(regulator).not.toMatch(/cutoff|R\^/);
  });
});
