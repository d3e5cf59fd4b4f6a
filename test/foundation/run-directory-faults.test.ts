/**
 * Run directories under faults (docs/conventions.md, "Run directories"): one process at a time
 * (run.lock, stale locks taken over), damaged files reported as damaged and named, --out refusing a
 * directory that is not a run directory, and writes that never leave a partial file.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, openRunDirectory, readRunConfig, readStoredCheckpoint, type StoredValidator } from '../../src/io/run-directory.js';
import { contentHash } from '../../src/io/canonical-json.js';
import { checkDesignCheckpoint } from '../../src/design/design-checkpoint.js';
import { removeStaleTemporaries, writeFileAtomic } from '../../src/io/atomic-write.js';
import { repositoryRoot } from '../helpers/cli-capture.js';
import { CLI, processAlive, spawnCli, waitFor } from '../helpers/spawn-cli.js';

const PHI4 = 'targets/phi4-local-1d.json';
const DESIGN = ['design', PHI4, '--width', '8', '--ensemble', '1500', '--seed', '3', '--backend', 'wasm', '--workers', '1'];

async function scratch(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The pid of a process that has exited (so a lock naming it is stale). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('run directory lock', () => {
  it('two concurrent resumes: the second is refused with the holder pid, exit 2; the lock goes with the first', async () => {
    expect(existsSync(CLI)).toBe(true);
    const out = join(await scratch('nnft-lock-'), 'run');
    // A run to resume: interrupted in its fit. Its validation is long (3e6 networks), so the resumed
    // run still holds the lock below however quickly its fit converges.
    const first = await spawnCli([...DESIGN, '--max-steps', '100000', '--validation-ensemble', '3000000', '--max-validation-ensemble', '3000000', '--out', out], { when: 'fitting on a fixed sample', signal: 'SIGINT' });
    expect(first.code).toBe(130);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);

    let holderPid = 0;
    const holder = spawnCli(['design', '--resume', out], { onStart: (pid) => (holderPid = pid) });
    const lock = await waitFor(async () => {
      try {
        return JSON.parse(await readFile(join(out, 'run.lock'), 'utf8')) as { pid: number; hostname: string; startedAt: string };
      } catch {
        return null;
      }
    }, 60_000, 'the first resume to lock the directory');
    expect(lock.pid).toBe(holderPid);
    expect(lock.hostname).toBe(hostname());
    expect(Number.isNaN(Date.parse(lock.startedAt))).toBe(false);

    const second = await spawnCli(['design', '--resume', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`locked by pid ${holderPid}`);
    // Refused before its set-up (io/run-directory.ts checkRunLock), not after computing the target.
    expect(second.stderr).not.toContain('target correlators by');

    process.kill(holderPid, 'SIGINT');
    const finished = await holder;
    expect(finished.code).toBe(130);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });

  it('takes over a stale lock (dead pid), refuses a live one, and re-enters its own', async () => {
    const dir = await scratch('nnft-stale-');
    const config = { target: 'phi4', width: 8 };
    const run = await openRunDirectory(dir, config, 'create');
    await run.release();
    const stale = { nnftLock: 1, pid: deadPid(), hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'nnft design' };
    await writeFile(join(dir, 'run.lock'), JSON.stringify(stale));
    const resumed = await openRunDirectory(dir, config, 'resume');
    expect(JSON.parse(await readFile(join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    await resumed.release();
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, 'run.lock'), JSON.stringify({ ...stale, pid: sleeper.pid }));
      await expect(openRunDirectory(dir, config, 'resume')).rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining(`locked by pid ${sleeper.pid} on ${hostname()}`) });
      // Refused before anything was touched: the holder's lock is still there.
      expect(JSON.parse(await readFile(join(dir, 'run.lock'), 'utf8')).pid).toBe(sleeper.pid);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.once('exit', resolve));
    }
    // Its holder gone, the same lock is stale and taken over.
    const release = await acquireRunLock(dir);
    const again = await acquireRunLock(dir);
    await again();
    await release();
  });
});

describe('damaged run directories', () => {
  const config = { target: 'phi4', width: 8, settings: { seed: 3 } };

  it('a truncated or edited config.json is reported as damaged, naming the file', async () => {
    const dir = await scratch('nnft-damaged-config-');
    (await openRunDirectory(dir, config, 'create')).release();
    const path = join(dir, 'config.json');
    const text = await readFile(path, 'utf8');

    await writeFile(path, text.slice(0, text.length / 2));
    await expect(readRunConfig(dir)).rejects.toMatchObject({ code: 'E_FILE_READ', file: path, message: expect.stringMatching(/damaged: config\.json is not valid JSON/) });
    await expect(openRunDirectory(dir, config, 'resume')).rejects.toMatchObject({ code: 'E_FILE_READ', file: path });

    await writeFile(path, '');
    await expect(readRunConfig(dir)).rejects.toMatchObject({ message: expect.stringContaining('config.json is empty') });

    const edited = JSON.parse(text);
    edited.config.width = -5;
    await writeFile(path, JSON.stringify(edited));
    await expect(readRunConfig(dir)).rejects.toMatchObject({ code: 'E_FILE_READ', message: expect.stringContaining('config.json was edited') });

    await writeFile(path, JSON.stringify({ nnftRun: 1, config: {} }));
    await expect(readRunConfig(dir)).rejects.toMatchObject({ code: 'E_FILE_READ', message: expect.stringContaining('no valid configHash') });

    // Intact, with a validator for the caller's own schema.
    await writeFile(path, text);
    const mustHaveTarget: StoredValidator = (value) => ((value as { target?: unknown }).target === 'phi4' ? [] : ['target: missing']);
    expect((await readRunConfig(dir, mustHaveTarget)).config).toEqual(config);
    await expect(readRunConfig(dir, () => ['settings.seed: must be an integer'])).rejects.toMatchObject({ message: expect.stringContaining('settings.seed: must be an integer') });
    // Not a run directory at all is a usage error (exit 2), not "damaged".
    await expect(readRunConfig(await scratch('nnft-empty-'))).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('an edited checkpoint.json (string parameters, width -5) is refused as damaged', async () => {
    const dir = await scratch('nnft-damaged-checkpoint-');
    const run = await openRunDirectory(dir, config, 'create');
    const state = { trials: [], current: { width: 8, fit: { parameters: [0.5, 1.25] } } };
    await run.writeCheckpoint(state);
    await run.release();
    const path = join(dir, 'checkpoint.json');
    const text = await readFile(path, 'utf8');
    const resumed = await openRunDirectory(dir, config, 'resume');
    expect(await resumed.readCheckpoint()).toEqual(state);

    for (const edit of [(file: any) => (file.state.current.fit.parameters = ['0.5', '1.25']), (file: any) => (file.state.current.width = -5)]) {
      const file = JSON.parse(text);
      edit(file);
      await writeFile(path, JSON.stringify(file));
      await expect(resumed.readCheckpoint()).rejects.toMatchObject({ code: 'E_FILE_READ', file: path, message: expect.stringContaining('damaged: checkpoint.json was edited or corrupted') });
    }
    await writeFile(path, text.slice(0, 40));
    await expect(resumed.readCheckpoint()).rejects.toMatchObject({ code: 'E_FILE_READ', message: expect.stringContaining('checkpoint.json is not valid JSON') });
    // An edit that drops the hash is an edit too: every checkpoint written carries one.
    const unhashed = JSON.parse(text);
    delete unhashed.stateHash;
    await writeFile(path, JSON.stringify(unhashed));
    await expect(resumed.readCheckpoint()).rejects.toMatchObject({ code: 'E_FILE_READ', file: path, message: expect.stringContaining('checkpoint.json has no stateHash') });
    await expect(readStoredCheckpoint(dir)).rejects.toMatchObject({ code: 'E_FILE_READ', file: path });
    await writeFile(path, JSON.stringify({ ...JSON.parse(text), nnftCheckpoint: 7 }));
    await expect(resumed.readCheckpoint()).rejects.toMatchObject({ message: expect.stringContaining('nnftCheckpoint 7') });
    // A semantic check the caller supplies.
    await writeFile(path, text);
    await expect(resumed.readCheckpoint(() => ['current.width: must be a positive integer'])).rejects.toMatchObject({ message: expect.stringContaining('current.width: must be a positive integer') });
    await resumed.release();
  });

  it('a design checkpoint state rewritten with a fresh hash is checked against its shape, before the directory is opened', async () => {
    const dir = await scratch('nnft-forged-checkpoint-');
    const run = await openRunDirectory(dir, config, 'create');
    const state = { trials: [], current: { width: 8, fit: { round: 1, sampleKurtosis: 3.1, start: [0.5, 1.25], saa: { iteration: 3, parameters: [0.5, 1.25], damping: 0.1, chiSquared: 2 } } } };
    await run.writeCheckpoint(state);
    await run.release();
    const path = join(dir, 'checkpoint.json');
    const file = JSON.parse(await readFile(path, 'utf8'));
    const validate = (state: unknown) => checkDesignCheckpoint(state, 2);
    expect(await readStoredCheckpoint(dir, { configHash: file.configHash, validate })).toEqual(state);
    const forged: [(state: any) => void, string][] = [
      [(s) => (s.current.fit.saa.parameters = ['0.5', '1.25']), 'state.current.fit.saa.parameters[0] must be a finite number, got "0.5"'],
      [(s) => (s.current.width = -5), 'state.current.width must be an integer from 1 to'],
      [(s) => (s.current.fit.start = [0.5]), 'state.current.fit.start must hold 2 numbers'],
      [(s) => (s.trials = [{ width: 8 }]), 'state.trials[0].relativeError must be a number >= 0'],
      [(s) => (s.trials = {}), 'state.trials must be a list'],
    ];
    for (const [change, message] of forged) {
      const edited = structuredClone(file);
      change(edited.state);
      edited.stateHash = contentHash(edited.state);
      await writeFile(path, JSON.stringify(edited));
      await expect(readStoredCheckpoint(dir, { validate })).rejects.toMatchObject({ code: 'E_FILE_READ', file: path, message: expect.stringContaining(message) });
    }
    await writeFile(path, JSON.stringify({ ...file, configHash: 'c'.repeat(64) }));
    await expect(readStoredCheckpoint(dir, { configHash: file.configHash })).rejects.toMatchObject({ message: expect.stringContaining('belongs to another config') });
  });

  it('a torn metrics line is cut on resume, so the next record starts a line of its own', async () => {
    const dir = await scratch('nnft-torn-');
    const run = await openRunDirectory(dir, config, 'create');
    await run.appendMetrics({ step: 1 });
    await run.release();
    await writeFile(join(dir, 'metrics.jsonl'), '{"step":1}\n{"step":2,"lo', { flag: 'w' });
    const resumed = await openRunDirectory(dir, config, 'resume');
    await resumed.appendMetrics({ step: 2 });
    expect(await resumed.readMetrics()).toEqual([{ step: 1 }, { step: 2 }]);
    await resumed.release();
  });
});

describe('--out and atomic writes', () => {
  it('create refuses an existing directory that is not a run directory, and writes nothing into it', async () => {
    const dir = await scratch('nnft-foreign-');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(openRunDirectory(dir, { a: 1 }, 'create')).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('is not a run directory (it holds notes.txt)') });
    expect(await readdir(dir)).toEqual(['notes.txt']);
    // A file is refused too; an empty directory and a sweep point's prepared directory are fine.
    await expect(openRunDirectory(join(dir, 'notes.txt'), { a: 1 }, 'create')).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('is a file') });
    const empty = join(dir, 'empty');
    await mkdir(empty);
    (await openRunDirectory(empty, { a: 1 }, 'create')).release();
    const point = join(dir, 'point');
    await mkdir(point);
    await writeFile(join(point, 'sweep-point.json'), '{}');
    await writeFile(join(point, 'sweep-target.json'), '{}');
    (await openRunDirectory(point, { a: 1 }, 'create')).release();

    // The CLI: exit 2, and the directory is left as it was.
    const run = await spawnCli([...DESIGN, '--max-steps', '0', '--validation-ensemble', '2000', '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a run directory');
    expect((await readdir(dir)).sort()).toEqual(['empty', 'notes.txt', 'point']);
  });

  it('a process ending mid-write leaves the old file whole and no temp file', async () => {
    const dir = await scratch('nnft-atomic-');
    const target = join(dir, 'big.json');
    await writeFileAtomic(target, 'old\n');
    const module = join(repositoryRoot, 'dist/io/atomic-write.js');
    // 64 MB written, and the process exits before the write completes.
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(module)});
      writeFileAtomic(${JSON.stringify(target)}, 'x'.repeat(64 * 1024 * 1024)).catch(() => {});
      setImmediate(() => process.exit(3));
    `;
    const exited = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(exited.status).toBe(3);
    expect(await readFile(target, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['big.json']);

    // SIGKILL runs no exit hook: the temp file stays until the directory is next opened.
    const killed = spawn(process.execPath, ['--input-type=module', '-e', script.replace('process.exit(3)', 'process.kill(process.pid, "SIGKILL")')], { stdio: 'ignore' });
    await new Promise((resolve) => killed.on('exit', resolve));
    expect(processAlive(killed.pid!)).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('old\n');
    const left = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
    expect(await removeStaleTemporaries(dir)).toEqual(left);
    expect(await readdir(dir)).toEqual(['big.json']);
  });
});
