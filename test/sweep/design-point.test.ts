/**
 * A sweep's design point runs through the library, never through the `nnft` command line: the
 * point process's entry script loads the design module and nothing of src/cli (nor yargs), the
 * sweep's default runner starts that script, and what it writes is the library design's own result
 * (docs/sweeps-and-reports.md, "In a program").
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { createDesignPointRunner, designPointEntry } from '../../src/sweep/design-point-runner.js';
import { designFile } from '../../src/design/design.js';
import { isNnftError } from '../../src/errors.js';

/** Every module the file loads at run time (import/export ... from, not `import type`), transitively. */
function runtimeImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

/** A two-point width sweep that designs in about a second per point (no fit steps, a small validation). */
async function tinySweep(): Promise<{ directory: string; file: string; target: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-design-point-'));
  const file = join(directory, 'tiny.json');
  const target = resolve('examples/sweeps/phi4-1d-spectral.json');
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'tiny',
      target,
      options: { ensembleSize: 200, validationEnsembleSize: 2000, maxSteps: 0, tolerance: 0.5, seed: 3, backend: 'wasm' },
      vary: { parameters: [{ name: 'width', pointer: '/options/width', values: [8, 16] }] },
    }),
  );
  return { directory, file, target };
}

describe('a sweep point runs through the design library', () => {
  it('the point process loads the design module and nothing of the CLI', () => {
    const { files, packages } = runtimeImports('src/sweep/design-point-child.ts');
    const loaded = [...files].map((file) => relative(process.cwd(), file));
    expect(loaded).toContain('src/design/design.ts');
    expect(loaded.filter((file) => file.startsWith('src/cli/'))).toEqual([]);
    expect([...packages].filter((name) => name.startsWith('yargs'))).toEqual([]);
    // The default runner starts that script (built beside its module in dist/).
    expect(designPointEntry()).toBe(resolve('dist/sweep/design-point-child.js'));
  });

  it("runSweep's default runner writes the library design's result for each point, and a rerun resumes a started point", async () => {
    const { directory, file, target } = await tinySweep();
    const out = join(directory, 'out');
    const summary = await runSweep(file, { out, parallel: 2, cores: 2 });
    expect(summary.failed, JSON.stringify(summary.rows.map((row) => row.error))).toBe(0);
    expect(summary.rows.map((row) => row.results.width)).toEqual([8, 16]);
    const pointDirectory = join(out, 'points', summary.rows[0]!.id);
    const written = JSON.parse(await readFile(join(pointDirectory, 'result.json'), 'utf8'));
    // The same design in this process: the same correlators, width and verdict.
    const inProcess = await designFile(target, { width: 8, ensembleSize: 200, validationEnsembleSize: 2000, maxSteps: 0, tolerance: 0.5, seed: 3 }, { backend: 'wasm', workers: 1 });
    expect(written.correlators).toEqual(JSON.parse(JSON.stringify(inProcess.correlators)));
    expect({ width: written.width, status: written.status }).toEqual({ width: inProcess.width, status: inProcess.status });

    // A point killed after its checkpoint but before result.json: the rerun hands it back with resume.
    await rm(join(pointDirectory, 'result.json'));
    await rm(join(pointDirectory, 'sweep-row.json'));
    const rerun = await runSweep(file, { out, cores: 2 });
    expect(rerun).toMatchObject({ ran: 1, skipped: 1, failed: 0 });
    expect(JSON.parse(await readFile(join(pointDirectory, 'result.json'), 'utf8')).correlators).toEqual(written.correlators);
  });

  it('an option the design refuses fails the point as E_USAGE, naming the setting', async () => {
    const { directory } = await tinySweep();
    const runDirectory = join(directory, 'run');
    await mkdir(runDirectory);
    const runPoint = createDesignPointRunner();
    const input = { sweepName: 'tiny', index: 0, id: 'p', values: {}, target: {}, targetFile: resolve('examples/sweeps/phi4-1d-spectral.json'), options: { width: 8, alpha: 1 }, resume: false, workers: 1 };
    const failure = await runPoint(input, runDirectory).catch((error: unknown) => error);
    expect(isNnftError(failure) && failure.code).toBe('E_USAGE');
    expect(String((failure as Error).message)).toMatch(/refused its input \(exit 2\).*settings\.alpha is not a design setting/);
    expect(existsSync(join(runDirectory, 'result.json'))).toBe(false);
  });
});
