/** The normaliser decides every default in one place and hands out an immutable Theory. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTarget, parseTargetText } from '../../src/theory/load-target.js';
import { NnftError } from '../../src/errors.js';
import { REPOSITORY_ROOT, runValidate } from './run-validate.js';

const load = (file: string) => loadTarget(file, { cwd: REPOSITORY_ROOT });

describe('normalised theory', () => {
  it('fills every default of a minimal file', async () => {
    const { theory, warnings } = await load('test/fixtures/valid/minimal-1d.json');
    expect(warnings).toEqual([]);
    const bytes = readFileSync(join(REPOSITORY_ROOT, 'test/fixtures/valid/minimal-1d.json'));
    expect(theory).toEqual({
      name: 'minimal-1d',
      description: '',
      dimension: 1,
      mass: 1,
      interactions: [],
      momentumCutoff: null,
      interactionRegion: null,
      points: [[0], [1]],
      connectedOrders: [2, 4],
      targetCorrelators: { method: 'auto', options: {} },
      source: { file: 'test/fixtures/valid/minimal-1d.json', sha256: createHash('sha256').update(bytes).digest('hex') },
    });
  });

  it('defaults wickOrdered to false and keeps the region and cutoff as written', async () => {
    const local = await load('targets/phi4-local-1d.json');
    expect(local.theory.interactions).toEqual([{ kind: 'local', power: 4, coupling: 0.5, wickOrdered: false }]);
    const twoD = await load('targets/phi4-local-2d.json');
    expect(twoD.theory.interactions[0]).toEqual({ kind: 'local', power: 4, coupling: 1, wickOrdered: true });
    expect(twoD.theory.momentumCutoff).toBe(10);
    expect(twoD.theory.interactionRegion).toEqual({ kind: 'box', side: 4 });
    const nonlocal = await load('targets/phi4-nonlocal-1d.json');
    expect(nonlocal.theory.interactions[0]).toEqual({ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } });
  });

  it('drops $schema and keeps only the method options the file gives', async () => {
    const strong = await load('targets/phi4-strong-1d.json');
    expect(strong.theory.targetCorrelators).toEqual({ method: 'spectral', options: {} });
    expect(Object.keys(strong.theory)).not.toContain('$schema');
    const spectral = await load('test/fixtures/valid/spectral-options-1d.json');
    expect(spectral.theory.targetCorrelators).toEqual({ method: 'spectral', options: { basisSize: 60, tolerance: 1e-9 } });
    const lattice = await load('test/fixtures/valid/lattice-options-2d.json');
    expect(lattice.theory.targetCorrelators).toEqual({
      method: 'lattice',
      options: { spacing: 0.25, sites: 32, trajectories: 2000, thermalization: 200, seed: 7 },
    });
  });

  it('puts data correlators in options.correlators, inline or read from the file', async () => {
    const inline = await load('test/fixtures/valid/data-inline-1d.json');
    const fromFile = await load('test/fixtures/valid/data-file-1d.json');
    const blocks = [{ order: 2, indices: [[0, 0], [0, 1], [1, 1]], values: [0.47, 0.17, 0.47], stderr: [0.001, 0.001, 0.001] }];
    expect(inline.theory.targetCorrelators).toEqual({ method: 'data', options: { correlators: blocks } });
    expect(fromFile.theory.targetCorrelators).toEqual({
      method: 'data',
      options: { file: '../data/two-points.correlators.json', correlators: blocks },
    });
  });

  it('is deeply frozen', async () => {
    const { theory } = await load('targets/phi4-local-2d.json');
    expect(Object.isFrozen(theory)).toBe(true);
    expect(Object.isFrozen(theory.interactions[0])).toBe(true);
    expect(Object.isFrozen(theory.points[0])).toBe(true);
    expect(Object.isFrozen(theory.targetCorrelators.options)).toBe(true);
    expect(() => {
      (theory as { mass: number }).mass = 2;
    }).toThrow(TypeError);
    expect(() => {
      (theory.points[0] as number[])[0] = 3;
    }).toThrow(TypeError);
  });

  it('sorts the connected orders', async () => {
    const text = readFileSync(join(REPOSITORY_ROOT, 'targets/phi4-local-1d.json'), 'utf8').replace('[2, 4]', '[4, 2]');
    expect(parseTargetText(text, { file: null, sha256: null }).theory.connectedOrders).toEqual([2, 4]);
  });

  it('accepts a byte-order mark', () => {
    const text = `\uFEFF${readFileSync(join(REPOSITORY_ROOT, 'targets/free-scalar-1d.json'), 'utf8')}`;
    expect(parseTargetText(text, { file: 'bom.json', sha256: null }).theory.name).toBe('free-scalar-1d');
  });

  it('prints {theory, warnings} with --json', async () => {
    const { code, stdout } = await runValidate('targets/phi4-local-1d.json', '--json');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { theory: { name: string; source: { file: string } }; warnings: unknown[] };
    expect(printed.theory.name).toBe('phi4-local-1d');
    expect(printed.theory.source.file).toBe('targets/phi4-local-1d.json');
    expect(printed.warnings).toEqual([]);
  });
});

describe('errors by stage', () => {
  const codeOf = (text: string): string => {
    try {
      parseTargetText(text, { file: 'x.json', sha256: null });
    } catch (error) {
      expect(error).toBeInstanceOf(NnftError);
      expect((error as NnftError).file).toBe('x.json');
      expect((error as NnftError).hint).toBeTruthy();
      expect((error as NnftError).issues.length).toBeGreaterThan(0);
      return (error as NnftError).code;
    }
    return 'valid';
  };
  const valid = readFileSync(join(REPOSITORY_ROOT, 'targets/phi4-local-1d.json'), 'utf8');

  it('uses E_JSON_SYNTAX, E_SCHEMA and E_SEMANTIC', async () => {
    expect(codeOf(valid)).toBe('valid');
    expect(codeOf(valid.replace('"dimension": 1,', '"dimension": 1,,'))).toBe('E_JSON_SYNTAX');
    expect(codeOf(valid.replace('"dimension": 1,', '"dimension": "one",'))).toBe('E_SCHEMA');
    expect(codeOf(valid.replace('"dimension": 1,', '"dimension": 2,'))).toBe('E_SEMANTIC');
    await expect(load('test/fixtures/none.json')).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', file: 'test/fixtures/none.json' });
  });

  it('reports every semantic problem at once, with paths and positions', () => {
    const text = valid.replace('"dimension": 1,', '"dimension": 2,');
    try {
      parseTargetText(text, { file: 'x.json', sha256: null });
      expect.unreachable();
    } catch (error) {
      const issues = (error as NnftError).issues;
      // In document order; the unrenormalised phi^4 in d = 2 is a warning beside the errors.
      expect(issues.map((issue) => [issue.path, issue.severity])).toEqual([
        ['action.interactions[0]', 'warning'],
        ['regulator.momentumCutoff', 'error'],
        ['observables.points[0]', 'error'],
        ['observables.points[1]', 'error'],
        ['observables.points[2]', 'error'],
        ['observables.points[3]', 'error'],
      ]);
      expect(issues.every((issue) => issue.line !== undefined && issue.column !== undefined)).toBe(true);
    }
  });
});
