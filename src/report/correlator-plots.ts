/**
 * What a run report shows about its correlators: the headline (status, tolerance, relative error,
 * validation chi^2/dof and p-value), G_c2 against the separation with the target's exact curve and
 * the tolerance band, the effective mass (d = 1), per order the deviation in units of the scale
 * against the tolerance band and the pulls against ±2 sigma, every tuple, the width curve, and a
 * table. Exact target values (deterministic methods) are shown as values, with the method's
 * numerical error bound stated once, never as "± 3.33e-16" per value.
 */
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';
import { orderScale } from '../design/compare-correlators.js';
import { escapeHtml } from './escape.js';
import { effectiveMassCurve, exactTwoPointCurve, targetResultOf, type CurvePoint } from './exact-curve.js';
import { formatNumber } from './ticks.js';
import { renderPlot, type MarkerKind, type PlotPoint, type PlotSeries } from './svg-plot.js';
import type { Tick } from './ticks.js';

/** Palette slots: achieved blue, target red, tolerance green. */
const ACHIEVED = 0;
const TARGET = 1;
const TOLERANCE = 2;

function blocksOf(result: unknown): CorrelatorBlock[] {
  const correlators = (result as CorrelatorResult | null | undefined)?.correlators;
  return Array.isArray(correlators) ? correlators : [];
}

function distance(a: readonly number[] | undefined, b: readonly number[] | undefined): number {
  if (!a || !b) return NaN;
  return Math.sqrt(a.reduce((sum, value, k) => sum + (value - (b[k] ?? 0)) ** 2, 0));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export interface CorrelatorSets {
  points: number[][];
  target: CorrelatorBlock[];
  achieved: CorrelatorBlock[];
  /** The target result (method, errorMeaning, massGap), when there is one. */
  targetResult: CorrelatorResult | null;
}

export function correlatorSets(result: CorrelatorResult): CorrelatorSets {
  const achieved = blocksOf(result.achieved).length ? blocksOf(result.achieved) : result.kind === 'design' || result.kind === 'ensemble-correlators' ? blocksOf(result) : [];
  const targetResult = targetResultOf(result);
  const target = blocksOf(targetResult);
  const points = (Array.isArray(result.points) ? result.points : targetResult?.points) ?? [];
  return { points, target, achieved, targetResult };
}

/** Deterministic target methods: their error is a numerical bound, not a statistical one. */
const DETERMINISTIC_METHODS = new Set(['free', 'spectral', 'perturbative']);

export interface TargetExactness {
  exact: boolean;
  method: string | null;
  /** Largest stated numerical error of the target's values (0 when none is stated). */
  bound: number;
}

export function targetExactness(sets: CorrelatorSets): TargetExactness {
  const method = typeof sets.targetResult?.method === 'string' ? sets.targetResult.method : null;
  const errors = sets.target.flatMap((block) => block.stderr);
  const bound = errors.length ? Math.max(...errors.map((error) => (Number.isFinite(error) ? error : 0))) : 0;
  const meaning = typeof sets.targetResult?.errorMeaning === 'string' ? sets.targetResult.errorMeaning : '';
  const exact = (method !== null && DETERMINISTIC_METHODS.has(method)) || /deterministic/.test(meaning) || (errors.length > 0 && bound === 0);
  return { exact, method, bound };
}

/** "spectral, numerical error ≤ 1.05e-13", or "free" when no numerical error is stated. */
export function exactDescription(exactness: TargetExactness): string {
  const method = exactness.method ?? 'deterministic';
  return exactness.bound > 0 ? `${method}, numerical error ≤ ${formatNumber(exactness.bound)}` : method;
}

/** Six significant digits, trailing zeros dropped: how an exact value is written. */
export function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(Number(value.toPrecision(6)));
  const [mantissa, exponent] = value.toExponential(5).split('e');
  return `${String(Number(mantissa))}e${exponent}`;
}

/** "0.4733 ± 0.0011", or the value alone when it is exact. */
function withError(value: number, error: number, exact: boolean): string {
  if (exact || !(error > 0)) return `${formatValue(value)} (exact)`;
  return `${formatValue(value)} ± ${formatNumber(error)}`;
}

function tupleLabel(indices: readonly number[]): string {
  return indices.some((index) => index > 9) ? indices.join(',') : indices.join('');
}

