/**
 * How an NnftError looks on a terminal: the file, every problem with its JSON path (and
 * line:column where known), its hint, and the error's hint. Never a stack trace for an NnftError;
 * an unexpected error shows its message and asks for a bug report.
 */
import { isNnftError, type InputIssue } from '../errors.js';

function renderIssue(issue: InputIssue): string {
  const where = issue.line !== undefined ? ` (line ${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''})` : '';
  const mark = issue.severity === 'warning' ? '⚠' : '✖';
  const path = issue.path === '' ? '(file)' : issue.path;
  return `  ${mark} ${path}${where} ${issue.message}${issue.hint ? `\n      → ${issue.hint}` : ''}`;
}

export function renderError(error: unknown): string {
  if (isNnftError(error)) {
    const lines: string[] = [];
    lines.push(`error${error.file ? ` in ${error.file}` : ''}: ${error.message}`);
    for (const issue of error.issues) lines.push(renderIssue(issue));
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return `${lines.join('\n')}\n`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `internal error: ${text}\nThis is a bug in nnft; please report it with the command you ran.\n`;
}

/** Warnings beside a valid result, one per line, marked ⚠. `file` is kept for callers that name it. */
export function renderWarnings(_file: string | null, warnings: readonly InputIssue[]): string {
  if (warnings.length === 0) return '';
  return `${warnings.map((warning) => renderIssue({ ...warning, severity: 'warning' })).join('\n')}\n`;
}
