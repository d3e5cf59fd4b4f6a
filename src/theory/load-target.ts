/**
 * Read a target file, validate it (JSON syntax, schema, semantics) and normalise it into an
 * immutable Theory. Problems come back as one NnftError per stage with every issue of that stage:
 * E_FILE_NOT_FOUND / E_FILE_READ, E_JSON_SYNTAX (with line:column), E_SCHEMA (paths, did-you-mean),
 * E_SEMANTIC (rules the schema cannot express). Warnings travel beside a valid Theory.
 *
 * The file name in errors and in theory.source.file is the path exactly as the caller gave it, so
 * messages never contain absolute paths the caller did not write.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { NnftError, type InputIssue } from '../errors.js';
import { decodeJsonBytes, parseJsonSource, type SourceLocations } from '../schema/json-source.js';
import { parsePath } from '../schema/json-path.js';
import { sortByPosition } from '../schema/ajv-issues.js';
import { validateAgainstSchema } from '../schema/validate-against-schema.js';
import type { DataCorrelatorBlock, Theory } from './theory.js';
import type { RawCorrelatorBlock, RawTarget } from './raw-target.js';
import { normaliseCorrelatorBlocks, normaliseTarget } from './normalise-target.js';
import { checkCorrelatorBlocks, checkSemantics } from './check-semantics.js';
import { deepFreeze } from './deep-freeze.js';
import { contentHash } from '../io/canonical-json.js';

export interface LoadedTarget {
  theory: Theory;
  /** Problems that do not stop the run (e.g. an unrenormalised phi^4 term in d >= 2). */
  warnings: InputIssue[];
}

export interface LoadTargetOptions {
  /** Directory relative paths are resolved against (default: the process's working directory). */
  cwd?: string;
}

const SYNTAX_HINT = 'JSON needs double-quoted keys and strings, commas between members, and no trailing commas or comments';
const SCHEMA_HINT = 'docs/target-format.md describes every key; schema/target.schema.json is the exact rule';

interface ReadResult {
  text: string;
  sha256: string;
}

async function readTextFile(absolutePath: string, shownAs: string, what: string): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NnftError('E_FILE_NOT_FOUND', `the ${what} does not exist`, {
        file: shownAs,
        hint: 'check the path; a relative path is read from the current directory',
      });
    }
    if (code === 'EISDIR') throw new NnftError('E_FILE_READ', `a directory, not a ${what}`, { file: shownAs, hint: 'name a .json file' });
    throw new NnftError('E_FILE_READ', `the ${what} cannot be read (${code ?? 'unknown error'})`, { file: shownAs, cause: error });
  }
  const decoded = decodeJsonBytes(bytes);
  if (!decoded.ok) {
    throw new NnftError('E_JSON_SYNTAX', decoded.issue.message.startsWith('the file is not valid') ? 'not UTF-8 text' : decoded.issue.message.replace(/^the file is /, 'not UTF-8: '), {
      file: shownAs,
      issues: [{ path: decoded.issue.path, message: decoded.issue.message, line: decoded.issue.line, column: decoded.issue.column, severity: 'error' }],
      hint: decoded.issue.hint,
    });
  }
  const text = decoded.text;
  return { text, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function withPositions(issues: InputIssue[], locations: SourceLocations): InputIssue[] {
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const position = locations.locate(parsePath(issue.path));
    return position ? { ...issue, line: position.line, column: position.column } : issue;
  });
}

/**
 * Validate target text that was read from `file` (used for messages and provenance only) and
 * return the frozen Theory with its warnings; throws NnftError at the first failing stage.
 * A data file named by method "data" is not read here (loadTarget reads it).
 */
export function parseTargetText(text: string, source: { file: string | null; sha256: string | null }): LoadedTarget {
  const loaded = parseUnfrozen(text, source);
  return { theory: deepFreeze(loaded.theory), warnings: loaded.warnings };
}

function parseUnfrozen(text: string, source: { file: string | null; sha256: string | null }): LoadedTarget & { locations: SourceLocations } {
  const file = source.file ?? undefined;
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `invalid JSON${where}`, { file, issues: [{ ...parsed.issue, severity: 'error' }], hint: SYNTAX_HINT });
  }
  const checked = checkTargetDocument(parsed.value, source, parsed.locations, parsed.duplicateKeys);
  return { ...checked, locations: parsed.locations };
}

