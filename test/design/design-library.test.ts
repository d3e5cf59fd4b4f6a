/**
 * design() as a library function on plain data: a target object in, a run directory that resumes
 * from itself alone, settings checked as data, and one backend, chosen once, for every estimate of
 * the run (the network reference of the target, the design sample, the validation), whether chosen
 * in the library or with `nnft design --backend`. And `nnft design --json` answers in JSON whatever
 * goes wrong.
 */
import { describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A spy on the backend module every stage starts its backend through (src/backend/index.ts).
vi.mock('../../src/backend/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/backend/index.js')>();
  return { ...actual, initBackend: vi.fn(actual.initBackend) };
});

import { expectContextBackend, initBackend, openComputeContext, tf } from '../../src/backend/index.js';
import { design, resumeDesign } from '../../src/design/design.js';
import { contentHash } from '../../src/io/canonical-json.js';
import type { NnftEvent } from '../../src/io/events.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';

// test/design/fixtures/phi4-cutoff-1d.json as data.
const TARGET = {
  nnftTarget: 1,
  name: 'phi4-cutoff-object',
  dimension: 1,
  action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [{ kind: 'local', power: 4, coupling: 0.5, wickOrdered: true }] },
  regulator: { momentumCutoff: 6, interactionRegion: { kind: 'box', side: 4 } },
  observables: { points: [[0], [0.5]], connected: [2, 4] },
  targetCorrelators: { method: 'perturbative' },
};
const SMALL = { width: 8, ensembleSize: 600, validationEnsembleSize: 2000, maxValidationEnsembleSize: 2000, maxSteps: 2, seed: 4 };
const SMALL_FLAGS = ['--width', '8', '--ensemble', '600', '--validation-ensemble', '2000', '--max-validation-ensemble', '2000', '--max-steps', '2', '--seed', '4', '--workers', '1'];

async function scratch(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

describe('design(target object, settings, run)', () => {
  it('designs from data, stores the target in the run directory and resumes from the directory alone', async () => {
    const root = await scratch('nnft-design-object-');
    const run = { backend: 'wasm' as const, workers: 1 };
    const full = await design(TARGET, SMALL, { ...run, out: join(root, 'full') });
    expect(full.kind).toBe('design');
    expect(full.width).toBe(8);
    expect(full.backend).toBe('wasm');
    expect(full.targetSha256).toBe(contentHash(TARGET));
    const spec = JSON.parse(await readFile(join(root, 'full', 'spec.json'), 'utf8'));
    expect(spec.provenance.target).toEqual({ file: null, sha256: contentHash(TARGET), name: 'phi4-cutoff-object' });

    const controller = new AbortController();
    let progress = 0;
    const interrupted = await design(TARGET, SMALL, {
      ...run,
      out: join(root, 'killed'),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && ++progress === 2) controller.abort();
      },
    });
    expect(interrupted.status).toBe('interrupted');
    expect(await readdir(join(root, 'killed'))).not.toContain('result.json');
    const config = JSON.parse(await readFile(join(root, 'killed', 'config.json'), 'utf8')).config;
    expect(config.targetFile).toBeNull();
    expect(config.targetDocument).toMatchObject({ nnftTarget: 1, name: 'phi4-cutoff-object', targetCorrelators: { method: 'perturbative' } });
    expect(config.settings).toMatchObject(SMALL);

    // A changed setting is refused; the directory alone resumes to exactly the uninterrupted result.
    await expect(resumeDesign(join(root, 'killed'), run, { settings: { seed: 5 } })).rejects.toMatchObject({ code: 'E_USAGE' });
    const resumed = await resumeDesign(join(root, 'killed'), run);
    expect(resumed.status).toBe(full.status);
    expect(resumed.parameters).toEqual(full.parameters);
    expect(resumed.achieved!.correlators).toEqual(full.achieved!.correlators);
    expect(resumed.targetSha256).toBe(full.targetSha256);
  });

  it('checks settings and the target as data before anything is written', async () => {
    const out = join(await scratch('nnft-design-refused-'), 'run');
    await expect(design(TARGET, { ...SMALL, ensembleSize: 10 }, { out })).rejects.toMatchObject({
      code: 'E_USAGE',
      issues: [expect.objectContaining({ path: 'settings.ensembleSize', message: expect.stringMatching(/from 100 to/) })],
    });
    // How a design runs is not a setting: the error says where it goes.
    await expect(design(TARGET, { ...SMALL, backend: 'cpu' } as never, { out })).rejects.toMatchObject({
      code: 'E_USAGE',
      issues: [expect.objectContaining({ path: 'settings.backend', hint: expect.stringMatching(/run argument/) })],
    });
    await expect(design(TARGET, { ...SMALL, minWidth: 64, maxWidth: 8 }, { out })).rejects.toMatchObject({ code: 'E_USAGE', issues: [expect.objectContaining({ path: 'settings.minWidth' })] });
    await expect(design({ ...TARGET, dimension: 7 }, SMALL, { out })).rejects.toMatchObject({ code: 'E_SCHEMA', issues: [expect.objectContaining({ path: 'dimension' })] });
    await expect(design({ nnftSpec: 1, name: 'x' }, SMALL, { out })).rejects.toMatchObject({ code: 'E_SCHEMA', message: 'not a target: it is an nnft architecture spec' });
    const sixth = { nnftTarget: 1, name: 'free-g6', dimension: 1, action: { free: { kind: 'klein-gordon', mass: 1 } }, regulator: { momentumCutoff: 6 }, observables: { points: [[0], [0.5]], connected: [2, 4, 6] } };
    await expect(design(sixth, SMALL, { out })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    expect(existsSync(out)).toBe(false);
  });
});

