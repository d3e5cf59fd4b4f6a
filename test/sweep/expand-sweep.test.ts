import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { expandSweep } from '../../src/sweep/expand-sweep.js';
import { loadSweep } from '../../src/sweep/load-sweep.js';
import { rangeValues } from '../../src/sweep/range.js';
import { getByPointer, setByPointer, parsePointer, formatPointer } from '../../src/sweep/json-pointer.js';
import { validateSweepDocument } from '../../src/sweep/validate-sweep.js';
import { parseShard, inShard } from '../../src/sweep/shard.js';
import type { SweepFile } from '../../src/sweep/sweep-file.js';
import { NnftError } from '../../src/errors.js';
import { validateAgainstSchema } from '../../src/schema/index.js';

const baseTarget = JSON.parse(readFileSync(resolve('examples/sweeps/phi4-1d-spectral.json'), 'utf8')) as Record<string, unknown>;

function sweepWith(vary: SweepFile['vary'], extra: Partial<SweepFile> = {}): SweepFile {
  return { nnftSweep: 1, name: 'test-sweep', target: 'x.json', options: { width: 64, seed: 3 }, vary, ...extra };
}

function thrown(run: () => unknown): NnftError {
  try {
    run();
  } catch (error) {
    if (error instanceof NnftError) return error;
    throw error;
  }
  throw new Error('expected an NnftError');
}

