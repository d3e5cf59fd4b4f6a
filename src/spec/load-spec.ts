/**
 * Read and validate a spec: JSON syntax (line:column), the schema (every problem with its path and a
 * did-you-mean for unknown keys), then the rules a schema cannot express (point dimensions, cutoffs
 * the densities need). Errors are NnftErrors with issues; nothing here prints.
 */
import { readJsonText } from '../io/read-json-text.js';
import { resolve } from 'node:path';
import { NnftError, type InputIssue } from '../errors.js';
import { sortByPosition } from '../schema/ajv-issues.js';
import { parsePath } from '../schema/json-path.js';
import { parseJsonSource, type SourceLocations } from '../schema/json-source.js';
import { validateAgainstSchema } from '../schema/validate-against-schema.js';
import { normalisableWithoutCutoff } from '../architectures/alpha-momentum-density.js';
import type { NnftSpec } from './spec.js';

const SCHEMA_HINT = 'docs/ensemble.md describes the spec format; schema/spec.schema.json is the exact rule';

/** Smallest cos-net mass: that of a target (schema/target.schema.json). */
const MIN_SPEC_MASS = 1e-4;
/** Non-zero numbers smaller than this in magnitude are refused: they underflow to 0 or infinity in the sums. */
export const SMALLEST_NUMBER = 1e-100;

/** Subnormal and near-subnormal numbers anywhere in a document, at their paths. */
function checkTinyNumbers(value: unknown, path: string, issues: InputIssue[]): void {
  if (typeof value === 'number') {
    if (value !== 0 && Math.abs(value) < SMALLEST_NUMBER) {
      issues.push({ path, message: `is ${value}, a non-zero number below ${SMALLEST_NUMBER} in magnitude`, hint: 'write 0, or a number of sensible size', severity: 'error' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((element, index) => checkTinyNumbers(element, `${path}[${index}]`, issues));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) checkTinyNumbers(child, path === '' ? key : `${path}.${key}`, issues);
  }
}

/** Semantic checks; issues carry dotted paths. */
export function checkSpecSemantics(spec: NnftSpec): InputIssue[] {
  const issues: InputIssue[] = [];
  const error = (path: string, message: string, hint?: string) => issues.push({ path, message, severity: 'error', ...(hint ? { hint } : {}) });
  spec.observables.points.forEach((point, index) => {
    if (point.length !== spec.dimension) error(`observables.points[${index}]`, `has ${point.length} coordinates but dimension is ${spec.dimension}`);
  });
  (spec.estimation?.translations ?? []).forEach((offset, index) => {
    if (offset.length !== spec.dimension) error(`estimation.translations[${index}]`, `has ${offset.length} coordinates but dimension is ${spec.dimension}`);
  });
  checkTinyNumbers(spec, '', issues);
  const architecture = spec.architecture;
  if (architecture.kind === 'cos-net' && architecture.mass < MIN_SPEC_MASS) {
    error('architecture.mass', `is ${architecture.mass}, below ${MIN_SPEC_MASS} (a target's smallest mass, docs/target-format.md)`, 'give a mass from 1e-4 to 1e4');
  }
  if (architecture.kind === 'cos-net') {
    const alpha = architecture.alpha ?? 0;
    if (architecture.momentumCutoff === null && !normalisableWithoutCutoff(spec.dimension, alpha)) {
      error('architecture.momentumCutoff', `null is not allowed here: the alpha = ${alpha} momentum density needs a cutoff in d = ${spec.dimension}`, 'give a positive cutoff Lambda');
    }
    const sampling = architecture.momentumSampling ?? 'independent';
    if (sampling === 'stratified' && spec.dimension > 2) {
      error('architecture.momentumSampling', `"stratified" momenta exist in d = 1 and 2, not d = ${spec.dimension}`, spec.dimension === 3 ? 'use "quadrature" or "independent"' : 'use "independent"');
    }
    if (sampling === 'quadrature' && spec.dimension > 3) {
      error('architecture.momentumSampling', `"quadrature" momenta exist in d = 1, 2 and 3, not d = ${spec.dimension}`, 'use "independent"');
    }
    if (sampling === 'quadrature' && architecture.momentumCutoff === null) {
      error('architecture.momentumSampling', '"quadrature" momenta need a momentum cutoff (the nodes cannot reach |p| = infinity)', 'give architecture.momentumCutoff, or use "stratified"');
    }
    if (sampling === 'split' && (spec.dimension !== 1 || architecture.momentumCutoff !== null)) {
      error('architecture.momentumSampling', `"split" momenta exist in d = 1 without a momentum cutoff (this spec: d = ${spec.dimension}, cutoff ${architecture.momentumCutoff})`, architecture.momentumCutoff !== null ? 'use "quadrature" with a cutoff' : 'use "independent" or "stratified"');
    }
    if (sampling === 'split' && architecture.splitMomentum === undefined) {
      error('architecture.splitMomentum', 'is required with momentumSampling "split"', 'give the momentum below which neurons sit on fixed nodes (nnft design writes the deformation\'s mode cutoff)');
    }
    if (sampling === 'split' && architecture.width < 2) {
      error('architecture.width', 'must be at least 2 with momentumSampling "split" (one fixed node and one cell above the split)', 'raise the width');
    }
    if (sampling !== 'split' && architecture.splitMomentum !== undefined) {
      error('architecture.splitMomentum', `is only used with momentumSampling "split" (momentumSampling is "${sampling}")`, 'remove it or set momentumSampling to "split"');
    }
    if (architecture.boxMass !== undefined) {
      const pairs = architecture.amplitude?.law === 'kurtosis' && architecture.amplitude.kurtosis === 2;
      if (sampling !== 'split' || !pairs || architecture.sharedScale) {
        error('architecture.boxMass', 'is drawn into the law of fixed Gaussian nodes: it needs momentumSampling "split", amplitude law "kurtosis" with kurtosis 2, and no sharedScale', 'remove it and carry the mass term as a deformation term (power 2)');
      }
    }
    if (architecture.amplitude?.law === 'kurtosis' && architecture.amplitude.kurtosis === undefined) {
      error('architecture.amplitude.kurtosis', 'is required when law is "kurtosis"');
    }
    if (architecture.amplitude && architecture.amplitude.law !== 'kurtosis' && architecture.amplitude.kurtosis !== undefined) {
      error('architecture.amplitude.kurtosis', `is only used with law "kurtosis" (law is "${architecture.amplitude.law}")`);
    }
  }
  if (spec.deformation) {
    const cutoff = architecture.kind === 'cos-net' ? architecture.momentumCutoff : null;
    if (!spec.deformation.grid && cutoff === null && spec.deformation.resolvedMomentum === undefined && spec.deformation.modeCutoff === undefined) {
      error('deformation', 'the interaction grid needs a momentum to resolve', 'give deformation.grid, deformation.resolvedMomentum, deformation.modeCutoff, or a momentum cutoff');
    }
    spec.deformation.terms.forEach((term, index) => {
      if (term.kind === 'local' && term.wickPropagatorAtZero !== undefined && !term.wickOrdered) {
        error(`deformation.terms[${index}].wickPropagatorAtZero`, 'is only used when wickOrdered is true');
      }
    });
  }
  return issues;
}

function locate(issues: InputIssue[], locations: SourceLocations | undefined): InputIssue[] {
  if (!locations) return issues;
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const position = locations.locate(parsePath(issue.path));
    return position ? { ...issue, line: position.line, column: position.column } : issue;
  });
}

