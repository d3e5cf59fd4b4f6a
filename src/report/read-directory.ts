/**
 * Read what a report needs from a run directory or a sweep directory, tolerating missing pieces:
 * each absent file becomes a note in the report instead of an error. The numbers a report plots are
 * checked when present: a result.json, summary.jsonl or sweep-manifest.json that is damaged or out of
 * range is refused (exit 2) at its JSON path rather than drawn.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorrelatorResult } from '../io/result.js';
import type { ExtrapolationTable } from '../sweep/extrapolate.js';
import { parseSummaryJsonl, type SweepSummaryRow } from '../sweep/summary.js';
import { readManifest, type SweepManifest } from '../sweep/sweep-directory.js';
import { parseResultText } from '../io/check-result.js';

export interface RunData {
  directory: string;
  config: Record<string, unknown> | null;
  metrics: Record<string, unknown>[];
  result: CorrelatorResult | null;
  /** The sweep point record when the run belongs to a sweep. */
  point: Record<string, unknown> | null;
  notes: string[];
}

export interface SweepData {
  directory: string;
  manifest: SweepManifest;
  rows: SweepSummaryRow[];
  extrapolation: ExtrapolationTable | null;
  /** Ids of the points whose run directory has its own report.html (linked from the table). */
  pointReports: Set<string>;
  /** Each finished point's tolerance: its sweep-point.json options, else its config.json settings. */
  tolerances: Map<string, number>;
  notes: string[];
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function readJson<T>(path: string, notes: string[], what: string): Promise<T | null> {
  const text = await readText(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    notes.push(`${what} (${path}) is not valid JSON and was ignored.`);
    return null;
  }
}

export async function isSweepDirectory(directory: string): Promise<boolean> {
  return (await readText(join(directory, 'sweep-manifest.json'))) !== null;
}

export async function readRunData(directory: string): Promise<RunData> {
  const notes: string[] = [];
  const configFile = await readJson<{ config?: Record<string, unknown> }>(join(directory, 'config.json'), notes, 'config.json');
  // A result that is there is checked as nnft action checks one (ranges, lengths, indices): a report
  // never plots a damaged or hand-edited result (src/io/check-result.ts).
  const resultPath = join(directory, 'result.json');
  const resultText = await readText(resultPath);
  const result: CorrelatorResult | null = resultText === null ? null : parseResultText(resultText, resultPath);
  const point = await readJson<Record<string, unknown>>(join(directory, 'sweep-point.json'), notes, 'sweep-point.json');
  const metricsText = await readText(join(directory, 'metrics.jsonl'));
  const metrics: Record<string, unknown>[] = [];
  let torn = 0;
  for (const line of (metricsText ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      metrics.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      torn++;
    }
  }
  if (!configFile) notes.push('No config.json: the run’s inputs are not shown.');
  if (metricsText === null) notes.push('No metrics.jsonl: the optimisation history (loss, chi²/dof, ESS, parameter trajectories) is not available.');
  if (torn) notes.push(`${torn} unreadable line${torn === 1 ? '' : 's'} in metrics.jsonl skipped (a run killed mid-write leaves one).`);
  if (!result) notes.push('No result.json: the run has not finished, so target and achieved correlators are not shown.');
  return { directory, config: configFile?.config ?? null, metrics, result, point, notes };
}

const positiveNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/**
 * The tolerance a sweep point was designed to: the option the sweep gave it (sweep-point.json), the
 * design's resolved settings (config.json, which hold the default when no option was given), or a
 * tolerance in its summary row; null when none of them says.
 */
async function pointTolerance(pointDirectory: string, row: SweepSummaryRow): Promise<number | null> {
  const ignored: string[] = [];
  const input = await readJson<{ options?: Record<string, unknown> }>(join(pointDirectory, 'sweep-point.json'), ignored, 'sweep-point.json');
  const fromOptions = positiveNumber(input?.options?.tolerance);
  if (fromOptions !== null) return fromOptions;
  const config = await readJson<{ config?: { settings?: Record<string, unknown> } }>(join(pointDirectory, 'config.json'), ignored, 'config.json');
  return positiveNumber(config?.config?.settings?.tolerance) ?? positiveNumber(row.results.tolerance);
}

export async function readSweepData(directory: string): Promise<SweepData> {
  const notes: string[] = [];
  const manifest = (await readManifest(directory))!;
  const summaryPath = join(directory, 'summary.jsonl');
  const summaryText = await readText(summaryPath);
  let rows: SweepSummaryRow[] = [];
  // A damaged summary (not JSON, a bad row, a number beyond ±1e100) is refused, naming the line.
  if (summaryText === null) notes.push('No summary.jsonl yet: no point has finished.');
  else rows = parseSummaryJsonl(summaryText, summaryPath);
  const extrapolation = await readJson<ExtrapolationTable>(join(directory, 'extrapolation.json'), notes, 'extrapolation.json');
  const finished = rows.filter((row) => row.status === 'finished').length;
  const failed = rows.filter((row) => row.status === 'failed').length;
  if (finished < manifest.points.length) {
    notes.push(`${finished} of ${manifest.points.length} points finished${failed ? `, ${failed} failed` : ''}${manifest.shard ? ` (this directory is shard ${manifest.shard.index}/${manifest.shard.count})` : ''}.`);
  }
  const pointReports = new Set<string>();
  const tolerances = new Map<string, number>();
  for (const row of rows) {
    if ((await readText(join(directory, 'points', row.id, 'report.html'))) !== null) pointReports.add(row.id);
    if (row.status !== 'finished') continue;
    const tolerance = await pointTolerance(join(directory, 'points', row.id), row);
    if (tolerance !== null) tolerances.set(row.id, tolerance);
  }
  return { directory, manifest, rows, extrapolation, pointReports, tolerances, notes };
}
