/**
 * Check a whole sweep before any point runs (or `--dry-run` says it is valid): the base target as
 * `nnft design` reads it, every point's resolved target exactly as the point's run will read it
 * (src/theory/load-target.ts, data files included), and every point's design options against the
 * design command's own table (src/sweep/design-options.ts): unknown option names, types, ranges,
 * minWidth <= maxWidth. A problem in a varied value is reported at that parameter's values (or
 * range) in the sweep file; one in the base target at the target's own JSON path in its own file.
 */
import { dirname, join } from 'node:path';
import { NnftError, isNnftError, type InputIssue } from '../errors.js';
import { checkOptionValues, type OptionRules, type OrderedPair } from '../io/option-rules.js';
import { formatPath, type PathSegment } from '../schema/json-path.js';
import { didYouMean } from '../schema/did-you-mean.js';
import { loadTarget, loadTargetText } from '../theory/load-target.js';
import { DESIGN_OPTION_ORDER, DESIGN_OPTION_RULES } from './design-options.js';
import { designSetup, refuseUndesignableTarget } from '../design/design-setup.js';
import { checkDesignSampleSize } from '../design/design-sample.js';
import { resolveDesignSettings, splitDesignOptions } from '../design/design-settings.js';
import type { Theory } from '../theory/theory.js';
import { parsePointer } from './json-pointer.js';
import type { LoadedSweep } from './load-sweep.js';
import type { SweepPoint } from './expand-sweep.js';

/** Points whose problems are listed in full; the rest are counted. */
const LISTED_POINTS = 5;

/**
 * What nnft design refuses before any work, for one point: a lattice target, orders above 4, a
 * momentum sampling the target cannot have (design-setup.ts). Cheap: no network is drawn.
 */
function designRefusal(theory: Theory, options: Readonly<Record<string, unknown>>): NnftError | null {
  try {
    refuseUndesignableTarget(theory);
    const settings = resolveDesignSettings(splitDesignOptions(options).settings);
    designSetup(theory, { amplitudeLaw: settings.amplitudeLaw, momenta: settings.momenta });
    if (theory.interactions.length > 0) checkDesignSampleSize(theory.points.length, Math.max(...theory.connectedOrders), settings.ensembleSize, 'options.ensembleSize');
    return null;
  } catch (error) {
    if (isNnftError(error)) return error;
    throw error;
  }
}

export interface CheckSweepOptions {
  /** The options every point's runner accepts (default: nnft design's); null skips the option check. */
  optionRules?: OptionRules | null;
  ordered?: readonly OrderedPair[];
}

/** The target's copy as a point's run reads it: a data file's relative path made absolute (run-sweep.ts). */
export function pointTargetDocument(point: Pick<SweepPoint, 'target'>, baseTargetFile: string): Record<string, unknown> {
  const target = structuredClone(point.target);
  const correlators = target.targetCorrelators as Record<string, unknown> | undefined;
  if (correlators && typeof correlators.file === 'string' && !correlators.file.startsWith('/')) {
    correlators.file = join(dirname(baseTargetFile), correlators.file);
  }
  return target;
}

