/**
 * Expand a validated sweep into its points: resolve each parameter's values, combine them (grid
 * or list), apply them by JSON pointer to copies of the base target and options, and give each
 * point a stable id. Pure: no files, so it is easy to test and to call from other tools.
 */
import { NnftError, type InputIssue } from '../errors.js';
import { contentHash } from '../io/canonical-json.js';
import { formatPointer, getByPointer, parsePointer, setByPointer } from './json-pointer.js';
import { pointId, pointInputHash, pointSlug } from './point-id.js';
import { rangeValues } from './range.js';
import type { SweepFile } from './sweep-file.js';

export interface SweepParameter {
  name: string;
  /** Pointer into the point document { target, options }. */
  pointer: string;
  values: unknown[];
  /** How the values were given; plots use a log axis for log ranges. */
  scale: 'linear' | 'log' | 'values';
}

export interface SweepPointInputs {
  target: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface SweepPoint extends SweepPointInputs {
  /** Position in the deterministic expansion order (grid: first parameter slowest). */
  index: number;
  id: string;
  slug: string;
  /** The varied values by parameter name, in parameter order. */
  values: Record<string, unknown>;
  /** SHA-256 of the canonical { target, options }. */
  inputHash: string;
}

export interface SweepPlan {
  name: string;
  description: string;
  mode: 'grid' | 'list';
  parameters: SweepParameter[];
  points: SweepPoint[];
  /** groupBy: the varied parameters that separate independent fits. */
  extrapolate: { parameter: string; terms: 1 | 2; groupBy: string[] } | null;
  /** Hash of every point's inputs and the parameter definitions: shards of one sweep share it. */
  sweepHash: string;
}

function defaultName(pointer: string): string {
  const tokens = parsePointer(pointer);
  return (tokens[tokens.length - 1] ?? 'value').replace(/[^A-Za-z0-9._-]+/g, '-') || 'value';
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Combinations in deterministic order: grid is the cartesian product, first parameter slowest. */
function combinations(parameters: SweepParameter[], mode: 'grid' | 'list'): unknown[][] {
  if (mode === 'list') {
    const count = parameters[0]!.values.length;
    return Array.from({ length: count }, (_, k) => parameters.map((parameter) => parameter.values[k]));
  }
  let rows: unknown[][] = [[]];
  for (const parameter of parameters) {
    const next: unknown[][] = [];
    for (const row of rows) for (const value of parameter.values) next.push([...row, value]);
    rows = next;
  }
  return rows;
}

export function expandSweep(sweep: SweepFile, baseTarget: Record<string, unknown>): SweepPlan {
  const issues: InputIssue[] = [];
  const mode = sweep.vary.mode ?? 'grid';
  const baseOptions = clone(sweep.options ?? {});
  // "$schema" is an editor hint relative to the original file; it is meaningless in a point's copy.
  const target = clone(baseTarget);
  delete target.$schema;
  const baseDocument = { target, options: baseOptions };

  const parameters: SweepParameter[] = [];
  const names = new Map<string, number>();
  sweep.vary.parameters.forEach((spec, position) => {
    const path = `vary.parameters[${position}]`;
    const name = spec.name ?? defaultName(spec.pointer);
    if (names.has(name)) {
      issues.push({ path: `${path}.name`, message: `parameter name "${name}" is already used by vary.parameters[${names.get(name)}]`, hint: 'give each parameter a distinct "name"' });
    }
    names.set(name, position);
    const tokens = parsePointer(spec.pointer);
    if (tokens[0] === 'target') {
      const lookup = getByPointer(baseDocument, spec.pointer);
      if (!lookup.found) {
        issues.push({ path: `${path}.pointer`, message: `${spec.pointer} does not exist in the base target: ${lookup.reason}`, hint: 'a pointer into the target must name a field the base target file has' });
      }
    } else {
      const parent = getByPointer(baseDocument, formatPointer(tokens.slice(0, -1)));
      if (!parent.found || parent.value === null || typeof parent.value !== 'object') {
        issues.push({ path: `${path}.pointer`, message: `${spec.pointer}: its parent does not exist in the base options` });
      }
    }
    let values: unknown[] = [];
    if ((spec.values === undefined) === (spec.range === undefined)) {
      issues.push({ path, message: spec.values === undefined ? 'needs "values" or "range"' : 'has both "values" and "range"', hint: 'give exactly one of them' });
      parameters.push({ name, pointer: spec.pointer, values: [], scale: 'values' });
      return;
    }
    try {
      values = spec.values ? clone(spec.values) : rangeValues(spec.range!, `${path}.range`);
    } catch (error) {
      if (error instanceof NnftError) issues.push(...error.issues);
      else throw error;
    }
    parameters.push({ name, pointer: spec.pointer, values, scale: spec.values ? 'values' : (spec.range!.scale ?? 'linear') });
  });

  if (mode === 'list') {
    const counts = parameters.map((parameter) => parameter.values.length);
    if (new Set(counts).size > 1) {
      issues.push({ path: 'vary.parameters', message: `list mode zips the parameters, but they have ${counts.join(', ')} values`, hint: 'give every parameter the same number of values, or use "mode": "grid"' });
    }
  }

  let extrapolate: SweepPlan['extrapolate'] = null;
  if (sweep.extrapolate) {
    const parameter = parameters.find((candidate) => candidate.name === sweep.extrapolate!.parameter);
    if (!parameter) {
      issues.push({ path: 'extrapolate.parameter', message: `"${sweep.extrapolate.parameter}" is not a varied parameter`, hint: `varied parameters: ${parameters.map((p) => p.name).join(', ')}` });
    } else {
      const bad = parameter.values.filter((value) => !(typeof value === 'number' && value > 0));
      if (bad.length) issues.push({ path: 'extrapolate.parameter', message: `extrapolation in 1/N needs positive numeric widths, got ${JSON.stringify(bad[0])}` });
      const terms = sweep.extrapolate.terms ?? 1;
      const distinct = new Set(parameter.values).size;
      if (distinct < terms + 1) issues.push({ path: 'extrapolate.terms', message: `fitting ${terms + 1} coefficients needs at least ${terms + 1} distinct widths, the sweep has ${distinct}` });
    }
    const others = parameters.map((candidate) => candidate.name).filter((name) => name !== sweep.extrapolate!.parameter);
    const groupBy = sweep.extrapolate.groupBy ?? (mode === 'grid' ? others : []);
    groupBy.forEach((name, position) => {
      if (!others.includes(name)) {
        issues.push({ path: `extrapolate.groupBy[${position}]`, message: `"${name}" is not one of the other varied parameters`, hint: others.length ? `choose from: ${others.join(', ')}` : 'the sweep varies no other parameter' });
      }
    });
    extrapolate = { parameter: sweep.extrapolate.parameter, terms: sweep.extrapolate.terms ?? 1, groupBy };
  }

  if (issues.length) {
    throw new NnftError('E_SEMANTIC', `sweep "${sweep.name}" cannot be expanded (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { issues });
  }

  const points: SweepPoint[] = [];
  const seen = new Map<string, number>();
  combinations(parameters, mode).forEach((row, index) => {
    const document = clone(baseDocument);
    const values: Record<string, unknown> = {};
    parameters.forEach((parameter, position) => {
      setByPointer(document, parameter.pointer, clone(row[position]));
      values[parameter.name] = row[position];
    });
    const inputHash = pointInputHash(document);
    const slug = pointSlug(values);
    const id = pointId(slug, inputHash);
    if (seen.has(inputHash)) {
      issues.push({ path: 'vary.parameters', message: `points ${seen.get(inputHash)} and ${index} have identical inputs (${slug})`, hint: 'remove the repeated value' });
    }
    seen.set(inputHash, index);
    points.push({ index, id, slug, values, target: document.target, options: document.options, inputHash });
  });
  if (issues.length) throw new NnftError('E_SEMANTIC', `sweep "${sweep.name}" has repeated points`, { issues });

  const sweepHash = contentHash({
    parameters: parameters.map(({ name, pointer }) => ({ name, pointer })),
    points: points.map((point) => point.inputHash),
    extrapolate,
  });
  return { name: sweep.name, description: sweep.description ?? '', mode, parameters, points, extrapolate, sweepHash };
}
