/**
 * Sweep summaries: summary.jsonl (one JSON object per point, in point order) and summary.csv (the
 * same rows flattened into columns). Rows carry no timestamps, so the same points give the same
 * bytes however the sweep was run (sequential, parallel, or sharded and merged).
 */
import { writeFileAtomic } from '../io/atomic-write.js';

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

export function parseSummaryJsonl(text: string): SweepSummaryRow[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SweepSummaryRow);
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
