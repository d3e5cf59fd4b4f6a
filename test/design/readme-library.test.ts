/**
 * The README's library section is a script a reader copies: it must run as written against the
 * built package (dist/index.js stands for 'nnft') and design from the target object it shows.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from '../helpers/cli-capture.js';

function librarySection(): string {
  const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library\n');
  expect(start, 'README.md has a "## Library" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("the README's library script", () => {
  it('is about 15 lines and designs from a target object, not a file', () => {
    const script = /```js\n([\s\S]*?)```/.exec(librarySection())?.[1];
    expect(script).toBeDefined();
    const lines = script!.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(script).toMatch(/import \{[^}]*\bdesign\b[^}]*\} from 'nnft';/);
    expect(script).toMatch(/nnftTarget: 1/);
    expect(script).not.toMatch(/designFile|\.json'/);
  });

  it('runs as written and writes the run directory it prints', async () => {
    const index = join(repositoryRoot, 'dist', 'index.js');
    expect(existsSync(index), 'build first: npx tsc -p tsconfig.json').toBe(true);
    const script = /```js\n([\s\S]*?)```/.exec(librarySection())![1]!.replace("from 'nnft'", `from '${pathToFileURL(index).href}'`);
    const cwd = await mkdtemp(join(tmpdir(), 'nnft-readme-'));
    await writeFile(join(cwd, 'readme-library.mjs'), script);
    const run = spawnSync(process.execPath, ['readme-library.mjs'], { cwd, encoding: 'utf8', timeout: 100_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    // The verdict the README states for this budget.
    expect(run.stdout).toMatch(/^unresolved at width 16: relative error \d+\.\d{3} \(tolerance 0\.05\)\n/);
    expect(run.stdout).toMatch(/backend wasm/);
    expect(run.stdout).toMatch(/spec runs\/phi4-small-1d\/spec\.json/);
    const result = JSON.parse(readFileSync(join(cwd, 'runs', 'phi4-small-1d', 'result.json'), 'utf8'));
    expect(result).toMatchObject({ kind: 'design', width: 16, backend: 'wasm', seed: 5 });
    // A target given as data is stored in the run directory (resumeDesign needs nothing else).
    const config = JSON.parse(readFileSync(join(cwd, 'runs', 'phi4-small-1d', 'config.json'), 'utf8')).config;
    expect(config.targetFile).toBeNull();
    expect(config.targetDocument).toMatchObject({ nnftTarget: 1, name: 'phi4-small-1d' });
  }, 120_000);
});