interface ComparedTuple {
  indices: number[];
  target: number;
  targetError: number;
  achieved: number;
  achievedError: number;
  /** (achieved - target) / sqrt(sigma_a^2 + sigma_t^2), null when both are exact. */
  pull: number | null;
}

interface OrderComparison {
  order: number;
  scale: number;
  scaleSource: string;
  relativeError: number | null;
  relativeErrorStderr: number | null;
  /** The relative error is exact: target deterministic and achieved exact at the worst tuple. */
  relativeErrorExact: boolean;
  tuples: ComparedTuple[];
}

/** Per order, target and achieved matched tuple by tuple, with the scale the tolerance divides by. */
export function compareOrders(result: CorrelatorResult): OrderComparison[] {
  const sets = correlatorSets(result);
  const exact = targetExactness(sets).exact;
  const stored = isRecord(result.comparison) && Array.isArray(result.comparison.orders) ? (result.comparison.orders as Record<string, unknown>[]) : [];
  const out: OrderComparison[] = [];
  for (const block of sets.target) {
    const achieved = sets.achieved.find((candidate) => candidate.order === block.order);
    if (!achieved) continue;
    const position = new Map(achieved.indices.map((tuple, k) => [tuple.join(','), k]));
    const tuples: ComparedTuple[] = [];
    block.indices.forEach((indices, k) => {
      const j = position.get(indices.join(','));
      if (j === undefined) return;
      const targetError = block.stderr[k] ?? 0;
      const achievedError = achieved.stderr[j] ?? 0;
      const combined = Math.hypot(targetError, achievedError);
      // Against an exact target an exact achieved value has no pull: its "error" would be round-off.
      const pull = combined > 0 && !(exact && achievedError === 0) ? (achieved.values[j]! - block.values[k]!) / combined : null;
      tuples.push({ indices, target: block.values[k]!, targetError, achieved: achieved.values[j]!, achievedError, pull });
    });
    const entry = stored.find((candidate) => candidate.order === block.order);
    // The design's own scale when it stored one (the one its verdict used), else the same definition.
    const fallback = orderScale(sets.targetResult!, block.order);
    const scale = finite(entry?.scale) ?? fallback.scale;
    const worst = tuples.reduce<ComparedTuple | null>((found, tuple) => (found === null || Math.abs(tuple.achieved - tuple.target) > Math.abs(found.achieved - found.target) ? tuple : found), null);
    out.push({
      relativeErrorExact: exact && worst !== null && worst.achievedError === 0,
      order: block.order,
      scale,
      scaleSource: typeof entry?.scaleSource === 'string' ? entry.scaleSource : fallback.source,
      relativeError: finite(entry?.relativeError) ?? (tuples.length ? Math.max(...tuples.map((tuple) => Math.abs(tuple.achieved - tuple.target))) / scale : null),
      relativeErrorStderr: finite(entry?.relativeErrorStderr) ?? null,
      tuples,
    });
  }
  return out;
}

/** " ± 0.0024", " (exact)" when target and achieved are exact at the worst tuple, or "". */
function relativeErrorSuffix(order: OrderComparison): string {
  if (order.relativeErrorExact) return ' (exact)';
  return order.relativeErrorStderr ? ` ± ${formatNumber(order.relativeErrorStderr)}` : '';
}

function statusText(status: string): string {
  return status.replace(/-/g, ' ');
}

/** The run's tolerance: result.json's, else the design settings in config.json. */
export function toleranceOf(result: CorrelatorResult, config: Record<string, unknown> | null): number | null {
  const settings = isRecord(config?.settings) ? config!.settings : null;
  return finite(result.tolerance) ?? finite(settings?.tolerance) ?? null;
}

