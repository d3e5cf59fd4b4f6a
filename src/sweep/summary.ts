/**
 * Sweep summaries: summary.jsonl (one JSON object per point, in point order) and summary.csv (the
 * same rows flattened into columns). Rows carry no timestamps, so the same points give the same
 * bytes however the sweep was run (sequential, parallel, or sharded and merged).
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { NnftError, type InputIssue } from '../errors.js';

export interface SweepSummaryRow {
  index: number;
  id: string;
  status: 'finished' | 'failed';
  /** The varied values by parameter name. */
  values: Record<string, unknown>;
  /** What the point runner returned (key results), empty for a failed point. */
  results: Record<string, unknown>;
  error?: { code: string; message: string };
}

export function summaryJsonl(rows: readonly SweepSummaryRow[]): string {
  return rows
    .map((row) => JSON.stringify({ index: row.index, id: row.id, status: row.status, values: row.values, results: row.results, ...(row.error ? { error: row.error } : {}) }))
    .map((line) => `${line}\n`)
    .join('');
}

/** Largest |number| in a summary row's values and results (a finite-but-absurd number is damage). */
export const MAX_SUMMARY_MAGNITUDE = 1e100;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Numbers beyond ±1e100 anywhere under `value`, at dotted paths. */
function absurdNumbers(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'number') {
    if (!(Math.abs(value) <= MAX_SUMMARY_MAGNITUDE)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((element, index) => absurdNumbers(element, `${path}[${index}]`, found));
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) absurdNumbers(child, `${path}.${key}`, found);
  }
}

/** Problems of one parsed summary row, each a dotted path and what is wrong there. */
function rowProblems(row: unknown): { path: string; message: string }[] {
  if (!isRecord(row)) return [{ path: '', message: 'is not a JSON object (one row per line)' }];
  const problems: { path: string; message: string }[] = [];
  if (!(Number.isInteger(row.index) && (row.index as number) >= 0)) problems.push({ path: 'index', message: `is ${JSON.stringify(row.index)}, not a point index (an integer >= 0)` });
  if (typeof row.id !== 'string' || row.id === '') problems.push({ path: 'id', message: 'must be the point id (a non-empty string)' });
  if (row.status !== 'finished' && row.status !== 'failed') problems.push({ path: 'status', message: `is ${JSON.stringify(row.status)}, not "finished" or "failed"` });
  for (const key of ['values', 'results'] as const) {
    if (!isRecord(row[key])) {
      problems.push({ path: key, message: 'must be an object' });
      continue;
    }
    const found: string[] = [];
    absurdNumbers(row[key], key, found);
    for (const path of found.slice(0, 5)) problems.push({ path, message: `is outside ±1e100 (a finite-but-absurd number)` });
  }
  if (row.error !== undefined && !(isRecord(row.error) && typeof row.error.code === 'string' && typeof row.error.message === 'string')) {
    problems.push({ path: 'error', message: 'must be {"code": ..., "message": ...}' });
  }
  return problems;
}

/**
 * Read summary.jsonl text (a sweep directory's, or a shard's for nnft sweep merge). Every line is
 * checked: JSON, the row's shape, every number in its values and results within ±1e100. A damaged
 * file is an E_SCHEMA error naming `file`, each problem at its JSON path and line (exit 2).
 */
export function parseSummaryJsonl(text: string, file = 'summary.jsonl'): SweepSummaryRow[] {
  const rows: SweepSummaryRow[] = [];
  const issues: InputIssue[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      issues.push({ path: '', line: index + 1, message: 'is not valid JSON (truncated or edited)', hint: 'rerun the sweep in its directory to rewrite summary.jsonl', severity: 'error' });
      return;
    }
    const problems = rowProblems(row);
    for (const problem of problems) issues.push({ ...problem, line: index + 1, hint: 'summary.jsonl is written by nnft sweep; rerun the sweep in its directory to rewrite it', severity: 'error' });
    if (problems.length === 0) rows.push(row as SweepSummaryRow);
  });
  if (issues.length > 0) {
    throw new NnftError('E_SCHEMA', `the sweep summary is damaged (${issues.length} problem${issues.length === 1 ? '' : 's'})`, {
      file,
      issues: issues.slice(0, 20),
      hint: 'docs/sweeps-and-reports.md describes summary.jsonl; rerun the sweep (finished points are kept) to rewrite it',
    });
  }
  return rows;
}

/** Nested objects become dotted columns ("parameters.g4"); arrays stay JSON text in one cell. */
export function flattenRecord(record: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    const column = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flattenRecord(value as Record<string, unknown>, column, into);
    else into[column] = value;
  }
  return into;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function summaryCsv(rows: readonly SweepSummaryRow[], parameterNames: readonly string[]): string {
  const flattened = rows.map((row) => flattenRecord(row.results));
  const resultColumns: string[] = [];
  const known = new Set<string>();
  for (const record of flattened) {
    for (const column of Object.keys(record)) {
      if (!known.has(column)) {
        known.add(column);
        resultColumns.push(column);
      }
    }
  }
  // A result column named like a leading column (a design's own "status" and "width" next to the
  // row status and a varied width) is written as "results.<name>", so no header repeats.
  const leading = new Set(['index', 'id', 'status', ...parameterNames, 'error']);
  const header = ['index', 'id', 'status', ...parameterNames, ...resultColumns.map((column) => (leading.has(column) ? `results.${column}` : column)), 'error'];
  const lines = [header.map(csvCell).join(',')];
  rows.forEach((row, k) => {
    const cells = [
      row.index,
      row.id,
      row.status,
      ...parameterNames.map((name) => row.values[name]),
      ...resultColumns.map((column) => flattened[k]![column]),
      row.error ? `${row.error.code}: ${row.error.message}` : '',
    ];
    lines.push(cells.map(csvCell).join(','));
  });
  return `${lines.join('\n')}\n`;
}

export async function writeSummaries(directory: string, rows: readonly SweepSummaryRow[], parameterNames: readonly string[]): Promise<void> {
  const ordered = [...rows].sort((a, b) => a.index - b.index);
  await writeFileAtomic(`${directory}/summary.jsonl`, summaryJsonl(ordered));
  await writeFileAtomic(`${directory}/summary.csv`, summaryCsv(ordered, parameterNames));
}
