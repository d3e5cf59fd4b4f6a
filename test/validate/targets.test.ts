/** Every shipped target in targets/ must validate unchanged, without warnings. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/theory/load-target.js';
import { REPOSITORY_ROOT, runValidate } from './run-validate.js';

const targets = readdirSync(join(REPOSITORY_ROOT, 'targets'))
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('shipped targets', () => {
  it('include the five shared targets', () => {
    expect(targets).toEqual(
      expect.arrayContaining(['free-scalar-1d.json', 'phi4-local-1d.json', 'phi4-local-2d.json', 'phi4-nonlocal-1d.json', 'phi4-strong-1d.json']),
    );
  });

  it.each(targets)('%s validates without warnings', async (name) => {
    const { theory, warnings } = await loadTarget(`targets/${name}`, { cwd: REPOSITORY_ROOT });
    expect(warnings).toEqual([]);
    expect(theory.name).toBe(name.replace(/\.json$/, ''));
    const { code, stdout, stderr } = await runValidate(`targets/${name}`);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.startsWith(`✔ targets/${name} is a valid target\n`)).toBe(true);
  });
});
