/**
 * What a design reports while it runs: every optimisation step (the refit after holding the
 * parameters whose moves are noise included) is one metrics.jsonl line and one progress event with
 * the same step, chi^2, chi^2/dof and ESS; the validation's progress is named as the validation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { designFile } from '../../src/design/design.js';
import type { NnftEvent } from '../../src/io/events.js';

const TARGET = 'targets/phi4-strong-1d.json';
// Small settings at which the significance test holds one parameter and refits the others
// ("resetting and holding ..."); a few seeds are tried in case the numerics move.
const SMALL = { width: 16, ensembleSize: 1500, validationEnsembleSize: 1000, maxValidationEnsembleSize: 1000, maxSteps: 6 };
const RUN = { backend: 'wasm' as const, workers: 1 };
const SEEDS = [1, 3, 2, 4];

type Progress = Extract<NnftEvent, { type: 'progress' }>;

describe('design progress, events and metrics.jsonl', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('records every step of the fit and of the refit, with the numbers of its progress events', async () => {
    let refits = 0;
    for (const seed of SEEDS) {
      const out = join(await mkdtemp(join(tmpdir(), 'nnft-design-events-')), 'run');
      const events: NnftEvent[] = [];
      await designFile(TARGET, { ...SMALL, seed }, { ...RUN, out, onEvent: (event) => events.push(event) });
      const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const fitProgress = events.filter((event): event is Progress => event.type === 'progress' && / round \d+ (fit|refit)$/.test(event.task));
      const stepLines = metrics.filter((line) => line.stage === undefined || line.stage === 'refit');
      // One line per progress event of the optimiser, in order, with the same numbers.
      expect(stepLines.length).toBe(fitProgress.length);
      fitProgress.forEach((event, i) => {
        const line = stepLines[i]!;
        expect(event.step).toBe(event.done);
        expect(event.chi2).toBe(line.loss);
        expect(event.chi2PerDof).toBe(line.chiSquaredPerDof);
        expect(event.ess).toBe(line.ess);
        expect(event.ensembleSize).toBe(SMALL.ensembleSize);
        expect(line.stage === 'refit').toBe(event.task.endsWith(' refit'));
      });
      // Within a round the steps count on through the refit and the polish: 1, 2, ..., n.
      for (const round of new Set(metrics.map((line) => line.round))) {
        const steps = metrics.filter((line) => line.round === round).map((line) => line.step);
        expect(steps).toEqual(steps.map((_, i) => Number(steps[0]) + i));
      }
      const held = events.some((event) => event.type === 'info' && /resetting and holding .* refitting the rest/.test(event.message));
      expect(metrics.some((line) => line.stage === 'refit')).toBe(held);
      if (held) refits++;
      // The validation's progress is named as this width's validation, not as bare "networks".
      const validation = events.filter((event): event is Progress => event.type === 'progress' && event.task.startsWith('width 16: validation'));
      expect(validation.length).toBeGreaterThan(0);
      expect(validation.at(-1)!.done).toBe(validation.at(-1)!.total);
      expect(events.some((event) => event.type === 'progress' && event.task === 'networks')).toBe(false);
      if (refits > 0) break;
    }
    expect(refits, `no seed of ${SEEDS.join(', ')} refitted: choose settings that do`).toBeGreaterThan(0);
  }, 120_000);
});
