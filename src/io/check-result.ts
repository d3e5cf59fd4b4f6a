/**
 * Read back a result (the contract of schema/result.schema.json) that a user hands to a command:
 * `nnft action <correlators.json>`, `nnft report` (a run's result.json). Nothing in it is trusted:
 * the schema bounds every number (values and standard errors within 1e100, coordinates within 1e4,
 * point indices 0 to 999), and the rules here check what a schema cannot say: one value, one standard
 * error and one replicate row per index tuple, tuples of the block's order whose indices name points
 * that exist, points of one dimension, no standard error so small that its weight 1/stderr^2
 * overflows, G2 at coincident points (a variance) positive. Every problem is reported at its JSON path, with the file named (exit 2).
 */
import { NnftError, type InputIssue } from '../errors.js';
import { sortByPosition } from '../schema/ajv-issues.js';
import { parsePath } from '../schema/json-path.js';
import { parseJsonSource, type SourceLocations } from '../schema/json-source.js';
import { validateAgainstSchema } from '../schema/validate-against-schema.js';
import { indexTuples, type CorrelatorResult } from './result.js';

/** Largest |value|, standard error or replicate of a correlator (schema/result.schema.json). */
export const MAX_CORRELATOR_MAGNITUDE = 1e100;
/** Smallest non-zero standard error: below it 1/stderr^2 overflows a double in the weighted fits. */
export const SMALLEST_STDERR = 1e-100;
/** Most index tuples of one block whose completeness is checked (they are generated to compare). */
const MAX_CHECKED_TUPLES = 10_000_000;

const RESULT_HINT = 'schema/result.schema.json states every range; nnft target --json and nnft estimate --json write this format';

export interface ResultCheckOptions {
  /** Orders that must have a block (nnft action: 2 and 4). */
  requiredOrders?: readonly number[];
  /** Every non-decreasing tuple of the points must be listed, in lexicographic order (nnft action). */
  completeTuples?: boolean;
}

/** Number of non-decreasing tuples of length k over n points: C(n + k - 1, k). */
function tupleCount(points: number, order: number): number {
  let count = 1;
  for (let i = 1; i <= order; i++) count = (count * (points + i - 1)) / i;
  return Math.round(count);
}

/**
 * Problems of a result that passed the schema, at dotted paths under `prefix` ("" for the file's
 * root; "target." and "achieved." for the nested results of a design).
 */
