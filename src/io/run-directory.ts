/**
 * A run directory holds everything needed to inspect, reproduce and resume one run:
 *
 *   config.json        normalised inputs and their content hash (a resumed run must match it)
 *   metrics.jsonl      one JSON object per optimisation step, appended
 *   checkpoint.json    latest parameters, optimizer state and RNG counters (atomic replace)
 *   run.lock           pid, host and start time of the process using the directory (while it runs)
 *   <result files>     spec.json, result.json, ... written atomically by the caller
 *
 * Writes are atomic (temp file + rename), so a run killed at any instant leaves either the old or
 * the new version of each file, never half of one. metrics.jsonl lines are appended whole; a torn
 * last line (from a kill mid-append) is dropped on read and cut off when the run resumes.
 *
 * One process at a time (docs/conventions.md, "Run directories"): opening takes run.lock, created
 * atomically with its contents; a second process is refused with the holder's pid, host and start
 * time. A lock whose process is gone (same host, dead pid) is stale and taken over. The lock is
 * released by release(), and in any case when the process exits.
 *
 * What is read back is checked, never trusted: config.json and checkpoint.json must have their
 * envelope's shape, and their content hashes must match their contents, or the run directory is
 * reported damaged, naming the file (E_FILE_READ, exit 2).
 */
import { mkdir, readFile, appendFile, stat, readdir, link, rm, truncate, writeFile } from 'node:fs/promises';
import { unlinkSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NnftError } from '../errors.js';
import { atomicTemporaryPid, removeStaleTemporaries, writeJsonAtomic } from './atomic-write.js';
import { contentHash } from './canonical-json.js';

export interface RunConfigFile<Config> {
  nnftRun: 1;
  configHash: string;
  config: Config;
  createdAt: string;
}

export interface CheckpointFile<State> {
  nnftCheckpoint: 1;
  configHash: string;
  savedAt: string;
  /** contentHash(state): an edited or corrupted state is detected on resume. */
  stateHash?: string;
  state: State;
}

/** Problems found in a stored document, each a dotted path and what is wrong there ([] = valid). */
export type StoredValidator = (value: unknown) => string[];

export interface RunDirectory<Config> {
  readonly path: string;
  readonly config: Config;
  readonly configHash: string;
  /** True when the directory already held a run with this config (resume). */
  readonly resumed: boolean;
  appendMetrics(record: Record<string, unknown>): Promise<void>;
  readMetrics(): Promise<Record<string, unknown>[]>;
  writeCheckpoint(state: unknown): Promise<void>;
  /** The stored state, checked against its hash and, when given, against `validate`. */
  readCheckpoint<State>(validate?: StoredValidator): Promise<State | null>;
  writeJson(name: string, value: unknown): Promise<string>;
  fileExists(name: string): Promise<boolean>;
  /** Give up the lock (idempotent; also done when the process exits). */
  release(): Promise<void>;
}

export const RUN_FILES = { config: 'config.json', metrics: 'metrics.jsonl', checkpoint: 'checkpoint.json', lock: 'run.lock' } as const;

/**
 * Entries an existing --out directory may hold and still be a fresh run's directory: those a sweep
 * writes into a point's directory before it starts the run (sweep/sweep-directory.ts), a stale
 * lock, and atomic-write temp files.
 */
const FRESH_DIRECTORY_ENTRIES = new Set(['sweep-point.json', 'sweep-target.json', 'sweep-row.json', 'sweep-failure.json', RUN_FILES.lock]);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function damaged(file: string, problem: string, cause?: unknown): NnftError {
  return new NnftError('E_FILE_READ', `the run directory is damaged: ${basename(file)} ${problem}`, {
    file,
    ...(cause === undefined ? {} : { cause }),
    hint: 'restore the file, or start a new run directory (the damaged one cannot be resumed)',
  });
}