/** The headline: status, tolerance, relative error, validation chi^2/dof and p-value, worst pull. */
export function headline(result: CorrelatorResult, config: Record<string, unknown> | null): string {
  if (typeof result.status !== 'string' && result.kind !== 'design') return '';
  const status = typeof result.status === 'string' ? result.status : 'unknown';
  const tolerance = toleranceOf(result, config);
  const orders = compareOrders(result);
  const consistency = isRecord(result.consistency) ? result.consistency : null;
  const fields: { field: string; name: string; value: string }[] = [];
  fields.push({ field: 'status', name: 'status', value: statusText(status) });
  fields.push({ field: 'tolerance', name: 'tolerance (largest relative error per order)', value: tolerance === null ? '—' : formatNumber(tolerance) });
  const relative = finite(result.relativeError) ?? (orders.length ? Math.max(...orders.map((order) => order.relativeError ?? 0)) : undefined);
  const worstOrder = orders.reduce<OrderComparison | null>((worst, order) => (worst === null || (order.relativeError ?? 0) > (worst.relativeError ?? 0) ? order : worst), null);
  if (relative !== undefined) {
    fields.push({
      field: 'relative-error',
      name: 'relative error (worst order)',
      value: [
        `${formatNumber(relative)}${worstOrder ? relativeErrorSuffix(worstOrder) : ''}`,
        worstOrder ? `in G_c${worstOrder.order}` : '',
        tolerance === null ? '' : relative <= tolerance ? '≤ tolerance' : '> tolerance',
      ]
        .filter(Boolean)
        .join(', '),
    });
  }
  if (orders.length > 1) {
    fields.push({
      field: 'relative-error-per-order',
      name: 'relative error per order',
      value: orders.map((order) => `G_c${order.order}: ${order.relativeError === null ? '—' : `${formatNumber(order.relativeError)}${relativeErrorSuffix(order)}`}`).join('; '),
    });
  }
  const chiPerDof = finite(consistency?.chiSquaredPerDof) ?? finite(result.chiSquaredPerDof);
  const dof = finite(consistency?.degreesOfFreedom);
  if (chiPerDof !== undefined) fields.push({ field: 'chi2-per-dof', name: 'validation χ²/dof', value: `${formatNumber(chiPerDof)}${dof === undefined ? '' : ` (${dof} dof)`}` });
  const pValue = finite(consistency?.pValue);
  const law = typeof consistency?.law === 'string' ? consistency.law : null;
  const batches = finite(consistency?.batches);
  const powerless = consistency?.powerful === false;
  fields.push({
    field: 'p-value',
    name: 'validation p-value',
    value: pValue === undefined ? '—' : `${formatNumber(pValue)}${law ? ` (${law}${batches === undefined ? '' : `, ${batches} batches`})` : ''}${powerless ? ' — the test has no power here' : ''}`,
  });
  const worstPull = isRecord(consistency?.worstPull) ? consistency!.worstPull : null;
  if (worstPull && finite(worstPull.pull) !== undefined && Array.isArray(worstPull.indices)) {
    const worstPValue = finite(consistency?.worstPullPValue);
    fields.push({ field: 'worst-pull', name: 'worst pull', value: `${formatNumber(worstPull.pull as number)} at G_c${String(worstPull.order)}(${(worstPull.indices as number[]).join(',')})${worstPValue === undefined ? '' : `, p = ${formatNumber(worstPValue)} after the look-elsewhere correction`}` });
  }
  const unfloored = isRecord(consistency?.unfloored) ? consistency!.unfloored : null;
  if (unfloored && finite(unfloored.chiSquaredPerDof) !== undefined) {
    fields.push({ field: 'unfloored', name: 'without the resolution floor', value: `χ²/dof ${formatNumber(unfloored.chiSquaredPerDof as number)}${finite(unfloored.pValue) === undefined ? '' : `, p-value ${formatNumber(unfloored.pValue as number)}`}` });
  }
  const width = finite(result.width);
  if (width !== undefined) fields.push({ field: 'width', name: 'width', value: String(width) });
  const validation = finite(result.validationEnsembleSize) ?? finite((result.achieved as CorrelatorResult | undefined)?.ensembleSize);
  if (validation !== undefined) fields.push({ field: 'validation-networks', name: 'validation networks', value: String(validation) });
  const reasons = Array.isArray(result.reasons) ? (result.reasons as unknown[]).filter((reason): reason is string => typeof reason === 'string') : [];
  const summary = [
    `<span class="badge">${escapeHtml(statusText(status))}</span>`,
    tolerance === null ? '' : `tolerance ${escapeHtml(formatNumber(tolerance))}`,
    relative === undefined ? '' : `relative error ${escapeHtml(formatNumber(relative))}`,
    chiPerDof === undefined ? '' : `validation χ²/dof ${escapeHtml(formatNumber(chiPerDof))}`,
    pValue === undefined ? '' : `p-value ${escapeHtml(formatNumber(pValue))}`,
  ]
    .filter(Boolean)
    .join(' <span class="sep">·</span> ');
  return [
    `<div class="headline status-${escapeHtml(status)}" data-status="${escapeHtml(status)}">`,
    `<p class="verdict">${summary}</p>`,
    `<dl>${fields.map((entry) => `<div data-field="${entry.field}"><dt>${escapeHtml(entry.name)}</dt><dd>${escapeHtml(entry.value)}</dd></div>`).join('')}</dl>`,
    reasons.length ? `<ul class="reasons">${reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>` : '',
    '</div>',
  ].join('');
}