/**
 * Schema, normalisation and semantics of a parsed target document. `locations` (from the source
 * text) puts line:column on the issues; a document given as an object has none.
 */
function checkTargetDocument(document: unknown, source: { file: string | null; sha256: string | null }, locations: SourceLocations | null, duplicateKeys: readonly InputIssue[] = []): LoadedTarget {
  const file = source.file ?? undefined;
  const what = source.file !== null ? 'target file' : 'target';
  const otherFormat = recogniseOtherFormat(document);
  if (otherFormat) {
    throw new NnftError('E_SCHEMA', `not a ${what}: it is an nnft ${otherFormat.kind}`, {
      file,
      issues: [{ path: otherFormat.key, message: `marks an nnft ${otherFormat.kind}, not a target (a target starts with "nnftTarget": 1)`, severity: 'error', ...locations?.locate([otherFormat.key]) }],
      hint: otherFormat.hint,
    });
  }
  const schemaIssues = sortByPosition([
    ...duplicateKeys.map((issue) => ({ ...issue, severity: 'error' as const })),
    ...validateAgainstSchema('target', document, locations ? { locations } : {}),
  ]);
  if (schemaIssues.length > 0) {
    throw new NnftError('E_SCHEMA', `not a valid ${what} (${countProblems(schemaIssues)})`, { file, issues: schemaIssues, hint: SCHEMA_HINT });
  }
  const theory = normaliseTarget(document as RawTarget, source);
  const semantic = checkSemantics(theory, document);
  const issues = sortByPosition(locations ? withPositions(semantic, locations) : semantic);
  failOnErrors(issues, file);
  return { theory, warnings: issues };
}

/** Other nnft formats people hand to `validate` by mistake, recognised by their version key. */
const OTHER_FORMATS: Record<string, { kind: string; hint: string }> = {
  nnftSpec: { kind: 'architecture spec', hint: 'a spec is checked by the commands that read specs (e.g. nnft estimate); nnft validate reads targets' },
  nnftSweep: { kind: 'sweep file', hint: 'a sweep is checked by the sweep command; nnft validate reads targets' },
  nnftResult: { kind: 'result', hint: 'results are outputs; a target file describes the theory (see docs/target-format.md)' },
};

function recogniseOtherFormat(document: unknown): { key: string; kind: string; hint: string } | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document) || 'nnftTarget' in document) return undefined;
  const key = Object.keys(OTHER_FORMATS).find((candidate) => candidate in document);
  return key ? { key, ...OTHER_FORMATS[key]! } : undefined;
}