describe('the backend is chosen once and governs every estimate of a design', () => {
  it('design(..., { backend: cpu }): the network reference, the design sample and the validation all run on cpu', async () => {
    // Start another backend first: a stage that asked for "auto" (or for nothing) would leave cpu.
    await initBackend('wasm');
    const spy = vi.mocked(initBackend);
    spy.mockClear();
    const ranOn = new Map<string, Set<string>>();
    const onEvent = (event: NnftEvent) => {
      if (event.type !== 'progress') return;
      const task = event.task.replace(/^width \d+( round \d+)?:? /, '');
      if (!ranOn.has(task)) ranOn.set(task, new Set());
      ranOn.get(task)!.add(tf.getBackend());
    };
    const out = join(await scratch('nnft-design-cpu-'), 'run');
    const result = await design(TARGET, { ...SMALL, targetMethod: 'network' }, { backend: 'cpu', workers: 1, out, onEvent });

    // Every stage that started a backend asked for the run's, by name.
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    for (const call of spy.mock.calls) expect(call[0]).toBe('cpu');
    // Each phase's own record names it.
    expect(result.backend).toBe('cpu');
    expect(result.target.method).toBe('network');
    expect(result.target.backend).toBe('cpu');
    expect(result.achieved!.backend).toBe('cpu');
    const spec = JSON.parse(await readFile(join(out, 'spec.json'), 'utf8'));
    expect(spec.provenance.backend.name).toBe('cpu');
    // And tfjs computed every phase on it.
    expect([...ranOn.keys()]).toEqual(expect.arrayContaining(['network reference (width 1024) networks', 'drawing the design sample', 'validation networks']));
    for (const [task, backends] of ranOn) expect([task, [...backends]]).toEqual([task, ['cpu']]);
  });

  it('nnft design --backend cpu records cpu for the target reference, the validation and the spec', async () => {
    await initBackend('wasm');
    const spy = vi.mocked(initBackend);
    spy.mockClear();
    const root = await scratch('nnft-design-cli-cpu-');
    const fixture = join(root, 'target.json');
    await writeFile(fixture, JSON.stringify(TARGET));
    const context = captureCli(root);
    const code = await runCli(['design', fixture, ...SMALL_FLAGS, '--target-method', 'network', '--backend', 'cpu', '--out', join(root, 'run'), '--json'], context);
    expect([0, 1, 3], context.err.slice(-2000)).toContain(code);
    const result = JSON.parse(context.out);
    expect(result.backend).toBe('cpu');
    expect(result.target.backend).toBe('cpu');
    expect(result.achieved.backend).toBe('cpu');
    const spec = JSON.parse(await readFile(join(root, 'run', 'spec.json'), 'utf8'));
    expect(spec.provenance.backend.name).toBe('cpu');
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    for (const call of spy.mock.calls) expect(call[0]).toBe('cpu');
    // The NDJSON events name the backend once, at the start.
    const events = context.err.trim().split('\n').map((line) => JSON.parse(line) as NnftEvent);
    expect(events.filter((event) => event.type === 'info' && event.message.startsWith('backend ')).map((event) => (event as { message: string }).message.split(':')[0])).toEqual(['backend cpu']);
  });

  it('a stage that records another backend than the run started is an internal error, not a result', async () => {
    const context = await openComputeContext({ backend: 'wasm' });
    expect(() => expectContextBackend(context, 'wasm', 'the validation')).not.toThrow();
    expect(() => expectContextBackend(context, 'cpu', 'the validation')).toThrow(/the validation ran on backend cpu, not on the run's backend wasm/);
  });
});

describe('nnft design --json answers in JSON whatever goes wrong', () => {
  const cases: [string, (root: string) => Promise<string[]>, string][] = [
    ['a target that is not valid', async (root) => {
      await writeFile(join(root, 'target.json'), JSON.stringify({ ...TARGET, dimension: 7 }));
      return ['design', join(root, 'target.json'), '--out', join(root, 'run'), '--json'];
    }, 'E_SCHEMA'],
    ['a target that is not JSON', async (root) => {
      await writeFile(join(root, 'target.json'), '{"nnftTarget": 1,');
      return ['design', join(root, 'target.json'), '--out', join(root, 'run'), '--json'];
    }, 'E_JSON_SYNTAX'],
    ['a missing target file', async (root) => ['design', join(root, 'missing.json'), '--out', join(root, 'run'), '--json'], 'E_FILE_NOT_FOUND'],
    ['a flag out of range', async (root) => {
      await writeFile(join(root, 'target.json'), JSON.stringify(TARGET));
      return ['design', join(root, 'target.json'), '--ensemble', '5', '--out', join(root, 'run'), '--json'];
    }, 'E_USAGE'],
    ['no target and no --resume', async () => ['design', '--json'], 'E_USAGE'],
    ['--resume of a directory without a run', async (root) => ['design', '--resume', root, '--json'], 'E_USAGE'],
  ];
  it.each(cases)('%s: one JSON error object on stdout, exit 2, nothing written', async (_name, argv, code) => {
    const root = await scratch('nnft-design-json-');
    const args = await argv(root);
    const before = (await readdir(root)).sort();
    const context = captureCli(root);
    const exit = await runCli(args, context);
    expect(exit, context.err).toBe(2);
    const error = JSON.parse(context.out);
    expect(error).toMatchObject({ error: code, message: expect.any(String) });
    if (code !== 'E_USAGE') expect(error.file).toMatch(/\.json$/);
    expect(error.hint ?? error.issues?.[0]?.hint).toEqual(expect.any(String));
    expect((await readdir(root)).sort()).toEqual(before);
  });
});