function tupleTicks(tuples: readonly (readonly number[])[]): Tick[] | undefined {
  return tuples.length <= 40 ? tuples.map((indices, k) => ({ value: k, label: tupleLabel(indices) })) : undefined;
}

interface SeparationGroup {
  r: number;
  target: number | null;
  achieved: number | null;
  achievedError: number;
  /** Mean of the jackknife replicates of the pairs at this separation, per batch. */
  replicates: number[] | null;
}

/** Order-2 pairs grouped by separation: mean target, mean achieved, and their replicates. */
function separationGroups(sets: CorrelatorSets): SeparationGroup[] {
  const target = sets.target.find((block) => block.order === 2);
  const achieved = sets.achieved.find((block) => block.order === 2);
  const groups = new Map<string, { r: number; target: number[]; achieved: number[]; errors: number[]; replicates: number[][] | null }>();
  const add = (block: CorrelatorBlock | undefined, into: 'target' | 'achieved') => {
    block?.indices.forEach((indices, k) => {
      const r = distance(sets.points[indices[0]!], sets.points[indices[1]!]);
      if (!Number.isFinite(r)) return;
      const key = r.toPrecision(9);
      if (!groups.has(key)) groups.set(key, { r, target: [], achieved: [], errors: [], replicates: [] });
      const group = groups.get(key)!;
      group[into].push(block.values[k]!);
      if (into === 'achieved') {
        group.errors.push(block.stderr[k] ?? 0);
        const replicate = block.replicates?.[k];
        if (group.replicates && Array.isArray(replicate) && (group.replicates.length === 0 || group.replicates[0]!.length === replicate.length)) group.replicates.push(replicate);
        else group.replicates = null;
      }
    });
  };
  add(target, 'target');
  add(achieved, 'achieved');
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  return [...groups.values()]
    .map((group) => ({
      r: group.r,
      target: mean(group.target),
      achieved: mean(group.achieved),
      // Pairs at one separation are correlated: the mean's error is at most the mean error.
      achievedError: mean(group.errors) ?? 0,
      replicates: group.replicates && group.replicates.length ? group.replicates[0]!.map((_, b) => group.replicates!.reduce((sum, row) => sum + row[b]!, 0) / group.replicates!.length) : null,
    }))
    .sort((a, b) => a.r - b.r);
}

function isTranslationInvariantTarget(groups: SeparationGroup[], sets: CorrelatorSets): boolean {
  // One target value per separation (within round-off): G_c2 is a function of the separation.
  const target = sets.target.find((block) => block.order === 2);
  if (!target) return false;
  const scale = Math.max(...target.values.map(Math.abs));
  return target.indices.every((indices, k) => {
    const r = distance(sets.points[indices[0]!], sets.points[indices[1]!]);
    const group = groups.find((entry) => entry.r.toPrecision(9) === r.toPrecision(9));
    return group?.target !== null && group !== undefined && Math.abs(group.target - target.values[k]!) <= 1e-8 * scale;
  });
}