/** Validate an in-memory spec object. */
export function parseSpec(value: unknown, options: { file?: string; locations?: SourceLocations } = {}): NnftSpec {
  const schemaIssues = validateAgainstSchema('spec', value, { locations: options.locations });
  if (schemaIssues.length > 0) {
    throw new NnftError('E_SCHEMA', `not a valid spec (${schemaIssues.length} problem${schemaIssues.length === 1 ? '' : 's'})`, {
      file: options.file,
      issues: sortByPosition(schemaIssues),
      hint: SCHEMA_HINT,
    });
  }
  const spec = value as NnftSpec;
  const semanticIssues = locate(checkSpecSemantics(spec), options.locations);
  if (semanticIssues.length > 0) {
    throw new NnftError('E_SEMANTIC', `the spec cannot be used as written (${semanticIssues.length} problem${semanticIssues.length === 1 ? '' : 's'})`, {
      file: options.file,
      issues: sortByPosition(semanticIssues),
      hint: SCHEMA_HINT,
    });
  }
  return spec;
}

export function parseSpecText(text: string, file?: string): NnftSpec {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `invalid JSON${where}`, { file, issues: [{ ...parsed.issue, severity: 'error' }] });
  }
  if (parsed.duplicateKeys.length > 0) {
    throw new NnftError('E_SCHEMA', 'duplicate keys', { file, issues: parsed.duplicateKeys.map((issue) => ({ ...issue, severity: 'error' as const })) });
  }
  return parseSpec(parsed.value, { file, locations: parsed.locations });
}

/** Read a spec file; `path` is shown in messages as given and resolved against `cwd`. */
export async function loadSpec(path: string, options: { cwd?: string } = {}): Promise<NnftSpec> {
  const text = await readJsonText(resolve(options.cwd ?? process.cwd(), path), path, 'spec');
  return parseSpecText(text, path);
}