export function resultIssues(result: CorrelatorResult, options: ResultCheckOptions = {}, prefix = ''): InputIssue[] {
  const issues: InputIssue[] = [];
  const error = (path: string, message: string, hint?: string) => issues.push({ path: `${prefix}${path}`, message, severity: 'error', ...(hint ? { hint } : {}) });
  const size = result.points.length;
  if (size === 0) error('points', 'is empty', 'list the points the correlators were evaluated at');
  const dimension = result.points[0]?.length ?? 0;
  result.points.forEach((point, index) => {
    if (point.length !== dimension) error(`points[${index}]`, `has ${point.length} coordinate${point.length === 1 ? '' : 's'}, points[0] has ${dimension}`, 'every point needs the same number of coordinates (the dimension d)');
  });
  for (const order of options.requiredOrders ?? []) {
    if (!result.correlators.some((block) => block.order === order)) error('correlators', `has no order-${order} block`, 'the reconstruction needs G_c2 and G_c4 (and uses G_c6 when present)');
  }
  result.correlators.forEach((block, position) => {
    const path = `correlators[${position}]`;
    if (result.correlators.findIndex((other) => other.order === block.order) !== position) error(`${path}.order`, `is a second order-${block.order} block`, 'give one block per order');
    let tuplesOk = true;
    block.indices.forEach((tuple, k) => {
      if (tuple.length !== block.order) {
        tuplesOk = false;
        error(`${path}.indices[${k}]`, `has ${tuple.length} ind${tuple.length === 1 ? 'ex' : 'ices'}; an order-${block.order} tuple has ${block.order}`, `write ${block.order} point indices per tuple`);
        return;
      }
      tuple.forEach((index, axis) => {
        if (index >= size) {
          tuplesOk = false;
          error(`${path}.indices[${k}][${axis}]`, `is ${index}, but there ${size === 1 ? 'is 1 point' : `are ${size} points`} (indices 0 to ${size - 1})`, 'an index counts from 0 into "points"; add the point or correct the index');
        }
      });
    });
    if (tuplesOk && options.completeTuples) {
      const count = tupleCount(size, block.order);
      if (count > MAX_CHECKED_TUPLES) {
        error(`${path}.indices`, `${size} points need ${count.toExponential(1)} order-${block.order} tuples, more than ${MAX_CHECKED_TUPLES}`, 'use fewer points');
      } else if (block.indices.length !== count) {
        error(`${path}.indices`, `has ${block.indices.length} tuples; ${size} points need ${count} (every non-decreasing tuple)`, 'list every non-decreasing tuple of the points in lexicographic order, as nnft target --json writes them');
      } else {
        const expected = indexTuples(size, block.order);
        const wrong = block.indices.findIndex((tuple, k) => tuple.some((value, axis) => value !== expected[k]![axis]));
        if (wrong >= 0) error(`${path}.indices[${wrong}]`, `is [${block.indices[wrong]!.join(', ')}], expected [${expected[wrong]!.join(', ')}]`, 'tuples are non-decreasing and in lexicographic order, as nnft target --json writes them');
      }
    }
    const tuples = block.indices.length;
    if (block.values.length !== tuples) error(`${path}.values`, `has ${block.values.length} value${block.values.length === 1 ? '' : 's'} for ${tuples} tuple${tuples === 1 ? '' : 's'}`, 'give one value per index tuple, in the order of "indices"');
    if (block.stderr.length !== tuples) error(`${path}.stderr`, `has ${block.stderr.length} error${block.stderr.length === 1 ? '' : 's'} for ${tuples} tuple${tuples === 1 ? '' : 's'}`, 'give one standard error per index tuple (0 for an exact value)');
    if (block.order === 2) {
      // G2(x, x) = <phi(x)^2> is positive for any field that is not identically zero; zero or below is a
      // slip (a sign, a column of zeros), and divided by downstream (amputation, one-loop estimates).
      block.indices.forEach((tuple, k) => {
        const value = block.values[k];
        if (tuple.length === 2 && tuple[0] === tuple[1] && typeof value === 'number' && !(value > 0)) {
          error(`${path}.values[${k}]`, `is ${value}, but G2(x, x) = <phi(x)^2> at coincident points [${tuple.join(', ')}] must be > 0`, 'check the sign and the column: a two-point function at coincident points is a variance');
        }
      });
    }
    block.stderr.forEach((value, k) => {
      if (value !== 0 && value < SMALLEST_STDERR) error(`${path}.stderr[${k}]`, `is ${value}, a non-zero standard error below ${SMALLEST_STDERR} (its weight 1/stderr² overflows)`, 'write 0 for an exact value, or the error itself');
    });
    if (block.replicates !== undefined) {
      if (block.replicates.length !== tuples) {
        error(`${path}.replicates`, `has ${block.replicates.length} row${block.replicates.length === 1 ? '' : 's'} for ${tuples} value${tuples === 1 ? '' : 's'}`, 'give one row of jackknife replicates per value, or leave "replicates" out');
      } else {
        const batches = block.replicates[0]?.length ?? 0;
        block.replicates.forEach((row, k) => {
          if (row.length !== batches) error(`${path}.replicates[${k}]`, `has ${row.length} replicates, replicates[0] has ${batches}`, 'every value needs one replicate per batch');
        });
        if (tuples > 0 && batches < 2) error(`${path}.replicates[0]`, `has ${batches} replicate${batches === 1 ? '' : 's'}; a jackknife needs at least 2 batches`, 'leave "replicates" out, or give every batch');
      }
    }
  });
  const record = result as Record<string, unknown>;
  for (const nested of ['target', 'achieved'] as const) {
    const value = record[nested];
    if (value !== null && typeof value === 'object' && Array.isArray((value as CorrelatorResult).correlators)) {
      issues.push(...resultIssues(value as CorrelatorResult, {}, `${prefix}${nested}.`));
    }
  }
  return issues;
}

function located(issues: InputIssue[], locations: SourceLocations | undefined): InputIssue[] {
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const position = locations?.locate(parsePath(issue.path));
    return position ? { ...issue, line: position.line, column: position.column } : issue;
  });
}

/**
 * Check a parsed result document against the schema and the rules above; throws an NnftError naming
 * `file` (E_SCHEMA for the schema, E_SEMANTIC for the rest), each issue at its JSON path.
 */
export function checkResultDocument(value: unknown, file: string, locations: SourceLocations | undefined, options: ResultCheckOptions = {}): CorrelatorResult {
  const schemaIssues = validateAgainstSchema('result', value, { locations });
  if (schemaIssues.length > 0) {
    throw new NnftError('E_SCHEMA', `not a valid correlators file (${schemaIssues.length} problem${schemaIssues.length === 1 ? '' : 's'})`, { file, issues: sortByPosition(schemaIssues), hint: RESULT_HINT });
  }
  const result = value as CorrelatorResult;
  const issues = resultIssues(result, options);
  if (issues.length > 0) {
    throw new NnftError('E_SEMANTIC', `the correlators cannot be used as written (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { file, issues: sortByPosition(located(issues, locations)), hint: RESULT_HINT });
  }
  return result;
}

/** Parse result text read from `file` and check it (checkResultDocument); syntax errors name line:column. */
export function parseResultText(text: string, file: string, options: ResultCheckOptions = {}): CorrelatorResult {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `invalid JSON${where}`, { file, issues: [{ ...parsed.issue, severity: 'error' }], hint: 'a result file is the --json output of nnft target, nnft estimate or nnft design (result.json)' });
  }
  if (parsed.duplicateKeys.length > 0) {
    throw new NnftError('E_SCHEMA', 'duplicate keys', { file, issues: parsed.duplicateKeys.map((issue) => ({ ...issue, severity: 'error' as const })), hint: 'each key may appear once in an object' });
  }
  return checkResultDocument(parsed.value, file, parsed.locations, options);
}