function countProblems(issues: readonly InputIssue[]): string {
  const errors = issues.filter((issue) => issue.severity !== 'warning').length;
  const warnings = issues.length - errors;
  const parts = [`${errors} problem${errors === 1 ? '' : 's'}`];
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function failOnErrors(issues: InputIssue[], file: string | undefined): void {
  if (issues.some((issue) => issue.severity !== 'warning')) {
    throw new NnftError('E_SEMANTIC', `the target cannot be used as written (${countProblems(issues)})`, {
      file,
      issues,
      hint: 'fix the problems marked ✖; docs/target-format.md explains each rule',
    });
  }
}

/**
 * Read the correlators of method "data" from a separate file: an object with a `correlators` list
 * of blocks (the result shape), optionally with `points`, which must then equal the target's.
 */
async function loadDataFile(theory: Theory, targetPath: string, relativeName: string): Promise<{ blocks: DataCorrelatorBlock[]; issues: InputIssue[] }> {
  const at = 'targetCorrelators.file';
  const fail = (message: string, hint?: string) => ({ blocks: [], issues: [{ path: at, message, ...(hint ? { hint } : {}), severity: 'error' as const }] });
  let read: ReadResult;
  try {
    read = await readTextFile(resolve(dirname(targetPath), relativeName), relativeName, 'data file');
  } catch (error) {
    if (error instanceof NnftError) return fail(`names ${relativeName}, which cannot be used: ${error.message}`, 'the path is relative to the target file');
    throw error;
  }
  const parsed = parseJsonSource(read.text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    return fail(`${relativeName} is not valid JSON${where}: ${parsed.issue.message}`, parsed.issue.hint);
  }
  const document = parsed.value as Record<string, unknown>;
  if (document === null || typeof document !== 'object' || Array.isArray(document) || !Array.isArray(document.correlators)) {
    return fail(`${relativeName} must be an object with a "correlators" list (the result shape of nnft target --json)`);
  }
  const issues: InputIssue[] = [];
  document.correlators.forEach((block, index) => {
    for (const issue of validateAgainstSchema('target', block, { definition: 'correlatorBlock' })) {
      issues.push({ path: at, message: `${relativeName}: correlators[${index}]${issue.path ? `.${issue.path}` : ''} ${issue.message}`, severity: 'error' });
    }
  });
  if (document.points !== undefined && JSON.stringify(document.points) !== JSON.stringify(theory.points)) {
    issues.push({
      path: at,
      message: `${relativeName}: its "points" differ from observables.points, so its correlators belong to other points`,
      hint: 'use the same points in the same order, or remove "points" from the data file',
      severity: 'error',
    });
  }
  if (issues.length > 0) return { blocks: [], issues };
  const blocks = normaliseCorrelatorBlocks(document.correlators as RawCorrelatorBlock[]);
  return { blocks, issues: checkCorrelatorBlocks(blocks, theory, { pathPrefix: at, inFile: relativeName }) };
}

export async function loadTarget(file: string, options: LoadTargetOptions = {}): Promise<LoadedTarget> {
  const absolutePath = resolve(options.cwd ?? process.cwd(), file);
  const read = await readTextFile(absolutePath, file, 'target file');
  return loadTargetText(read.text, { file, sha256: read.sha256, absolutePath });
}

/**
 * Validate target text exactly as loadTarget does, including a data file named by method "data"
 * (resolved against `absolutePath`'s directory). A sweep checks each point's target with it before
 * anything is written (src/sweep/check-point.ts).
 */
export async function loadTargetText(text: string, source: { file: string; sha256: string | null; absolutePath: string }): Promise<LoadedTarget> {
  const { file, absolutePath } = source;
  const loaded = parseUnfrozen(text, { file, sha256: source.sha256 });
  return withDataFile(loaded, file, absolutePath, loaded.locations);
}

export interface LoadTargetObjectOptions {
  /** Names the target in errors and in theory.source.file (default null: a target given as data). */
  file?: string | null;
  /** The target's sha256 for provenance (default: the SHA-256 of its canonical JSON, io/canonical-json.ts). */
  sha256?: string | null;
  /** Directory a data file named by method "data" is read from (default: the process's working directory). */
  cwd?: string;
}

/**
 * Validate a target given as a plain object (the document a target file holds: "nnftTarget": 1,
 * ...) exactly as loadTarget validates a file (schema, semantics, a data file named by method
 * "data"), without line:column positions, and return the frozen Theory with its warnings.
 */
export async function loadTargetObject(document: unknown, options: LoadTargetObjectOptions = {}): Promise<LoadedTarget> {
  const file = options.file ?? null;
  let sha256 = options.sha256;
  if (sha256 === undefined) {
    try {
      sha256 = contentHash(document);
    } catch {
      sha256 = null; // not plain JSON (a non-finite number): the schema check below names the value
    }
  }
  const loaded = checkTargetDocument(document, { file, sha256 }, null);
  return withDataFile(loaded, file ?? undefined, resolve(options.cwd ?? process.cwd(), 'target.json'), null);
}

/** Read the data file a "data" target names (relative to `targetPath`'s directory), then freeze. */
async function withDataFile(loaded: LoadedTarget, file: string | undefined, targetPath: string, locations: SourceLocations | null): Promise<LoadedTarget> {
  let theory = loaded.theory;
  const settings = theory.targetCorrelators;
  const dataFile = settings.method === 'data' ? (settings.options as { file?: string }).file : undefined;
  if (dataFile !== undefined) {
    const data = await loadDataFile(theory, targetPath, dataFile);
    const all = [...loaded.warnings, ...data.issues];
    const issues = sortByPosition(locations ? withPositions(all, locations) : all);
    failOnErrors(issues, file);
    theory = { ...theory, targetCorrelators: { method: 'data', options: { file: dataFile, correlators: data.blocks } } };
  }
  return { theory: deepFreeze(theory), warnings: loaded.warnings };
}
