/**
 * Infinite-width extrapolation: at width N a design's correlators carry a finite-width bias
 * c1/N + c2/N^2 (docs/sweeps-and-reports.md, "Extrapolation to infinite width"), so fit O(N) = O_inf + c1/N (+ c2/N^2) by weighted least
 * squares over the widths of a sweep and report O_inf with its standard error and the fit's
 * chi^2/dof (a chi^2/dof far above 1 says the model in 1/N does not describe the data).
 */
import { NnftError } from '../errors.js';
import { canonicalJson } from '../io/canonical-json.js';
import { weightedLeastSquares } from '../numeric/least-squares.js';
import type { SweepSummaryRow } from './summary.js';
import type { CorrelatorSummary } from './summarize-design.js';

export interface WidthExtrapolation {
  /** O_inf. */
  value: number;
  /** Standard error of O_inf from the fit's covariance. */
  stderr: number;
  /** [O_inf, c1] or [O_inf, c1, c2]. */
  coefficients: number[];
  coefficientErrors: number[];
  chiSquared: number;
  degreesOfFreedom: number;
  /** null when the fit has no degrees of freedom left (as many widths as coefficients). */
  chiSquaredPerDof: number | null;
}

export function extrapolateToInfiniteWidth(
  widths: readonly number[],
  values: readonly number[],
  standardErrors: readonly number[],
  terms: 1 | 2 = 1,
): WidthExtrapolation {
  if (widths.length !== values.length || widths.length !== standardErrors.length) {
    throw new NnftError('E_NUMERIC', `extrapolation: ${widths.length} widths, ${values.length} values, ${standardErrors.length} errors`);
  }
  const bad = widths.find((width) => !(width > 0) || !Number.isFinite(width));
  if (bad !== undefined) throw new NnftError('E_NUMERIC', `extrapolation in 1/N needs positive widths, got ${bad}`);
  if (new Set(widths).size < terms + 1) {
    throw new NnftError('E_NUMERIC', `extrapolation with ${terms} 1/N term${terms === 1 ? '' : 's'} needs at least ${terms + 1} distinct widths, got ${new Set(widths).size}`);
  }
  const design = widths.map((width) => Array.from({ length: terms + 1 }, (_, power) => 1 / width ** power));
  const fit = weightedLeastSquares(design, values, standardErrors);
  return {
    value: fit.parameters[0]!,
    stderr: fit.parameterErrors[0]!,
    coefficients: fit.parameters,
    coefficientErrors: fit.parameterErrors,
    chiSquared: fit.chiSquared,
    degreesOfFreedom: fit.degreesOfFreedom,
    chiSquaredPerDof: fit.degreesOfFreedom > 0 ? fit.chiSquared / fit.degreesOfFreedom : null,
  };
}

export interface ObservableExtrapolation {
  /** Correlator key, e.g. "Gc2(0,1)". */
  name: string;
  widths: number[];
  values: number[];
  stderr: number[];
  fit: WidthExtrapolation;
  target?: number;
  targetStderr?: number;
  /** (O_inf - target) / combined standard error. */
  pull?: number;
}

export interface ExtrapolationGroup {
  /** Values of the other varied parameters shared by this group's points. */
  values: Record<string, unknown>;
  observables: ObservableExtrapolation[];
  /** Observables left out, with the reason (zero or missing errors, too few widths). */
  skipped: { name: string; reason: string }[];
}

export interface ExtrapolationTable {
  nnftExtrapolation: 1;
  parameter: string;
  terms: 1 | 2;
  model: string;
  groups: ExtrapolationGroup[];
}

function correlatorsOf(row: SweepSummaryRow): Record<string, CorrelatorSummary> {
  const correlators = row.results.correlators;
  return correlators && typeof correlators === 'object' ? (correlators as Record<string, CorrelatorSummary>) : {};
}

/**
 * Extrapolate every correlator in the finished rows' results (the shape summarizeDesignResult
 * writes) in the width parameter, separately for each combination of the `groupBy` parameters'
 * values (default: every other varied parameter).
 */
export function extrapolateSummary(rows: readonly SweepSummaryRow[], parameter: string, terms: 1 | 2 = 1, groupBy?: readonly string[]): ExtrapolationTable {
  const groups = new Map<string, { values: Record<string, unknown>; rows: SweepSummaryRow[] }>();
  for (const row of rows) {
    if (row.status !== 'finished') continue;
    const others = Object.fromEntries(Object.entries(row.values).filter(([name]) => name !== parameter && (groupBy === undefined || groupBy.includes(name))));
    const key = canonicalJson(others);
    if (!groups.has(key)) groups.set(key, { values: others, rows: [] });
    groups.get(key)!.rows.push(row);
  }
  const table: ExtrapolationTable = {
    nnftExtrapolation: 1,
    parameter,
    terms,
    model: terms === 1 ? 'O(N) = O_inf + c1/N' : 'O(N) = O_inf + c1/N + c2/N^2',
    groups: [],
  };
  for (const group of groups.values()) {
    const names: string[] = [];
    for (const row of group.rows) for (const name of Object.keys(correlatorsOf(row))) if (!names.includes(name)) names.push(name);
    const result: ExtrapolationGroup = { values: group.values, observables: [], skipped: [] };
    for (const name of names) {
      const widths: number[] = [];
      const values: number[] = [];
      const stderr: number[] = [];
      let target: number | undefined;
      let targetStderr: number | undefined;
      let reason: string | null = null;
      for (const row of group.rows) {
        const entry = correlatorsOf(row)[name];
        const width = row.values[parameter];
        if (!entry) continue;
        if (typeof width !== 'number') {
          reason = `width ${JSON.stringify(width)} is not a number`;
          break;
        }
        if (!(entry.stderr > 0)) {
          reason = `no positive standard error at width ${width}`;
          break;
        }
        widths.push(width);
        values.push(entry.value);
        stderr.push(entry.stderr);
        if (entry.target !== undefined) {
          target = entry.target;
          targetStderr = entry.targetStderr ?? 0;
        }
      }
      if (!reason && new Set(widths).size < terms + 1) reason = `only ${new Set(widths).size} distinct widths`;
      if (reason) {
        result.skipped.push({ name, reason });
        continue;
      }
      const fit = extrapolateToInfiniteWidth(widths, values, stderr, terms);
      const observable: ObservableExtrapolation = { name, widths, values, stderr, fit };
      if (target !== undefined) {
        observable.target = target;
        observable.targetStderr = targetStderr;
        observable.pull = (fit.value - target) / Math.hypot(fit.stderr, targetStderr ?? 0);
      }
      result.observables.push(observable);
    }
    table.groups.push(result);
  }
  return table;
}
