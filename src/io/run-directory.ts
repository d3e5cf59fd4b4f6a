/**
 * A run directory holds everything needed to inspect, reproduce and resume one run:
 *
 *   config.json        normalised inputs and their content hash (a resumed run must match it)
 *   metrics.jsonl      one JSON object per optimisation step, appended
 *   checkpoint.json    latest parameters, optimizer state and RNG counters (atomic replace)
 *   <result files>     spec.json, result.json, ... written atomically by the caller
 *
 * Writes are atomic (temp file + rename), so a run killed at any instant leaves either the old or
 * the new version of each file, never half of one. metrics.jsonl lines are appended whole and a
 * torn last line (from a kill mid-append) is dropped on read.
 */
import { mkdir, readFile, appendFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NnftError } from '../errors.js';
import { writeJsonAtomic } from './atomic-write.js';
import { contentHash } from './canonical-json.js';

export interface RunConfigFile<Config> {
  nnftRun: 1;
  configHash: string;
  config: Config;
  createdAt: string;
}

export interface RunDirectory<Config> {
  readonly path: string;
  readonly config: Config;
  readonly configHash: string;
  /** True when the directory already held a run with this config (resume). */
  readonly resumed: boolean;
  appendMetrics(record: Record<string, unknown>): Promise<void>;
  readMetrics(): Promise<Record<string, unknown>[]>;
  writeCheckpoint(state: unknown): Promise<void>;
  readCheckpoint<State>(): Promise<State | null>;
  writeJson(name: string, value: unknown): Promise<string>;
  fileExists(name: string): Promise<boolean>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readJsonFile<T>(path: string): Promise<T> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new NnftError('E_FILE_READ', `${path} is not valid JSON`, { file: path, cause: error, hint: 'the run directory is damaged; start a new run' });
  }
}

/**
 * Open a run directory. mode 'create' refuses a directory that already holds a run (unless it is
 * empty); mode 'resume' requires one and refuses a different config hash.
 */
export async function openRunDirectory<Config>(path: string, config: Config, mode: 'create' | 'resume'): Promise<RunDirectory<Config>> {
  const configPath = join(path, 'config.json');
  const configHash = contentHash(config);
  const hasRun = await exists(configPath);
  if (mode === 'create' && hasRun) {
    throw new NnftError('E_USAGE', `${path} already holds a run`, {
      file: path,
      hint: 'pass --resume to continue it, or choose another --out directory',
    });
  }
  if (mode === 'resume') {
    if (!hasRun) {
      throw new NnftError('E_USAGE', `${path} holds no run to resume (no config.json)`, { file: path, hint: 'start the run without --resume' });
    }
    const stored = await readJsonFile<RunConfigFile<Config>>(configPath);
    if (stored.configHash !== configHash) {
      throw new NnftError('E_USAGE', `refusing to resume ${path}: its config differs from the one given now`, {
        file: path,
        hint: `stored config hash ${stored.configHash.slice(0, 12)}, new ${configHash.slice(0, 12)}; resume with the original inputs or start a new run directory`,
      });
    }
  } else {
    await mkdir(path, { recursive: true });
    const file: RunConfigFile<Config> = { nnftRun: 1, configHash, config, createdAt: new Date().toISOString() };
    await writeJsonAtomic(configPath, file);
  }

  const metricsPath = join(path, 'metrics.jsonl');
  const checkpointPath = join(path, 'checkpoint.json');
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
      await writeJsonAtomic(checkpointPath, { nnftCheckpoint: 1, configHash, savedAt: new Date().toISOString(), state });
    },
    async readCheckpoint<State>() {
      if (!(await exists(checkpointPath))) return null;
      const stored = await readJsonFile<{ configHash: string; state: State }>(checkpointPath);
      if (stored.configHash !== configHash) {
        throw new NnftError('E_USAGE', `checkpoint in ${path} belongs to another config`, { file: checkpointPath, hint: 'start a new run directory' });
      }
      return stored.state;
    },
    async writeJson(name, value) {
      const target = join(path, name);
      await writeJsonAtomic(target, value);
      return target;
    },
    async fileExists(name) {
      return exists(join(path, name));
    },
  };
}
