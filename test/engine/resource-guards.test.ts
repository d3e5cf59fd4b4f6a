/**
 * Memory and range guards before allocation (docs/ensemble.md, "Memory and range guards"): a grid
 * too large to hold is refused with E_RESOURCE (exit 2) naming the keys to change, instead of
 * "Invalid typed array length" or a wasm "memory access out of bounds"; MCMC chains are capped like
 * chunks; a coupling whose importance weights collapse ends with the ESS error, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { writeFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor } from '../../src/errors.js';
import { boxGrid, defaultResolution, MAX_GRID_POINTS } from '../../src/densities/interaction-grid.js';
import { GRID_TENSOR_FLOATS } from '../../src/ensemble/chunk-plan.js';
import { mcmcChainCount } from '../../src/ensemble/mcmc-estimate.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { spawnCli } from '../helpers/spawn-cli.js';

describe('resource guards', () => {
  it('an interaction grid beyond the limit is refused before any array is allocated', () => {
    // A region of side 1e12 (what a mass of ~1e-11 implies without an explicit region) at |p| < 80.
    let error: unknown;
    try {
      boxGrid(1, 1e12, defaultResolution(1e12, 80));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_RESOURCE', message: expect.stringContaining(`the limit is ${MAX_GRID_POINTS}`), hint: expect.stringContaining('regulator.interactionRegion.side') });
    expect(exitCodeFor(error)).toBe(2);
    // d = 3: 200 points per axis is 8e6 points.
    expect(() => boxGrid(3, 4, { panels: 25, nodesPerPanel: 8 })).toThrow(expect.objectContaining({ code: 'E_RESOURCE' }));
    // Grids in use stay well inside it.
    expect(boxGrid(2, 8, defaultResolution(8, 4 * 30)).weights.length).toBeLessThan(MAX_GRID_POINTS);
  });

  it('estimateSpec refuses a deformation region too large to grid, with exit code 2', async () => {
    const spec = structuredClone(await loadSpec('examples/specs/cos-net-phi4-1d.json')) as any;
    spec.deformation.region.side = 1e9;
    const run = estimateSpec(spec, { ensembleSize: 100, workers: 1, backend: 'wasm' });
    await expect(run).rejects.toMatchObject({ code: 'E_RESOURCE' });
  });

  it('MCMC runs no more chains side by side than a chunk holds on the grid', () => {
    expect(mcmcChainCount(100_000, undefined, 500)).toBe(1000);
    const fine = 144 * 144 * 4;
    expect(mcmcChainCount(100_000, undefined, fine) * fine).toBeLessThanOrEqual(GRID_TENSOR_FLOATS);
    expect(mcmcChainCount(100_000, 5000, fine)).toBe(Math.floor(GRID_TENSOR_FLOATS / fine));
    expect(mcmcChainCount(10, undefined, 100)).toBe(2);
  });

  it('lambda = 1e6 at width 16 on 2,000 networks ends with the effective-sample-size error, not a wasm crash', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-strong-'));
    const target = JSON.parse(await readFile('targets/phi4-local-1d.json', 'utf8'));
    target.action.interactions[0].coupling = 1e6;
    target.name = 'phi4-1e6';
    const file = join(directory, 'strong.json');
    await writeFile(file, JSON.stringify(target));
    const run = await spawnCli(['design', file, '--width', '16', '--ensemble', '2000', '--backend', 'wasm', '--workers', '1', '--out', join(directory, 'run')]);
    expect(run.stderr).not.toMatch(/internal error|memory access out of bounds|Invalid typed array length/);
    expect(run.stderr).toContain('effective sample size collapsed');
    expect(run.code).toBe(1);
  });
});
