/**
 * The points nnft action estimates a spec's correlators on: --grid a,b,step, --points x1,x2,... or a
 * points file, else the default row of min(8, 2N) points (docs/reconstruct.md).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { NnftError } from '../errors.js';
import { MAX_COORDINATE, pointsFromDocument, readPointsDocument } from '../io/points-file.js';

/** Most points of the default row (amputation costs O(M^5) and needs width >> M). */
export const DEFAULT_ROW_POINTS = 8;

function usage(message: string, hint?: string): NnftError {
  return new NnftError('E_USAGE', message, hint ? { hint } : {});
}

function parseNumberList(text: string, option: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  if (parts.length === 0 || parts.some((part) => part === '') || values.some((value) => !(Math.abs(value) <= MAX_COORDINATE))) {
    throw usage(`${option} ${JSON.stringify(text)} is not a comma-separated list of numbers within ±${MAX_COORDINATE}`, option === '--grid' ? 'write --grid a,b,step, e.g. --grid=-1.75,1.75,0.5' : 'write --points x1,x2,... (d = 1) or --points file.json');
  }
  return values;
}

/** --grid a,b,step: a, a + step, ... up to b (along the first axis when d > 1). */
export function gridPoints(text: string, dimension: number): number[][] {
  const values = parseNumberList(text, '--grid');
  if (values.length !== 3) throw usage(`--grid takes three numbers a,b,step, got ${values.length}`, 'for explicit points use --points x1,x2,... or --points file.json');
  const [start, end, step] = values as [number, number, number];
  if (!(step > 0) || !(end > start)) throw usage(`--grid ${text}: need a < b and step > 0`);
  const count = Math.floor((end - start) / step + 1e-9) + 1;
  if (count > 1000) throw usage(`--grid ${text} makes ${count} points`, 'use a coarser step');
  return Array.from({ length: count }, (_, i) => [start + i * step, ...new Array(dimension - 1).fill(0)]);
}

export async function explicitPoints(text: string, dimension: number, cwd: string): Promise<number[][]> {
  const path = resolve(cwd, text);
  if (text.endsWith('.json') || existsSync(path)) {
    return pointsFromDocument(await readPointsDocument(path, text), text, dimension);
  }
  if (dimension !== 1) throw usage(`--points x1,x2,... is for d = 1; this input has d = ${dimension}`, 'give a JSON file with the points');
  return parseNumberList(text, '--points').map((x) => [x]);
}

/**
 * The default row: min(8, 2N) points spaced 0.5/m along the first axis, symmetric about 0 (the centre
 * of the interaction box, so the points sit as far from its edges as they can: the forward fits assume
 * V = R).
 */
export function defaultPoints(dimension: number, width: number, mass: number): number[][] {
  const count = Math.min(DEFAULT_ROW_POINTS, 2 * width);
  const spacing = 0.5 / mass;
  const first = -(count - 1) / 2;
  return Array.from({ length: count }, (_, i) => [(first + i) * spacing, ...new Array(dimension - 1).fill(0)]);
}