/** G_c2 against separation: exact curve, tolerance band, achieved dots, target rings; and m_eff. */
function twoPointPlots(result: CorrelatorResult, config: Record<string, unknown> | null, tolerance: number | null, notes: string[]): string[] {
  const sets = correlatorSets(result);
  const target = sets.target.find((block) => block.order === 2);
  const achieved = sets.achieved.find((block) => block.order === 2);
  if (!target && !achieved) return [];
  const separation = (indices: number[]) => distance(sets.points[indices[0]!], sets.points[indices[1]!]);
  const exactness = targetExactness(sets);
  const { curve, note } = target ? exactTwoPointCurve(result, config) : { curve: null, note: null };
  if (note) notes.push(note);
  const scale = compareOrders(result).find((order) => order.order === 2)?.scale ?? null;
  const achievedPoints: PlotPoint[] = achieved ? achieved.indices.map((indices, k) => ({ x: separation(indices), y: achieved.values[k]!, yError: achieved.stderr[k] ?? 0 })) : [];
  const targetPoints: PlotPoint[] = target ? target.indices.map((indices, k) => ({ x: separation(indices), y: target.values[k]!, ...(exactness.exact ? {} : { yError: target.stderr[k] ?? 0 }) })) : [];
  const reference: CurvePoint[] = curve?.points ?? [];
  const positive = [...reference, ...targetPoints, ...achievedPoints].every((point) => point.y > 0);
  const groups = separationGroups(sets);
  let bandPoints: { x: number; low: number; high: number }[] = [];
  if (tolerance !== null && scale !== null) {
    const half = tolerance * scale;
    if (reference.length) bandPoints = reference.map((point) => ({ x: point.x, low: point.y - half, high: point.y + half }));
    else if (isTranslationInvariantTarget(groups, sets)) bandPoints = groups.filter((group) => group.target !== null).map((group) => ({ x: group.r, low: group.target! - half, high: group.target! + half }));
  }
  const series: PlotSeries[] = [];
  if (reference.length) series.push({ label: 'target, exact curve', points: reference, mode: 'line', colorIndex: TARGET });
  if (achievedPoints.length) series.push({ label: 'achieved ± 1σ', points: achievedPoints, mode: 'markers', colorIndex: ACHIEVED });
  // Target rings last and larger, so an achieved dot at the same place never hides them.
  if (targetPoints.length) series.push({ label: exactness.exact ? 'target at the run’s points (exact)' : 'target ± 1σ', points: targetPoints, mode: 'markers', marker: 'open', colorIndex: TARGET });
  const caption = [
    'Every point pair.',
    curve ? `Curve: ${curve.source}; it reproduces the run’s ${curve.checked} stored target values (largest difference ${formatNumber(curve.maxDifference)}).` : '',
    exactness.exact ? `Target values are exact (${exactDescription(exactness)}), so they carry no error bar.` : '',
    bandPoints.length ? `Band: target ± tolerance × scale = ± ${formatNumber(tolerance!)} × ${formatNumber(scale!)}${reference.length ? '' : ' (joining the run’s separations)'}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const plots = [
    renderPlot({
      id: 'g2-separation',
      title: 'Connected 2-point function against separation',
      xLabel: 'separation |x_i − x_j|',
      yLabel: 'G_c2(x_i, x_j)',
      yScale: positive ? 'log' : 'linear',
      series,
      bands: bandPoints.length ? [{ label: `tolerance band ± ${formatNumber(tolerance!)} × scale`, points: bandPoints, colorIndex: TOLERANCE }] : [],
      caption,
      width: 620,
      height: 380,
    }),
  ];
  const dimension = finite((config?.target as Record<string, unknown> | undefined)?.dimension) ?? sets.points[0]?.length;
  if (dimension === 1 && curve && isTranslationInvariantTarget(groups, sets)) plots.push(effectiveMassPlot(curve.grid, curve.decayMass, groups, exactness));
  return plots;
}

/**
 * The effective mass -d ln G_c2 / dr: of the exact curve, and between consecutive separations of
 * the run for target and achieved (achieved errors from the jackknife replicates when stored). At
 * large separation it tends to the mass gap.
 */
function effectiveMassPlot(curve: CurvePoint[], decayMass: number | null, groups: SeparationGroup[], exactness: TargetExactness): string {
  const target: PlotPoint[] = [];
  const achieved: PlotPoint[] = [];
  let jackknife = true;
  for (let k = 0; k + 1 < groups.length; k++) {
    const [near, far] = [groups[k]!, groups[k + 1]!];
    const step = far.r - near.r;
    const x = (near.r + far.r) / 2;
    if (near.target !== null && far.target !== null && near.target > 0 && far.target > 0) target.push({ x, y: -Math.log(far.target / near.target) / step });
    if (near.achieved !== null && far.achieved !== null && near.achieved > 0 && far.achieved > 0) {
      const y = -Math.log(far.achieved / near.achieved) / step;
      let yError: number;
      if (near.replicates && far.replicates && near.replicates.length === far.replicates.length && near.replicates.length > 1) {
        const estimates = near.replicates.map((value, b) => -Math.log(far.replicates![b]! / value) / step);
        const n = estimates.length;
        const average = estimates.reduce((a, b) => a + b, 0) / n;
        yError = Math.sqrt(((n - 1) / n) * estimates.reduce((sum, value) => sum + (value - average) ** 2, 0));
      } else {
        jackknife = false;
        yError = Math.hypot(near.achievedError / near.achieved, far.achievedError / far.achieved) / step;
      }
      achieved.push({ x, y, yError: Number.isFinite(yError) ? yError : 0 });
    }
  }
  const series: PlotSeries[] = [
    { label: 'exact curve, −d ln G/dr', points: effectiveMassCurve(curve).filter((point) => point.x > 0), mode: 'line', colorIndex: TARGET },
    { label: 'achieved ± 1σ', points: achieved, mode: 'markers', colorIndex: ACHIEVED },
    { label: exactness.exact ? 'target (exact), same differences' : 'target, same differences', points: target, mode: 'markers', marker: 'open', colorIndex: TARGET },
  ];
  return renderPlot({
    id: 'effective-mass',
    title: 'Effective mass −d ln G_c2 / dr',
    xLabel: 'separation r',
    yLabel: 'm_eff(r)',
    series: series.filter((entry) => entry.points.length > 0),
    referenceLines: decayMass === null ? [] : [{ y: decayMass, label: `mass gap ${formatValue(decayMass)}` }],
    // A flat m_eff (a free theory) is not zoomed into its round-off: the axis spans at least ±2%.
    yMinSpan: 0.04 * Math.abs(decayMass ?? achieved[0]?.y ?? target[0]?.y ?? 1),
    caption: `Dots and rings: −ln(G(r₂)/G(r₁))/(r₂ − r₁) between consecutive separations of the run, at their midpoint (pairs at one separation averaged); errors ${achieved.length ? (jackknife ? 'from the stored jackknife replicates' : 'propagated from the standard errors (replicates not stored; correlations ignored)') : ''}. At large r the effective mass tends to the mass gap.`,
    width: 560,
    height: 380,
  });
}

/** Per order: deviation / scale against the tolerance band, and pulls against ±2 sigma. */
function orderPanels(result: CorrelatorResult, tolerance: number | null): string[] {
  const plots: string[] = [];
  for (const order of compareOrders(result)) {
    const ticks = tupleTicks(order.tuples.map((tuple) => tuple.indices));
    const xLabel = ticks ? 'index tuple' : 'tuple number (lexicographic order of the index tuples)';
    const last = Math.max(order.tuples.length - 1, 0);
    const deviations: PlotPoint[] = order.tuples.map((tuple, k) => ({ x: k, y: (tuple.achieved - tuple.target) / order.scale, yError: Math.hypot(tuple.achievedError, tuple.targetError) / order.scale }));
    const outside = tolerance === null ? 0 : deviations.filter((point) => Math.abs(point.y) > tolerance).length;
    plots.push(
      renderPlot({
        id: `deviation-gc${order.order}`,
        title: `G_c${order.order}: (achieved − target) / scale, with the tolerance band`,
        xLabel,
        yLabel: `ΔG_c${order.order} / ${formatNumber(order.scale)}`,
        series: [{ label: 'achieved − target ± 1σ, over the scale', points: deviations.map((point) => ({ ...point, marker: (tolerance !== null && Math.abs(point.y) > tolerance ? 'cross' : 'filled') as MarkerKind })), mode: 'markers', colorIndex: ACHIEVED }],
        bands: tolerance === null ? [] : [{ label: `tolerance ± ${formatNumber(tolerance)}`, points: [{ x: -0.5, low: -tolerance, high: tolerance }, { x: last + 0.5, low: -tolerance, high: tolerance }], colorIndex: TOLERANCE }],
        referenceLines: [{ y: 0, label: 'target', dashed: false, color: '#d62728' }],
        ...(ticks ? { xTickLabels: ticks } : {}),
        width: 620,
        caption: `Scale ${formatValue(order.scale)} (${order.scaleSource}); relative error = max |Δ| / scale = ${order.relativeError === null ? '—' : formatNumber(order.relativeError)}${relativeErrorSuffix(order)}${tolerance === null ? '' : `; ${outside} of ${deviations.length} tuples outside the band (crosses)`}.`,
      }),
    );
    const pulls = order.tuples.flatMap((tuple, k) => (tuple.pull === null ? [] : [{ x: k, y: tuple.pull, marker: (Math.abs(tuple.pull) > 2 ? 'cross' : 'filled') as MarkerKind }]));
    const beyond = pulls.filter((point) => Math.abs(point.y) > 2).length;
    plots.push(
      renderPlot({
        id: `pulls-gc${order.order}`,
        title: `G_c${order.order}: pulls (achieved − target) / σ per tuple`,
        xLabel,
        yLabel: 'pull',
        series: [{ label: 'pull', points: pulls, mode: 'markers', colorIndex: ACHIEVED }],
        referenceLines: [
          { y: 0, label: '0', dashed: false, color: '#888888' },
          { y: 2, label: '±2σ', dashed: true, color: '#d62728' },
          { y: -2, label: '±2σ', dashed: true, color: '#d62728' },
        ],
        ...(ticks ? { xTickLabels: ticks } : {}),
        width: 620,
        caption: pulls.length
          ? `σ combines the achieved and target errors. ${beyond} of ${pulls.length} tuples beyond ±2σ (crosses; about 5% expected when consistent). Pulls of one order are correlated: the validation test uses their covariance.`
          : 'Target and achieved are both exact at every tuple of this order (no statistical error), so there are no pulls; the deviation panel shows the difference.',
      }),
    );
  }
  return plots;
}

function markerSeries(label: string, block: CorrelatorBlock | undefined, select: (indices: number[]) => number | null, marker: MarkerKind, colorIndex: number, withErrors: boolean): PlotSeries | null {
  if (!block) return null;
  const points: PlotPoint[] = [];
  block.indices.forEach((indices, k) => {
    const x = select(indices);
    if (x === null) return;
    points.push({ x, y: block.values[k]!, ...(withErrors ? { yError: block.stderr[k] ?? 0 } : {}) });
  });
  return points.length ? { label, points, mode: 'markers', marker, colorIndex } : null;
}

function present(series: (PlotSeries | null)[]): PlotSeries[] {
  return series.filter((entry): entry is PlotSeries => entry !== null);
}

/** G_c4 on coincident pairs and every tuple of each order >= 3: achieved dots, target rings. */
function higherOrderPlots(result: CorrelatorResult): string[] {
  const sets = correlatorSets(result);
  const exact = targetExactness(sets).exact;
  const byOrder = (blocks: CorrelatorBlock[], order: number) => blocks.find((block) => block.order === order);
  const targetLabel = exact ? 'target (exact)' : 'target ± 1σ';
  const plots: string[] = [];
  const orders = [...new Set([...sets.target, ...sets.achieved].map((block) => block.order))].filter((order) => order >= 3).sort((a, b) => a - b);
  for (const order of orders) {
    if (order === 4) {
      const pairs = (indices: number[]) => (indices[0] === indices[1] && indices[2] === indices[3] ? distance(sets.points[indices[0]!], sets.points[indices[2]!]) : null);
      plots.push(
        renderPlot({
          id: 'gc4-pairs',
          title: 'G_c4(a, a, b, b) against separation |x_a − x_b|',
          xLabel: 'separation |x_a − x_b|',
          yLabel: 'G_c4(a, a, b, b)',
          series: present([markerSeries('achieved ± 1σ', byOrder(sets.achieved, 4), pairs, 'filled', ACHIEVED, true), markerSeries(targetLabel, byOrder(sets.target, 4), pairs, 'open', TARGET, !exact)]),
        }),
      );
    }
    const reference = byOrder(sets.target, order) ?? byOrder(sets.achieved, order)!;
    const position = new Map(reference.indices.map((indices, k) => [indices.join(','), k]));
    const tuplePosition = (indices: number[]) => position.get(indices.join(',')) ?? null;
    const labels = tupleTicks(reference.indices);
    plots.push(
      renderPlot({
        id: `gc${order}-tuples`,
        title: `Connected ${order}-point function over all index tuples`,
        xLabel: labels ? 'point-index tuple' : 'tuple number (lexicographic order of the index tuples)',
        yLabel: `G_c${order}`,
        series: present([markerSeries('achieved ± 1σ', byOrder(sets.achieved, order), tuplePosition, 'filled', ACHIEVED, true), markerSeries(targetLabel, byOrder(sets.target, order), tuplePosition, 'open', TARGET, !exact)]),
        ...(labels ? { xTickLabels: labels } : {}),
        width: 720,
      }),
    );
  }
  return plots;
}

/** Relative error against the width tried (width auto), with the tolerance line, status per width. */
export function widthCurvePlot(result: CorrelatorResult, tolerance: number | null): string | null {
  const curve = Array.isArray(result.widthCurve) ? (result.widthCurve as Record<string, unknown>[]) : [];
  const entries = curve.filter((entry) => finite(entry.width) !== undefined && finite(entry.relativeError) !== undefined);
  if (!entries.length) return null;
  const markerFor = (entry: Record<string, unknown>): MarkerKind => (entry.status === 'met' || entry.met === true ? 'filled' : entry.status === 'unresolved' ? 'open' : 'cross');
  const points: PlotPoint[] = entries.map((entry) => ({ x: entry.width as number, y: entry.relativeError as number, yError: finite(entry.relativeErrorStderr) ?? 0, marker: markerFor(entry) }));
  const widths = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const wide = Math.max(...widths) / Math.min(...widths) >= 4;
  const yLog = ys.every((y) => y > 0) && (Math.max(...ys, tolerance ?? 0) / Math.min(...ys, tolerance ?? Infinity) >= 20);
  const summary = entries.map((entry) => `width ${entry.width}: ${statusText(String(entry.status ?? (entry.met ? 'met' : 'not-met')))}`).join(', ');
  return renderPlot({
    id: 'width-curve',
    title: 'Relative error against the width',
    xLabel: 'width N',
    xScale: wide ? 'log' : 'linear',
    yLabel: 'relative error (worst order)',
    yScale: yLog ? 'log' : 'linear',
    series: [{ label: 'relative error ± 1σ', points, mode: 'line+markers', colorIndex: ACHIEVED }],
    referenceLines: tolerance === null ? [] : [{ y: tolerance, label: `tolerance ${formatNumber(tolerance)}`, color: '#2ca02c' }],
    xTickLabels: widths.map((value) => ({ value, label: String(value) })),
    caption: `Filled: met; cross: not met; ring: unresolved. ${summary}.`,
  });
}

/** Target, achieved, deviation over the scale and pull for every correlator. */
export function comparisonTable(result: CorrelatorResult): string {
  const sets = correlatorSets(result);
  const exactness = targetExactness(sets);
  const rows: string[] = [];
  for (const order of compareOrders(result)) {
    for (const tuple of order.tuples) {
      rows.push(
        `<tr><td>G_c${order.order}(${tuple.indices.join(',')})</td><td>${escapeHtml(withError(tuple.target, tuple.targetError, exactness.exact))}</td><td>${escapeHtml(withError(tuple.achieved, tuple.achievedError, false))}</td><td>${escapeHtml(formatNumber((tuple.achieved - tuple.target) / order.scale))}</td><td>${tuple.pull === null ? '' : tuple.pull.toFixed(2)}</td></tr>`,
      );
    }
  }
  // An achieved-only result (nnft estimate) still lists its values.
  if (!rows.length) {
    for (const block of sets.achieved) block.indices.forEach((indices, k) => rows.push(`<tr><td>G_c${block.order}(${indices.join(',')})</td><td></td><td>${escapeHtml(withError(block.values[k]!, block.stderr[k] ?? 0, false))}</td><td></td><td></td></tr>`));
  }
  if (!rows.length) return '';
  const targetHeader = exactness.exact ? `target (exact: ${exactDescription(exactness)})` : 'target ± 1σ';
  return `<table class="comparison"><caption>Target and achieved connected correlators</caption><tr><th>correlator</th><th>${escapeHtml(targetHeader)}</th><th>achieved ± 1σ</th><th>(achieved − target) / scale</th><th>pull</th></tr>${rows.join('')}</table>`;
}

/** Every correlator plot of a run, and the notes they raise. */
export function correlatorPlots(result: CorrelatorResult, config: Record<string, unknown> | null = null): { plots: string[]; notes: string[] } {
  const notes: string[] = [];
  const tolerance = toleranceOf(result, config);
  const plots = [...twoPointPlots(result, config, tolerance, notes), ...orderPanels(result, tolerance), ...higherOrderPlots(result)];
  const width = widthCurvePlot(result, tolerance);
  if (width) plots.push(width);
  return { plots, notes };
}