async function readStoredJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw damaged(path, `cannot be read (${(error as Error).message})`, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw damaged(path, text.trim() === '' ? 'is empty' : 'is not valid JSON (truncated or edited)', error);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isHash = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * Read and check `<directory>/config.json`: the envelope {nnftRun: 1, configHash, config, createdAt},
 * a configHash that matches the config, and, when given, `validate(config)`. Fails with E_USAGE when
 * there is no config.json (not a run directory), E_FILE_READ ("damaged", naming the file) otherwise.
 */
export async function readRunConfig<Config = unknown>(directory: string, validate?: StoredValidator): Promise<RunConfigFile<Config>> {
  const path = join(directory, RUN_FILES.config);
  if (!(await exists(path))) {
    throw new NnftError('E_USAGE', `${directory} holds no run (no ${RUN_FILES.config})`, { file: directory, hint: 'give the run directory that --out wrote, or start the run without --resume' });
  }
  const stored = await readStoredJson(path);
  if (!isRecord(stored)) throw damaged(path, 'is not a JSON object');
  if (stored.nnftRun !== 1) throw damaged(path, `has nnftRun ${JSON.stringify(stored.nnftRun)}, expected 1`);
  if (!isHash(stored.configHash)) throw damaged(path, 'has no valid configHash');
  if (!isRecord(stored.config)) throw damaged(path, 'has no config object');
  if (typeof stored.createdAt !== 'string') throw damaged(path, 'has no createdAt');
  let hash: string;
  try {
    hash = contentHash(stored.config);
  } catch (error) {
    throw damaged(path, `holds a config that is not plain JSON (${(error as Error).message})`, error);
  }
  if (hash !== stored.configHash) throw damaged(path, 'was edited: its config no longer matches its configHash');
  const problems = validate ? validate(stored.config) : [];
  if (problems.length > 0) throw damaged(path, `holds an invalid config: ${problems.slice(0, 5).join('; ')}`);
  return stored as unknown as RunConfigFile<Config>;
}

function checkCheckpointEnvelope(path: string, stored: unknown): CheckpointFile<unknown> {
  if (!isRecord(stored)) throw damaged(path, 'is not a JSON object');
  if (stored.nnftCheckpoint !== 1) throw damaged(path, `has nnftCheckpoint ${JSON.stringify(stored.nnftCheckpoint)}, expected 1`);
  if (!isHash(stored.configHash)) throw damaged(path, 'has no valid configHash');
  if (!('state' in stored)) throw damaged(path, 'has no state');
  // Every checkpoint writeCheckpoint makes carries its state's hash: one without is edited.
  if (stored.stateHash === undefined) throw damaged(path, 'has no stateHash (edited by hand)');
  if (!isHash(stored.stateHash)) throw damaged(path, 'has an invalid stateHash');
  let hash: string;
  try {
    hash = contentHash(stored.state);
  } catch (error) {
    throw damaged(path, `holds a state that is not plain JSON (${(error as Error).message})`, error);
  }
  if (hash !== stored.stateHash) throw damaged(path, 'was edited or corrupted: its state no longer matches its stateHash');
  return stored as unknown as CheckpointFile<unknown>;
}

/**
 * Read and check `<directory>/checkpoint.json` without opening the directory (no lock): its
 * envelope, its state hash, that it belongs to `configHash` when given, and `validate(state)`.
 * null when there is none. A resume checks it this way before any work, so a damaged checkpoint is
 * reported at once, naming the file (E_FILE_READ, exit 2), not after the run's set-up.
 */
export async function readStoredCheckpoint<State = unknown>(directory: string, options: { configHash?: string; validate?: StoredValidator } = {}): Promise<State | null> {
  const path = join(directory, RUN_FILES.checkpoint);
  if (!(await exists(path))) return null;
  const stored = checkCheckpointEnvelope(path, await readStoredJson(path));
  if (options.configHash !== undefined && stored.configHash !== options.configHash) throw damaged(path, 'belongs to another config (its configHash is not that of config.json)');
  const problems = options.validate ? options.validate(stored.state) : [];
  if (problems.length > 0) throw damaged(path, `holds an invalid state: ${problems.slice(0, 5).join('; ')}`);
  return stored.state as State;
}

// ---------------------------------------------------------------------------------------------
// The lock.

export interface RunLock {
  nnftLock: 1;
  pid: number;
  hostname: string;
  startedAt: string;
  /** The command line of the holder, for the message a second process gets. */
  command: string;
}

/** Locks this process holds, removed by the exit hook. */
const heldLocks = new Set<string>();
let lockExitHook = false;

function installLockExitHook(): void {
  if (lockExitHook) return;
  lockExitHook = true;
  process.on('exit', () => {
    for (const path of heldLocks) {
      try {
        const holder = JSON.parse(readFileSync(path, 'utf8')) as RunLock;
        if (holder.pid === process.pid && holder.hostname === hostname()) unlinkSync(path);
      } catch {
        // Gone already.
      }
    }
  });
}

/** Whether process `pid` exists (EPERM: it does, under another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string): RunLock | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (isRecord(value) && Number.isInteger(value.pid) && typeof value.hostname === 'string') return value as unknown as RunLock;
  } catch {
    // A lock file is written before it is linked into place, so it is never torn; anything else is foreign.
  }
  return null;
}

/**
 * Take `<directory>/run.lock`, or fail with E_LOCKED naming the live holder. A lock of a process that
 * no longer runs on this host is stale and is taken over; one of this very process is re-entered (a
 * library caller resuming in-process what it ran before).
 */
export async function acquireRunLock(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, RUN_FILES.lock);
  const lock: RunLock = { nnftLock: 1, pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  const temp = join(directory, `.${RUN_FILES.lock}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, `${JSON.stringify(lock, null, 2)}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // link() fails if run.lock exists: creation and contents in one atomic step.
        await link(temp, path);
        installLockExitHook();
        heldLocks.add(path);
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          heldLocks.delete(path);
          try {
            const holder = parseLock(await readFile(path, 'utf8'));
            if (holder && holder.pid === process.pid && holder.hostname === lock.hostname) await rm(path, { force: true });
          } catch {
            // Gone already.
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue; // Released meanwhile: try again.
      }
      const holder = parseLock(text);
      if (holder === null) {
        throw new NnftError('E_LOCKED', `${directory} is locked: ${path} is not an nnft lock`, { file: path, hint: `delete ${path} if no nnft process uses ${directory}` });
      }
      const sameHost = holder.hostname === lock.hostname;
      if (sameHost && holder.pid === process.pid) {
        // Re-entry by this process: refresh the lock in place.
        await writeJsonAtomic(path, lock);
        installLockExitHook();
        heldLocks.add(path);
        return async () => {
          heldLocks.delete(path);
          await rm(path, { force: true });
        };
      }
      if (sameHost && !pidAlive(holder.pid)) {
        // Stale: its process is gone (killed, crashed). Take it over.
        await rm(path, { force: true });
        continue;
      }
      throw new NnftError('E_LOCKED', `${directory} is locked by pid ${holder.pid} on ${holder.hostname} (running since ${holder.startedAt})`, {
        file: path,
        hint: sameHost
          ? `wait for that run to finish or stop it (kill -INT ${holder.pid}); two processes in one run directory would interleave its metrics and checkpoints`
          : `that process runs on another host; if it is gone, delete ${path}`,
      });
    }
    throw new NnftError('E_LOCKED', `${directory} is locked: could not take ${path}`, { file: path, hint: 'another process keeps taking the lock; retry' });
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Refuse at once (E_LOCKED) when another live process holds `<directory>/run.lock`, without taking
 * the lock: a resume checks this before its set-up, so a second `--resume` is refused in a second,
 * not after minutes of work. openRunDirectory still takes the lock atomically (this is a courtesy).
 */
export async function checkRunLock(directory: string): Promise<void> {
  const path = join(directory, RUN_FILES.lock);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  const holder = parseLock(text);
  if (holder === null) return; // acquireRunLock reports a foreign lock file.
  const sameHost = holder.hostname === hostname();
  if (sameHost && (holder.pid === process.pid || !pidAlive(holder.pid))) return;
  throw new NnftError('E_LOCKED', `${directory} is locked by pid ${holder.pid} on ${holder.hostname} (running since ${holder.startedAt})`, {
    file: path,
    hint: sameHost
      ? `wait for that run to finish or stop it (kill -INT ${holder.pid}); two processes in one run directory would interleave its metrics and checkpoints`
      : `that process runs on another host; if it is gone, delete ${path}`,
  });
}

/** Cut a torn final line (a kill mid-append) so the next append starts on a line of its own. */
async function repairMetrics(path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  if (text === '' || text.endsWith('\n')) return;
  await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8'));
}

/** Why an existing path cannot become a new run directory, or null when it can. */
async function notFreshReason(path: string): Promise<string | null> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (!info.isDirectory()) return 'is a file, not a directory';
  const foreign = (await readdir(path)).filter((name) => !FRESH_DIRECTORY_ENTRIES.has(name) && atomicTemporaryPid(name) === null);
  if (foreign.length === 0) return null;
  const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, ... (${foreign.length} entries)` : '');
  return `already exists and is not a run directory (it holds ${shown})`;
}

/**
 * What openRunDirectory(path, ..., 'create') refuses, checked without writing: a directory that
 * already holds a run, a file, a directory holding other things. A design calls it before its
 * set-up, so a wrong --out is refused at once (E_USAGE, exit 2), not after minutes of work.
 */
export async function checkNewRunDirectory(path: string): Promise<void> {
  if (await exists(join(path, RUN_FILES.config))) {
    throw new NnftError('E_USAGE', `${path} already holds a run`, { file: path, hint: 'pass --resume to continue it, or choose another --out directory' });
  }
  const reason = await notFreshReason(path);
  if (reason) throw new NnftError('E_USAGE', `--out ${path} ${reason}`, { file: path, hint: 'choose a new or empty --out directory' });
}

/**
 * Open a run directory. mode 'create' refuses a directory that already holds a run, and an existing
 * directory that is not empty (nothing is written into someone else's files); mode 'resume' requires
 * a run, checks its files and refuses a different config hash. Either way the directory is locked
 * for this process.
 */
export async function openRunDirectory<Config>(path: string, config: Config, mode: 'create' | 'resume'): Promise<RunDirectory<Config>> {
  const configPath = join(path, RUN_FILES.config);
  const configHash = contentHash(config);
  const hasRun = await exists(configPath);
  if (mode === 'create') {
    await checkNewRunDirectory(path);
    await mkdir(path, { recursive: true });
  } else if (!hasRun) {
    throw new NnftError('E_USAGE', `${path} holds no run to resume (no config.json)`, { file: path, hint: 'start the run without --resume' });
  }

  const release = await acquireRunLock(path);
  const metricsPath = join(path, RUN_FILES.metrics);
  const checkpointPath = join(path, RUN_FILES.checkpoint);
  try {
    await removeStaleTemporaries(path);
    if (mode === 'resume') {
      const stored = await readRunConfig(path);
      if (stored.configHash !== configHash) {
        throw new NnftError('E_USAGE', `refusing to resume ${path}: its config differs from the one given now`, {
          file: path,
          hint: `stored config hash ${stored.configHash.slice(0, 12)}, new ${configHash.slice(0, 12)}; resume with the original inputs or start a new run directory`,
        });
      }
      await repairMetrics(metricsPath);
    } else {
      // Re-checked under the lock: another process may have created the run meanwhile.
      if (await exists(configPath)) throw new NnftError('E_USAGE', `${path} already holds a run`, { file: path, hint: 'pass --resume to continue it, or choose another --out directory' });
      const file: RunConfigFile<Config> = { nnftRun: 1, configHash, config, createdAt: new Date().toISOString() };
      await writeJsonAtomic(configPath, file);
    }
  } catch (error) {
    await release();
    throw error;
  }

  return {
    path,
    config,
    configHash,
    resumed: mode === 'resume',
    async appendMetrics(record) {
      await appendFile(metricsPath, `${JSON.stringify(record)}\n`);
    },
    async readMetrics() {
      if (!(await exists(metricsPath))) return [];
      const lines = (await readFile(metricsPath, 'utf8')).split('\n');
      const records: Record<string, unknown>[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // A torn final line from a kill mid-append: drop it.
        }
      }
      return records;
    },
    async writeCheckpoint(state) {
      const file: CheckpointFile<unknown> = { nnftCheckpoint: 1, configHash, savedAt: new Date().toISOString(), stateHash: contentHash(state), state };
      await writeJsonAtomic(checkpointPath, file);
    },
    async readCheckpoint<State>(validate?: StoredValidator) {
      if (!(await exists(checkpointPath))) return null;
      const stored = checkCheckpointEnvelope(checkpointPath, await readStoredJson(checkpointPath));
      if (stored.configHash !== configHash) {
        throw new NnftError('E_USAGE', `checkpoint in ${path} belongs to another config`, { file: checkpointPath, hint: 'start a new run directory' });
      }
      const problems = validate ? validate(stored.state) : [];
      if (problems.length > 0) throw damaged(checkpointPath, `holds an invalid state: ${problems.slice(0, 5).join('; ')}`);
      return stored.state as State;
    },
    async writeJson(name, value) {
      const target = join(path, name);
      await writeJsonAtomic(target, value);
      return target;
    },
    async fileExists(name) {
      return exists(join(path, name));
    },
    release,
  };
}