/** Pointer tokens as path segments of the document they address (array indices as numbers). */
function pointerSegments(document: unknown, pointer: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let current = document;
  for (const token of parsePointer(pointer)) {
    const segment: PathSegment = Array.isArray(current) && /^\d+$/.test(token) ? Number(token) : token;
    segments.push(segment);
    current = current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Where in the sweep file the value of parameter `position` for this point was written. */
function valueLocation(loaded: LoadedSweep, position: number, point: SweepPoint): string {
  const parameter = loaded.sweep.vary.parameters[position]!;
  const name = loaded.plan.parameters[position]!.name;
  if (parameter.values) {
    const value = point.values[name];
    const index = parameter.values.findIndex((candidate) => JSON.stringify(candidate) === JSON.stringify(value));
    return `vary.parameters[${position}].values${index >= 0 ? `[${index}]` : ''}`;
  }
  return `vary.parameters[${position}].range`;
}

function describePoint(point: SweepPoint): string {
  return `point ${point.index} (${point.id})`;
}

/** Map a problem of the point's document at `documentPath` to the sweep file, or null when the base file owns it. */
function locateInSweep(loaded: LoadedSweep, point: SweepPoint, root: 'target' | 'options', documentPath: string): { path: string; value: unknown } | null {
  const document = { target: point.target, options: point.options };
  for (let position = loaded.plan.parameters.length - 1; position >= 0; position--) {
    const parameter = loaded.plan.parameters[position]!;
    const segments = pointerSegments(document, parameter.pointer);
    if (segments[0] !== root) continue;
    const relative = formatPath(segments.slice(1));
    if (under(documentPath, relative) || under(relative, documentPath)) return { path: valueLocation(loaded, position, point), value: point.values[parameter.name] };
  }
  return null;
}

/** Throws one NnftError listing every invalid point; returns when every point can run. */
export async function checkSweepPoints(loaded: LoadedSweep, options: CheckSweepOptions = {}): Promise<void> {
  const file = loaded.file;
  // The base target first: its own problems are reported in its own file, at its own paths.
  const base = await loadTarget(loaded.targetFile);
  const rules = options.optionRules === undefined ? DESIGN_OPTION_RULES : options.optionRules;
  const ordered = options.ordered ?? (options.optionRules === undefined ? DESIGN_OPTION_ORDER : []);
  const issues: InputIssue[] = [];
  let invalidPoints = 0;
  // A refusal every point shares with the base target (its lattice, say) is the base target's: it
  // is reported once, in that file.
  let sharedRefusals = 0;
  const baseRefusal = rules === DESIGN_OPTION_RULES ? designRefusal(base.theory, loaded.sweep.options ?? {}) : null;
  const seen = new Set<string>();
  const add = (issue: InputIssue): void => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  for (const point of loaded.plan.points) {
    const pointIssues: InputIssue[] = [];
    if (rules) {
      const known = Object.keys(rules);
      for (const key of Object.keys(point.options)) {
        if (key in rules) continue;
        const located = locateInSweep(loaded, point, 'options', key);
        const suggestion = didYouMean(key, known);
        pointIssues.push({
          path: located ? located.path.replace(/\.values(\[\d+\])?$|\.range$/, '.pointer') : `options.${key}`,
          message: `"${key}" is not a design option`,
          hint: `${suggestion ? `did you mean "${suggestion}"? ` : ''}known options: ${known.join(', ')}`,
          severity: 'error',
        });
      }
      const checked = checkOptionValues(point.options, rules, { where: (key) => `options.${key}`, fromText: false, ordered });
      for (const issue of checked.issues) {
        const key = issue.path.slice('options.'.length);
        const located = locateInSweep(loaded, point, 'options', key);
        pointIssues.push(located ? { ...issue, path: located.path, message: `${describePoint(point)} sets options.${key}: ${issue.message}` } : issue);
      }
    }
    try {
      const { theory } = await loadTargetText(JSON.stringify(pointTargetDocument(point, loaded.targetFile)), { file: loaded.targetFile, sha256: null, absolutePath: loaded.targetFile });
      // The design's own up-front refusals, when the points run nnft design and their options are sound.
      const refusal = rules === DESIGN_OPTION_RULES && pointIssues.length === 0 ? designRefusal(theory, point.options) : null;
      if (refusal && baseRefusal && refusal.message === baseRefusal.message) sharedRefusals++;
      if (refusal) {
        const paths = refusal.issues.map((issue) => issue.path);
        // A refusal the base target does not share comes from the point's values: with no path of its
        // own (a combination of options and target), it is shown at the point's first varied value.
        const located =
          paths.map((path) => (path.startsWith('options.') ? locateInSweep(loaded, point, 'options', path.slice('options.'.length)) : locateInSweep(loaded, point, 'target', path))).find((entry) => entry !== null) ??
          (baseRefusal === null && paths.length === 0 && loaded.plan.parameters.length > 0
            ? { path: valueLocation(loaded, 0, point), value: point.values[loaded.plan.parameters[0]!.name] }
            : null);
        pointIssues.push({
          path: located ? located.path : paths[0] ? (paths[0].startsWith('options.') ? paths[0] : `target ${paths[0]}`) : 'target',
          message: `${describePoint(point)}${located ? ` (it sets ${JSON.stringify(located.value)})` : ''}: nnft design refuses its target: ${refusal.message}`,
          ...(refusal.hint ? { hint: refusal.hint } : {}),
          severity: 'error',
        });
      }
    } catch (error) {
      if (!isNnftError(error) || error.issues.length === 0) {
        if (isNnftError(error)) pointIssues.push({ path: 'vary.parameters', message: `${describePoint(point)}: its target is refused: ${error.message}`, ...(error.hint ? { hint: error.hint } : {}), severity: 'error' });
        else throw error;
      }
      for (const issue of isNnftError(error) ? error.issues : []) {
        if (issue.severity === 'warning') continue;
        const located = locateInSweep(loaded, point, 'target', issue.path);
        const { line: _line, column: _column, ...rest } = issue;
        pointIssues.push(
          located
            ? { ...rest, path: located.path, message: `${describePoint(point)} sets ${JSON.stringify(located.value)}, so its target's ${issue.path} ${issue.message}` }
            : { ...rest, path: 'target', message: `${describePoint(point)}: the target's ${issue.path} ${issue.message}` },
        );
      }
    }
    if (pointIssues.length === 0) continue;
    invalidPoints++;
    if (invalidPoints <= LISTED_POINTS) pointIssues.forEach(add);
  }
  if (invalidPoints === 0) return;
  if (baseRefusal && sharedRefusals === loaded.plan.points.length) {
    // Named in the file that holds its cause: the sweep file for an option, else the base target.
    const inOptions = baseRefusal.issues.some((issue) => issue.path.startsWith('options.'));
    throw new NnftError(baseRefusal.code, baseRefusal.message, {
      file: inOptions ? file : baseRefusal.file ?? loaded.targetFile,
      issues: baseRefusal.issues,
      ...(baseRefusal.hint ? { hint: baseRefusal.hint } : {}),
    });
  }
  const total = loaded.plan.points.length;
  throw new NnftError('E_SEMANTIC', `${invalidPoints} of ${total} sweep point${total === 1 ? '' : 's'} cannot run as written (nothing was run or written)`, {
    file,
    issues: invalidPoints > LISTED_POINTS ? [...issues, { path: 'vary.parameters', message: `and ${invalidPoints - LISTED_POINTS} more invalid points`, severity: 'error' }] : issues,
    hint: 'fix the values marked ✖ (docs/sweeps-and-reports.md; the target ranges are in docs/target-format.md), then check again with nnft sweep --dry-run',
  });
}