describe('JSON pointers (RFC 6901)', () => {
  it('round-trips escaped tokens and reads and writes nested values', () => {
    expect(parsePointer('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(formatPointer(['a/b', 'c~d', '0'])).toBe('/a~1b/c~0d/0');
    const document = { target: { list: [{ x: 1 }] }, options: {} };
    expect(getByPointer(document, '/target/list/0/x')).toEqual({ found: true, value: 1 });
    expect(getByPointer(document, '/target/list/1/x').found).toBe(false);
    setByPointer(document, '/options/width', 32);
    setByPointer(document, '/target/list/0/x', 5);
    expect(document).toEqual({ target: { list: [{ x: 5 }] }, options: { width: 32 } });
    expect(() => setByPointer(document, '/target/list/3', 1)).toThrow(/no element "3"/);
  });
});

describe('ranges', () => {
  it('log ranges hit both endpoints exactly and are evenly spaced in the logarithm', () => {
    const values = rangeValues({ from: 0.1, to: 6, count: 8, scale: 'log' });
    expect(values[0]).toBe(0.1);
    expect(values[7]).toBe(6);
    const ratios = values.slice(1).map((value, k) => value / values[k]!);
    for (const ratio of ratios) expect(ratio).toBeCloseTo(60 ** (1 / 7), 9);
  });
  it('linear and integer ranges', () => {
    expect(rangeValues({ from: 0, to: 1, count: 5 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(rangeValues({ from: 32, to: 256, count: 4, scale: 'log', integer: true })).toEqual([32, 64, 128, 256]);
    expect(rangeValues({ from: 2, to: 9, count: 1 })).toEqual([2]);
  });
  it('refuses a log range through zero', () => {
    const error = thrown(() => rangeValues({ from: 0, to: 1, count: 3, scale: 'log' }, 'vary.parameters[0].range'));
    expect(error.issues[0]!.path).toBe('vary.parameters[0].range');
  });
});

describe('sweep expansion', () => {
  it('grid: cartesian product with the first parameter slowest, and values applied by pointer', () => {
    const plan = expandSweep(
      sweepWith({
        parameters: [
          { name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1, 1] },
          { pointer: '/options/width', values: [32, 64, 128] },
        ],
      }),
      baseTarget,
    );
    expect(plan.points.map((point) => point.values)).toEqual([
      { coupling: 0.1, width: 32 },
      { coupling: 0.1, width: 64 },
      { coupling: 0.1, width: 128 },
      { coupling: 1, width: 32 },
      { coupling: 1, width: 64 },
      { coupling: 1, width: 128 },
    ]);
    const point = plan.points[4]!;
    expect((point.target.action as any).interactions[0].coupling).toBe(1);
    expect(point.options).toEqual({ width: 64, seed: 3 });
    expect(point.target.$schema).toBeUndefined();
    // The base documents are not modified.
    expect((baseTarget.action as any).interactions[0].coupling).toBe(0.5);
    expect(point.id).toMatch(/^coupling-1_width-64-[0-9a-f]{10}$/);
    expect(new Set(plan.points.map((p) => p.id)).size).toBe(6);
  });

  it('list: zips the parameters', () => {
    const plan = expandSweep(
      sweepWith({
        mode: 'list',
        parameters: [
          { pointer: '/options/width', values: [32, 64] },
          { pointer: '/options/seed', values: [7, 8] },
        ],
      }),
      baseTarget,
    );
    expect(plan.points.map((point) => point.options)).toEqual([
      { width: 32, seed: 7 },
      { width: 64, seed: 8 },
    ]);
  });

  it('ids depend on the resolved inputs only: adding values keeps the existing points', () => {
    const small = expandSweep(sweepWith({ parameters: [{ pointer: '/options/width', values: [32, 64] }] }), baseTarget);
    const large = expandSweep(sweepWith({ parameters: [{ pointer: '/options/width', values: [16, 32, 64] }] }), baseTarget);
    expect(large.points.slice(1).map((point) => point.id)).toEqual(small.points.map((point) => point.id));
    expect(large.sweepHash).not.toBe(small.sweepHash);
    // Same inputs, same hash, run after run.
    expect(expandSweep(sweepWith({ parameters: [{ pointer: '/options/width', values: [32, 64] }] }), baseTarget).sweepHash).toBe(small.sweepHash);
  });

  it('reports every semantic problem with its path', () => {
    const error = thrown(() =>
      expandSweep(
        sweepWith(
          {
            mode: 'list',
            parameters: [
              { pointer: '/target/action/interactions/0/coupl', values: [1, 2] },
              { name: 'coupl', pointer: '/options/width', values: [1] },
              { pointer: '/options/missing/deep', values: [1] },
              { pointer: '/options/seed', values: [1], range: { from: 1, to: 2, count: 2 } },
            ],
          },
          { extrapolate: { parameter: 'nope' } },
        ),
        baseTarget,
      ),
    );
    expect(error.code).toBe('E_SEMANTIC');
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual([
      'vary.parameters[0].pointer',
      'vary.parameters[1].name',
      'vary.parameters[2].pointer',
      'vary.parameters[3]',
      'vary.parameters',
      'extrapolate.parameter',
    ]);
    expect(error.issues[0]!.message).toMatch(/has no key "coupl"/);
  });

  it('extrapolation groups: every other parameter in grid mode, none in list mode, or as named', () => {
    const parameters = [
      { pointer: '/options/width', values: [32, 64] },
      { pointer: '/options/seed', values: [1, 2] },
    ];
    expect(expandSweep(sweepWith({ parameters }, { extrapolate: { parameter: 'width' } }), baseTarget).extrapolate).toEqual({ parameter: 'width', terms: 1, groupBy: ['seed'] });
    expect(expandSweep(sweepWith({ mode: 'list', parameters }, { extrapolate: { parameter: 'width' } }), baseTarget).extrapolate!.groupBy).toEqual([]);
    const error = thrown(() => expandSweep(sweepWith({ parameters }, { extrapolate: { parameter: 'width', groupBy: ['width', 'mass'] } }), baseTarget));
    expect(error.issues.map((issue) => issue.path)).toEqual(['extrapolate.groupBy[0]', 'extrapolate.groupBy[1]']);
  });

  it('refuses repeated points', () => {
    const error = thrown(() => expandSweep(sweepWith({ parameters: [{ pointer: '/options/width', values: [32, 32] }] }), baseTarget));
    expect(error.issues[0]!.message).toMatch(/points 0 and 1 have identical inputs/);
  });
});

describe('sweep file validation', () => {
  it('lists schema problems with dotted paths', () => {
    const error = thrown(() =>
      validateSweepDocument({ nnftSweep: 2, name: 'bad name', target: 'x.json', vary: { parameters: [{ pointer: 'width', values: [] }] }, extrapolte: {} }),
    );
    expect(error.code).toBe('E_SCHEMA');
    const paths = error.issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['extrapolte', 'name', 'nnftSweep', 'vary.parameters[0].pointer', 'vary.parameters[0].values'].sort());
    expect(error.issues.find((issue) => issue.path === 'extrapolte')!.hint).toMatch(/extrapolate/);
  });

  it('the example sweeps validate and expand, and their base target is a valid target', async () => {
    for (const file of ['examples/sweeps/phi4-1d-coupling-scan.json', 'examples/sweeps/phi4-1d-width-scan.json']) {
      const loaded = await loadSweep(file);
      expect(loaded.plan.points.length).toBeGreaterThan(3);
    }
    expect(validateAgainstSchema('target', baseTarget)).toEqual([]);
    const coupling = await loadSweep('examples/sweeps/phi4-1d-coupling-scan.json');
    const couplings = coupling.plan.points.map((point) => point.values.coupling as number);
    expect(couplings[0]).toBe(0.1);
    expect(couplings[couplings.length - 1]).toBe(6);
    const width = await loadSweep('examples/sweeps/phi4-1d-width-scan.json');
    expect(width.plan.extrapolate).toEqual({ parameter: 'width', terms: 1, groupBy: [] });
  });

  it('reports JSON syntax errors with line and column, and a missing base target', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-sweep-'));
    await writeFile(join(directory, 'broken.json'), '{\n  "nnftSweep": 1,\n  "name": "x",,\n}');
    await expect(loadSweep(join(directory, 'broken.json'))).rejects.toMatchObject({ code: 'E_JSON_SYNTAX', issues: [{ line: 3 }] });
    await writeFile(join(directory, 'lost.json'), JSON.stringify({ nnftSweep: 1, name: 'x', target: 'nowhere.json', vary: { parameters: [{ pointer: '/options/width', values: [1] }] } }));
    await expect(loadSweep(join(directory, 'lost.json'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', issues: [{ path: 'target' }] });
  });
});

describe('shards', () => {
  it('parses i/n and partitions points by index mod n', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/0 <= i < n/);
    expect(() => parseShard('a/b')).toThrow(/i\/n/);
    const owners = Array.from({ length: 7 }, (_, k) => [0, 1, 2].filter((shard) => inShard(k, { index: shard, count: 3 })));
    expect(owners).toEqual([[0], [1], [2], [0], [1], [2], [0]]);
  });
});
