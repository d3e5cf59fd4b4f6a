import { describe, expect, it } from 'vitest';
import { mkdtemp, appendFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunDirectory } from '../../src/io/run-directory.js';
import { canonicalJson, contentHash } from '../../src/io/canonical-json.js';

describe('canonical JSON', () => {
  it('ignores key order and rejects non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(contentHash({ x: 1, y: 2 })).toBe(contentHash({ y: 2, x: 1 }));
    expect(() => canonicalJson({ x: NaN })).toThrow();
  });
});

describe('run directory', () => {
  it('creates, checkpoints, resumes with the same config and refuses a changed one', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'nnft-run-')), 'run');
    const config = { target: 'phi4', width: 64 };
    const run = await openRunDirectory(dir, config, 'create');
    await run.appendMetrics({ step: 1, loss: 2 });
    await run.writeCheckpoint({ step: 1, parameters: [0.5] });
    await expect(openRunDirectory(dir, config, 'create')).rejects.toMatchObject({ code: 'E_USAGE' });

    const resumed = await openRunDirectory(dir, { width: 64, target: 'phi4' }, 'resume');
    expect(resumed.resumed).toBe(true);
    expect(await resumed.readCheckpoint()).toEqual({ step: 1, parameters: [0.5] });
    await expect(openRunDirectory(dir, { ...config, width: 128 }, 'resume')).rejects.toMatchObject({ code: 'E_USAGE' });

    // A torn last metrics line (killed mid-append) is dropped on read.
    await appendFile(join(dir, 'metrics.jsonl'), '{"step": 2, "lo');
    expect(await resumed.readMetrics()).toEqual([{ step: 1, loss: 2 }]);
    // No temp files are left behind by atomic writes.
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to resume a directory without a run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nnft-run-'));
    await expect(openRunDirectory(dir, {}, 'resume')).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});
