/**
 * Join the summaries of a sweep's shards (run in separate directories, e.g. one per job-array
 * task) into one summary, in point order, refusing shards of different sweeps and points that
 * appear in more than one shard. The merged summary equals the one an unsharded run writes.
 */
import { checkOutDirectory } from '../io/out-path.js';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NnftError, type InputIssue } from '../errors.js';
import { writeJsonAtomic } from '../io/atomic-write.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { extrapolateSummary, type ExtrapolationTable } from './extrapolate.js';
import { parseSummaryJsonl, writeSummaries, type SweepSummaryRow } from './summary.js';
import { EXTRAPOLATION_FILE, MANIFEST_FILE, readManifest, type SweepManifest } from './sweep-directory.js';

export interface MergeResult {
  out: string;
  rows: SweepSummaryRow[];
  /** Points of the sweep that no shard has a row for. */
  missing: number[];
  extrapolation: ExtrapolationTable | null;
}

export async function mergeSweepShards(directories: readonly string[], out: string, options: { onEvent?: EventSink } = {}): Promise<MergeResult> {
  const onEvent = options.onEvent ?? ignoreEvents;
  if (directories.length === 0) throw new NnftError('E_USAGE', 'nothing to merge: name the shard directories');
  // An existing --out must be a sweep directory (an earlier merge) or empty.
  await checkOutDirectory(out, { what: 'a sweep directory', ours: async (_path, entries) => entries.includes(MANIFEST_FILE) });
  let reference: SweepManifest | null = null;
  let referenceDirectory = '';
  const byId = new Map<string, { row: SweepSummaryRow; directory: string }>();
  const issues: InputIssue[] = [];
  for (const directory of directories) {
    const manifest = await readManifest(directory);
    if (!manifest) {
      throw new NnftError('E_USAGE', `${directory} is not a sweep directory (no ${MANIFEST_FILE})`, { file: directory, hint: 'pass the --out directories of the shard runs' });
    }
    if (!reference) {
      reference = manifest;
      referenceDirectory = directory;
    } else if (manifest.sweepHash !== reference.sweepHash) {
      throw new NnftError('E_USAGE', `${directory} holds a different sweep than ${referenceDirectory}`, {
        file: directory,
        hint: `sweep hashes ${manifest.sweepHash.slice(0, 12)} and ${reference.sweepHash.slice(0, 12)} differ: shards must come from the same sweep file and base target`,
      });
    }
    let text = '';
    try {
      text = await readFile(join(directory, 'summary.jsonl'), 'utf8');
    } catch {
      onEvent({ type: 'warning', message: `${directory} has no summary.jsonl yet (no finished points)`, path: directory });
    }
    for (const row of parseSummaryJsonl(text, join(directory, 'summary.jsonl'))) {
      const previous = byId.get(row.id);
      if (previous) {
        issues.push({ path: row.id, message: `point ${row.index} appears in both ${previous.directory} and ${directory}` });
        continue;
      }
      byId.set(row.id, { row, directory });
    }
  }
  if (issues.length) {
    throw new NnftError('E_USAGE', `${issues.length} point${issues.length === 1 ? '' : 's'} appear in more than one shard`, {
      issues,
      hint: 'each point must come from exactly one shard: were a directory or a shard index given twice?',
    });
  }
  const manifest = reference!;
  const known = new Map(manifest.points.map((point) => [point.id, point.index]));
  const rows: SweepSummaryRow[] = [];
  for (const { row, directory } of byId.values()) {
    if (known.get(row.id) !== row.index) {
      throw new NnftError('E_USAGE', `${directory}: row ${row.index} (${row.id}) is not a point of sweep ${manifest.name}`, { file: directory });
    }
    rows.push(row);
  }
  rows.sort((a, b) => a.index - b.index);
  const present = new Set(rows.map((row) => row.index));
  const missing = manifest.points.map((point) => point.index).filter((index) => !present.has(index));
  if (missing.length) onEvent({ type: 'warning', message: `${missing.length} of ${manifest.points.length} points have no row in any shard`, hint: 'run the missing shards (or rerun failed ones), then merge again' });

  await mkdir(out, { recursive: true });
  await writeJsonAtomic(join(out, MANIFEST_FILE), { ...manifest, shard: null, mergedFrom: [...directories] });
  await writeSummaries(out, rows, manifest.parameters.map((parameter) => parameter.name));
  let extrapolation: ExtrapolationTable | null = null;
  if (manifest.extrapolate && rows.filter((row) => row.status === 'finished').length === manifest.points.length) {
    extrapolation = extrapolateSummary(rows, manifest.extrapolate.parameter, manifest.extrapolate.terms, manifest.extrapolate.groupBy);
    await writeJsonAtomic(join(out, EXTRAPOLATION_FILE), extrapolation);
  }
  return { out, rows, missing, extrapolation };
}
