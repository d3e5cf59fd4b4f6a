/**
 * A points file: the points an estimate or a reconstruction uses instead of a spec's (nnft estimate
 * --points, nnft action --points), as a bare list ([[0], [0.5]]) or an object with a "points" list,
 * checked against the input's dimension and the coordinate range of a target's points
 * (docs/target-format.md).
 */
import { resolve } from 'node:path';
import { NnftError, type InputIssue } from '../errors.js';
import { readJsonText } from './read-json-text.js';
import { parseJsonSource } from '../schema/json-source.js';

/** A points file's JSON (the shared reader: encodings, nesting depth, line:column for syntax errors). */
export async function readPointsDocument(absolutePath: string, file: string): Promise<unknown> {
  const parsed = parseJsonSource(await readJsonText(absolutePath, file, 'points file'));
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `points file ${file} is not valid JSON${where}`, {
      file,
      issues: [{ ...parsed.issue, severity: 'error' }],
      hint: 'a points file is JSON: a list of points ([[0], [0.5]]) or an object with a "points" list',
    });
  }
  return parsed.value;
}

/** Largest |coordinate| of a point (the range of observables.points in docs/target-format.md). */
export const MAX_COORDINATE = 1e4;

/** Most points a points file may list (the most a result holds, schema/result.schema.json). */
export const MAX_POINTS = 1000;
/** Non-zero coordinates below this in magnitude are refused (they underflow, as in a spec). */
const SMALLEST_COORDINATE = 1e-100;

const POINTS_HINT = 'a points file is JSON: a list of points ([[0], [0.5]]) or an object with a "points" list';

/**
 * The points of a points file's document, checked for a `dimension`-dimensional input: 1 to 1000
 * points, each a list of exactly d finite numbers within ±1e4 (0 or at least 1e-100 in magnitude).
 * Every problem is reported at its JSON path ("[1][0]" in a bare list, "points[1][0]" in an object).
 */
export function pointsFromDocument(document: unknown, file: string, dimension: number): number[][] {
  const wrapped = !Array.isArray(document);
  const points = wrapped ? (document as { points?: unknown } | null)?.points : document;
  const prefix = wrapped ? 'points' : '';
  const issues: InputIssue[] = [];
  const error = (path: string, message: string, hint: string) => issues.push({ path, message, hint, severity: 'error' });
  if (!Array.isArray(points)) {
    error(prefix, wrapped ? 'is missing: expected an object with a "points" list, or a bare list of points' : 'is not a list', POINTS_HINT);
  } else if (points.length === 0 || points.length > MAX_POINTS) {
    error(prefix, `has ${points.length} points; give 1 to ${MAX_POINTS}`, points.length === 0 ? 'list at least one point' : 'use fewer points (the correlators of every tuple are held in memory)');
  } else {
    points.forEach((point, i) => {
      const at = `${prefix}[${i}]`;
      if (!Array.isArray(point) || point.length !== dimension) {
        error(at, Array.isArray(point) ? `has ${point.length} coordinate${point.length === 1 ? '' : 's'}, but the input has d = ${dimension}` : 'is not a list of coordinates', `write every point as a list of ${dimension} number${dimension === 1 ? '' : 's'}, e.g. [${new Array(dimension).fill(0).join(', ')}]`);
        return;
      }
      point.forEach((value, j) => {
        const where = `${at}[${j}]`;
        if (typeof value !== 'number') error(where, `is ${JSON.stringify(value)}, not a number`, 'write the coordinate as a number, without quotes');
        else if (!Number.isFinite(value)) error(where, 'is not a finite number', 'numbers beyond about ±1.8e308 overflow a double; write a coordinate within ±1e4');
        else if (Math.abs(value) > MAX_COORDINATE) error(where, `is ${value}, outside ±${MAX_COORDINATE}`, `a coordinate lies from -${MAX_COORDINATE} to ${MAX_COORDINATE} (the range of a target's points)`);
        else if (value !== 0 && Math.abs(value) < SMALLEST_COORDINATE) error(where, `is ${value}, a non-zero number below ${SMALLEST_COORDINATE} in magnitude`, 'write 0, or a coordinate of sensible size');
      });
    });
  }
  if (issues.length > 0) {
    throw new NnftError('E_SCHEMA', `${file} does not hold a list of ${dimension}-dimensional points (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { file, issues: issues.slice(0, 20), hint: POINTS_HINT });
  }
  return points as number[][];
}

/** The points of the points file `file` (relative to `cwd`) for a `dimension`-dimensional input. */
export async function readPointsFile(file: string, cwd: string, dimension: number): Promise<number[][]> {
  return pointsFromDocument(await readPointsDocument(resolve(cwd, file), file), file, dimension);
}
