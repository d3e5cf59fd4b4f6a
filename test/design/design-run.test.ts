import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { design } from '../../src/design/design.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';

const TARGET = 'test/design/fixtures/phi4-cutoff-1d.json';
const SMALL = { width: 16, ensembleSize: 1200, validationEnsembleSize: 6000, maxSteps: 3, seed: 5, backend: 'wasm' as const };

describe('nnft design (small, fast settings)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('writes a run directory whose spec nnft estimate accepts and reproduces', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'nnft-design-')), 'run');
    const result = await design(TARGET, { ...SMALL, out });
    expect(result.kind).toBe('design');
    expect(result.status).toBe(result.comparison!.worstRelativeError <= result.tolerance ? 'met' : 'not-met');
    expect(result.width).toBe(16);
    expect(Object.keys(result.parameters!)).toEqual(['amplitudeScale', 'momentumScale', 'coupling4Wick', 'coupling2', 'amplitudeKurtosis']);
    // The momentum scale (and with it the target's cutoff) is held.
    expect(result.parameters!.momentumScale).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['checkpoint.json', 'config.json', 'metrics.jsonl', 'result.json', 'spec.json']);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.length).toBeLessThanOrEqual(3 * (3 + 1)); // at most 3 rounds of 3 steps and a polish line
    expect(metrics[0]).toMatchObject({ width: 16, round: 0, step: 1 });

    const spec = await loadSpec(join(out, 'spec.json'));
    expect(spec.architecture.width).toBe(16);
    expect((spec.provenance as { seed: number }).seed).toBe(5);
    // The spec's own estimation block reproduces the validation numbers exactly (same seed).
    const again = await estimateSpec(spec);
    expect(again.correlators).toEqual(result.achieved!.correlators);
    // The design moved the analytic construction towards the target: its chi^2 fell (first round).
    const first = metrics.filter((line) => line.round === 0 && line.stage === undefined);
    expect(first.at(-1).loss).toBeLessThanOrEqual(first[0].loss);
  });

  it('reports not-met when a fixed width misses the tolerance', async () => {
    const result = await design(TARGET, { ...SMALL, maxSteps: 1, tolerance: 1e-9 });
    expect(result.status).toBe('not-met');
    expect(result.width).toBe(16);
  });

  it('an interrupted run resumes to exactly the uninterrupted result, and refuses a changed config', async () => {
    const root = await mkdtemp(join(tmpdir(), 'nnft-design-'));
    const full = await design(TARGET, { ...SMALL, out: join(root, 'full') });

    const controller = new AbortController();
    let iterations = 0;
    const interrupted = await design(TARGET, {
      ...SMALL,
      out: join(root, 'killed'),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && ++iterations === 2) controller.abort();
      },
    });
    expect(interrupted.status).toBe('interrupted');
    expect((await readdir(join(root, 'killed'))).includes('result.json')).toBe(false);
    await expect(design(TARGET, { ...SMALL, seed: 6, out: join(root, 'killed'), resume: true })).rejects.toMatchObject({ code: 'E_USAGE' });
    const resumed = await design(TARGET, { ...SMALL, out: join(root, 'killed'), resume: true });
    expect(resumed.status).toBe(full.status);
    expect(resumed.parameters).toEqual(full.parameters);
    expect(resumed.achieved!.correlators).toEqual(full.achieved!.correlators);
  });
});
