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
import { MAX_BRILLOUIN_MODES } from '../architectures/lattice-cos-net.js';
import type { CosNetSpec, NnftSpec } from './spec.js';
import { MAX_TUPLES } from '../theory/check-semantics.js';

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
  // The index tuples an estimate holds, as for a target (docs/target-format.md): 64 points at order 6
  // are 1.2e8 tuples and ran the heap out ("FATAL ERROR: ... JavaScript heap out of memory").
  for (const order of spec.observables.connected) {
    let tuples = 1;
    for (let step = 1; step <= order; step++) tuples = (tuples * (spec.observables.points.length + step - 1)) / step;
    if (tuples > MAX_TUPLES) {
      error('observables.points', `${spec.observables.points.length} points give ${tuples.toExponential(2)} index tuples at order ${order}, more than the ${MAX_TUPLES.toExponential(0)} nnft holds in memory`, 'use fewer points, or drop the highest order from observables.connected');
    }
  }
  const architecture = spec.architecture;
  if (architecture.kind === 'cos-net' && architecture.mass < MIN_SPEC_MASS) {
    error('architecture.mass', `is ${architecture.mass}, below ${MIN_SPEC_MASS} (a target's smallest mass, docs/target-format.md)`, 'give a mass from 1e-4 to 1e4');
  }
  if (architecture.kind === 'cos-net') {
    const alpha = architecture.alpha ?? 0;
    if (architecture.momentumCutoff === null && architecture.momentumSampling !== 'lattice' && !normalisableWithoutCutoff(spec.dimension, alpha)) {
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
    checkLatticeArchitecture(spec, architecture, error);
    if (architecture.amplitude?.law === 'kurtosis' && architecture.amplitude.kurtosis === undefined) {
      error('architecture.amplitude.kurtosis', 'is required when law is "kurtosis"');
    }
    if (architecture.amplitude && architecture.amplitude.law !== 'kurtosis' && architecture.amplitude.kurtosis !== undefined) {
      error('architecture.amplitude.kurtosis', `is only used with law "kurtosis" (law is "${architecture.amplitude.law}")`);
    }
  }
  if (spec.deformation) {
    const cutoff = architecture.kind === 'cos-net' ? architecture.momentumCutoff : null;
    const onLattice = spec.deformation.region.kind === 'lattice';
    if (onLattice) checkLatticeDeformation(spec, error);
    else if (architecture.kind === 'cos-net' && architecture.momentumSampling === 'lattice') {
      error('deformation.region', 'is a box, but the lattice cos-net\'s field is a lattice field: its interaction is the sum over the lattice\'s sites', 'write "region": {"kind": "lattice"}');
    }
    if (!onLattice && !spec.deformation.grid && cutoff === null && spec.deformation.resolvedMomentum === undefined && spec.deformation.modeCutoff === undefined) {
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

type IssueSink = (path: string, message: string, hint?: string) => void;

/** Is the number an integer multiple of the spacing (to 1e-9 of a step)? */
const onSite = (coordinate: number, spacing: number): boolean => Math.abs(coordinate / spacing - Math.round(coordinate / spacing)) <= 1e-9;

/**
 * momentumSampling "lattice" (docs/ensemble.md, "Lattice momenta"): the lattice given, the rest of the
 * cos-net's options those of the alpha = 0 construction, and every point and translation on its sites.
 */
function checkLatticeArchitecture(spec: NnftSpec, architecture: CosNetSpec, error: IssueSink): void {
  const lattice = architecture.lattice;
  if (architecture.momentumSampling !== 'lattice') {
    if (lattice !== undefined) error('architecture.lattice', `is only used with momentumSampling "lattice" (momentumSampling is "${architecture.momentumSampling ?? 'independent'}")`, 'remove it or set momentumSampling to "lattice"');
    return;
  }
  if (lattice === undefined) {
    error('architecture.lattice', 'is required with momentumSampling "lattice"', 'give {"spacing": a, "sites": L}, the target\'s regulator.lattice');
    return;
  }
  if (architecture.momentumCutoff !== null) {
    error('architecture.momentumCutoff', `is ${architecture.momentumCutoff}, but lattice momenta lie on the Brillouin zone |p_mu| <= pi/a = ${Math.PI / lattice.spacing}: no second cutoff`, 'set "momentumCutoff": null');
  }
  if ((architecture.alpha ?? 0) !== 0) error('architecture.alpha', `is ${architecture.alpha}, but lattice momenta exist for alpha = 0 only (P(k) ∝ 1/(m^2 + p_lat^2), constant amplitude)`, 'remove alpha');
  if (architecture.sharedScale) error('architecture.sharedScale', 'is not available with momentumSampling "lattice"', 'remove it');
  const { spacing, sites } = lattice;
  if ((sites & (sites - 1)) !== 0) {
    error('architecture.lattice.sites', `${sites} is not a power of two (the lattice targets' rule, docs/target-format.md)`, `use ${2 ** Math.round(Math.log2(sites))}`);
  } else if (sites ** spec.dimension > MAX_BRILLOUIN_MODES) {
    error('architecture.lattice.sites', `${sites}^${spec.dimension} = ${sites ** spec.dimension} Brillouin-zone modes is more than the ${MAX_BRILLOUIN_MODES} the density tabulates`, `use at most ${2 ** Math.floor(20 / spec.dimension)} sites per direction in d = ${spec.dimension}`);
  }
  spec.observables.points.forEach((point, index) => {
    if (point.length === spec.dimension && !point.every((coordinate) => onSite(coordinate, spacing))) {
      error(`observables.points[${index}]`, `[${point.join(', ')}] is not a lattice site: the lattice field exists at integer multiples of the spacing ${spacing}`, `round each coordinate to a multiple of ${spacing}`);
    }
  });
  (spec.estimation?.translations ?? []).forEach((offset, index) => {
    if (offset.length === spec.dimension && !offset.every((coordinate) => onSite(coordinate, spacing))) {
      error(`estimation.translations[${index}]`, `[${offset.join(', ')}] is not a lattice vector (integer multiples of the spacing ${spacing})`, `round each coordinate to a multiple of ${spacing}`);
    }
  });
}

/** deformation.region "lattice": the sum over the architecture's lattice sites, with nothing to resolve. */
function checkLatticeDeformation(spec: NnftSpec, error: IssueSink): void {
  const architecture = spec.architecture;
  if (architecture.kind !== 'cos-net' || architecture.momentumSampling !== 'lattice') {
    error('deformation.region', 'is "lattice", which sums over the sites of the architecture\'s lattice, but the architecture is not a lattice cos-net', 'set architecture.momentumSampling "lattice" with architecture.lattice, or use a box region');
  }
  for (const key of ['grid', 'resolvedMomentum', 'modeCutoff'] as const) {
    if (spec.deformation![key] !== undefined) error(`deformation.${key}`, 'is not used with a lattice region: the interaction is the exact sum a^d sum_x over every site', 'remove it');
  }
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
