/**
 * SIGINT and SIGTERM are honoured in every phase (docs/ensemble.md, "Interrupts"): the CLI stops at
 * the next safe point, says so, keeps its checkpoint and exits 130 — during the target computation,
 * an ensemble estimate, a design's fit and a design's validation. Each phase is a real CLI process
 * signalled once the phase has started.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { CLI, spawnCli } from '../helpers/spawn-cli.js';

const PHI4 = 'targets/phi4-local-1d.json';
const DESIGN = ['design', PHI4, '--width', '8', '--ensemble', '1500', '--seed', '3', '--backend', 'wasm', '--workers', '1', '--json'];
/** A stop must come within a few chunks, far inside the 20 s watchdog of cli/interrupts.ts. */
const PROMPT_MS = 10_000;

describe('interrupts', () => {
  beforeAll(() => {
    expect(existsSync(CLI)).toBe(true);
  });

  it('the library: an aborted signal stops estimateSpec with E_INTERRUPTED, in-process and sharded', async () => {
    await initBackend('wasm');
    const spec = await loadSpec('examples/specs/cos-net-free-1d.json');
    for (const workers of [1, 2]) {
      const controller = new AbortController();
      let chunks = 0;
      const started = Date.now();
      const run = estimateSpec(spec, {
        ensembleSize: 100_000_000,
        workers,
        backend: 'wasm',
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'progress' && ++chunks === 1) controller.abort('SIGINT');
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: expect.stringContaining('interrupted (SIGINT)') });
      expect(Date.now() - started).toBeLessThan(60_000);
    }
  });

  it('target computation: SIGTERM during a lattice run exits 130, with the partial result once it has one', async () => {
    const target = ['target', 'test/fixtures/valid/lattice-options-2d.json', '--json'];
    // Measuring (progress every 110 of 200 + 2000 trajectories; 330 is past thermalisation).
    const measuring = await spawnCli(target, { when: '"done":330', signal: 'SIGTERM' });
    expect(measuring.stderr).toContain('interrupted by SIGTERM');
    expect(measuring.code).toBe(130);
    expect(measuring.stopMs).toBeLessThan(PROMPT_MS);
    expect(JSON.parse(measuring.stdout).stoppedEarly).toBe(true);
    // Still thermalising: nothing to report, and it says "interrupted", not "not converged".
    const thermalising = await spawnCli(target, { when: '"type":"progress"', signal: 'SIGTERM' });
    expect(thermalising.code).toBe(130);
    expect(JSON.parse(thermalising.stdout)).toMatchObject({ error: 'E_INTERRUPTED', message: expect.stringContaining('interrupted during the lattice run') });
  });

  it('estimate: SIGINT during a sharded estimate exits 130 at once, saying where it stopped', async () => {
    const run = await spawnCli(['estimate', 'examples/specs/cos-net-free-1d.json', '--ensemble', '100000000', '--workers', '2', '--backend', 'wasm'], {
      when: 'networks ',
      signal: 'SIGINT',
    });
    expect(run.code).toBe(130);
    expect(run.stopMs).toBeLessThan(PROMPT_MS);
    expect(run.stderr).toMatch(/interrupted \(SIGINT\) during the ensemble estimate/);
  });

  it("design, fit: SIGTERM stops the fit, keeps the run directory resumable and writes no result", async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'nnft-int-fit-')), 'run');
    const run = await spawnCli([...DESIGN, '--max-steps', '100000', '--out', out], { when: 'fitting on a fixed sample', signal: 'SIGTERM' });
    expect(run.code).toBe(130);
    expect(run.stopMs).toBeLessThan(PROMPT_MS);
    expect(run.stderr).toContain('interrupted by SIGTERM');
    expect(existsSync(join(out, 'config.json'))).toBe(true);
    expect(existsSync(join(out, 'result.json'))).toBe(false);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });

  it('design, validation: SIGINT is not swallowed (it used to run on and exit 0)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'nnft-int-val-')), 'run');
    const run = await spawnCli([...DESIGN, '--max-steps', '0', '--validation-ensemble', '400000', '--out', out], { when: 'validating on', signal: 'SIGINT' });
    expect(run.code).toBe(130);
    expect(run.stopMs).toBeLessThan(PROMPT_MS);
    expect(run.stderr).toContain('interrupted by SIGINT');
    // Reported either as an interrupted design result or as the estimate's E_INTERRUPTED.
    expect(`${run.stdout}${run.stderr}`).toMatch(/"status":"interrupted"|interrupted \(SIGINT\) during the ensemble estimate/);
    expect(existsSync(join(out, 'result.json'))).toBe(false);
    expect(existsSync(join(out, 'spec.json'))).toBe(false);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });
});
