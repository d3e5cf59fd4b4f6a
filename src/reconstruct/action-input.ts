/**
 * What nnft action reads: a spec or a correlators file (told apart by "nnftSpec" / "nnftResult"),
 * and, for a perturbative result, the target file it names (for the bare mass of its propagator).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { NnftError, isNnftError } from '../errors.js';
import type { CorrelatorResult } from '../io/result.js';
import { readJsonText } from '../io/read-json-text.js';
import { checkResultDocument } from '../io/check-result.js';
import { parseJsonSource } from '../schema/json-source.js';
import { parseSpec } from '../spec/load-spec.js';
import type { NnftSpec } from '../spec/spec.js';
import { loadTarget } from '../theory/load-target.js';
import type { Theory } from '../theory/theory.js';

export type ActionInput = { kind: 'spec'; spec: NnftSpec } | { kind: 'correlators'; result: CorrelatorResult };

/** Read the input and tell a spec from a result. */
export async function readActionInput(file: string, cwd: string): Promise<ActionInput> {
  const text = await readJsonText(resolve(cwd, file), file, 'input').catch((error: unknown) => {
    if (isNnftError(error) && error.code === 'E_FILE_NOT_FOUND') {
      throw new NnftError('E_FILE_NOT_FOUND', `${file} does not exist`, { file, hint: 'give a spec (examples/specs/) or a correlators file written by nnft estimate/target --json' });
    }
    throw error;
  });
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `invalid JSON${where}`, { file, issues: [{ ...parsed.issue, severity: 'error' }] });
  }
  const value = parsed.value as Record<string, unknown> | null;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject && 'nnftSpec' in value) return { kind: 'spec', spec: parseSpec(value, { file, locations: parsed.locations }) };
  if (isObject && 'nnftResult' in value) {
    if (parsed.duplicateKeys.length > 0) {
      throw new NnftError('E_SCHEMA', 'duplicate keys', { file, issues: parsed.duplicateKeys.map((issue) => ({ ...issue, severity: 'error' as const })), hint: 'each key may appear once in an object' });
    }
    // Ranges, lengths, indices within the points (src/io/check-result.ts), before any fit runs.
    return { kind: 'correlators', result: checkResultDocument(value, file, parsed.locations, { requiredOrders: [2, 4], completeTuples: true }) };
  }
  throw new NnftError('E_SCHEMA', `${file} is neither a spec nor a correlators file`, {
    file,
    issues: [{ path: '', message: 'expected an object with "nnftSpec": 1 (a spec) or "nnftResult": 1 (correlators)', severity: 'error' }],
    hint: 'give a spec (docs/ensemble.md) or the --json output of nnft estimate or nnft target',
  });
}

export function numberField(value: unknown, key: string): number | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

/**
 * The target a perturbative result names (its `theory.file`, resolved against the working directory
 * and then the result file's directory), if it is still there and unchanged (same sha256): its bare
 * mass is the propagator of first-order data (src/reconstruct/forward-fit-mass.ts).
 */
export async function namedTarget(result: CorrelatorResult, resultFile: string, cwd: string): Promise<{ theory?: Theory; from: string; unavailable?: string }> {
  const reference = result.theory as { file?: unknown; sha256?: unknown } | undefined;
  const named = typeof reference?.file === 'string' ? reference.file : undefined;
  if (named === undefined) return { from: 'none', unavailable: 'the result names no target file' };
  const candidates = isAbsolute(named) ? [named] : [...new Set([resolve(cwd, named), resolve(dirname(resolve(cwd, resultFile)), named)])];
  let why = `${named} was not found`;
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const { theory } = await loadTarget(path);
      if (typeof reference?.sha256 === 'string' && theory.source.sha256 !== reference.sha256) {
        why = `${named} has changed since the result was computed (sha256 differs)`;
        continue;
      }
      return { theory, from: named };
    } catch (error) {
      why = `${named} could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return { from: named, unavailable: why };
}
