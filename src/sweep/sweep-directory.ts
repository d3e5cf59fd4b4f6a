/**
 * Layout of a sweep output directory:
 *
 *   sweep-manifest.json   the expanded plan: parameters, points (index, id, values), sweep hash
 *   sweep.json            the sweep file as given, and base-target.json, for reproducibility
 *   points/<id>/          one run directory per point; the runner adds sweep-point.json (the
 *                         point's inputs), sweep-target.json (the resolved target file),
 *                         sweep-row.json (its summary row, once finished) or sweep-failure.json
 *   summary.jsonl/.csv    one row per finished (or failed) point, in point order
 *   extrapolation.json    infinite-width fits, when the sweep asks for them and every point finished
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NnftError } from '../errors.js';
import type { SweepParameter, SweepPlan } from './expand-sweep.js';
import type { SweepShard } from './shard.js';

export const MANIFEST_FILE = 'sweep-manifest.json';
export const POINTS_DIRECTORY = 'points';
export const POINT_INPUT_FILE = 'sweep-point.json';
export const POINT_TARGET_FILE = 'sweep-target.json';
export const POINT_ROW_FILE = 'sweep-row.json';
export const POINT_FAILURE_FILE = 'sweep-failure.json';
export const RESULT_FILE = 'result.json';
export const EXTRAPOLATION_FILE = 'extrapolation.json';

export interface SweepManifest {
  nnftSweepRun: 1;
  name: string;
  description: string;
  sweepHash: string;
  mode: 'grid' | 'list';
  parameters: SweepParameter[];
  extrapolate: SweepPlan['extrapolate'];
  /** The shard this directory was run as (null: every point, or a merge). */
  shard: SweepShard | null;
  points: { index: number; id: string; values: Record<string, unknown> }[];
}

export function manifestFor(plan: SweepPlan, shard: SweepShard | null): SweepManifest {
  return {
    nnftSweepRun: 1,
    name: plan.name,
    description: plan.description,
    sweepHash: plan.sweepHash,
    mode: plan.mode,
    parameters: plan.parameters,
    extrapolate: plan.extrapolate,
    shard,
    points: plan.points.map(({ index, id, values }) => ({ index, id, values })),
  };
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function readJsonIfPresent<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new NnftError('E_FILE_READ', `${path} is not valid JSON`, { file: path, cause: error, hint: 'the sweep directory is damaged; delete that file and rerun the sweep' });
  }
}

/** What is wrong with a stored manifest's shape (the parts every reader relies on), at dotted paths. */
function manifestProblems(value: unknown): { path: string; message: string }[] {
  const isRecord = (entry: unknown): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry);
  if (!isRecord(value)) return [{ path: '', message: 'is not a JSON object' }];
  const problems: { path: string; message: string }[] = [];
  if (value.nnftSweepRun !== 1) problems.push({ path: 'nnftSweepRun', message: `is ${JSON.stringify(value.nnftSweepRun)}, expected 1` });
  if (typeof value.name !== 'string') problems.push({ path: 'name', message: 'must be the sweep name (a string)' });
  if (typeof value.sweepHash !== 'string') problems.push({ path: 'sweepHash', message: 'must be a string' });
  if (!Array.isArray(value.parameters)) problems.push({ path: 'parameters', message: 'must be a list' });
  if (!Array.isArray(value.points)) problems.push({ path: 'points', message: 'must be a list' });
  else {
    value.points.forEach((point, index) => {
      if (!(isRecord(point) && Number.isInteger(point.index) && point.index === index && typeof point.id === 'string' && isRecord(point.values))) {
        problems.push({ path: `points[${index}]`, message: `must be {"index": ${index}, "id": ..., "values": {...}}` });
      }
    });
  }
  return problems.slice(0, 10);
}

/** A sweep directory's manifest, checked (E_SCHEMA naming the file when damaged), or null when absent. */
export async function readManifest(directory: string): Promise<SweepManifest | null> {
  const path = join(directory, MANIFEST_FILE);
  const value = await readJsonIfPresent<SweepManifest>(path);
  if (value === null) return null;
  const problems = manifestProblems(value);
  if (problems.length > 0) {
    throw new NnftError('E_SCHEMA', `the sweep manifest is damaged (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
      file: path,
      issues: problems.map((problem) => ({ ...problem, severity: 'error' as const })),
      hint: 'nnft sweep writes this file; rerun the sweep with --out this directory to rewrite it',
    });
  }
  return value;
}

export function pointDirectory(out: string, id: string): string {
  return join(out, POINTS_DIRECTORY, id);
}
