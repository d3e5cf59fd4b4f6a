/**
 * Plots of a sweep directory: correlators, fitted couplings and chi^2/dof against the swept
 * parameter, and the infinite-width extrapolation when the sweep has one.
 */
import type { ObservableExtrapolation } from '../sweep/extrapolate.js';
import { flattenRecord, type SweepSummaryRow } from '../sweep/summary.js';
import type { CorrelatorSummary } from '../sweep/summarize-design.js';
import { escapeHtml } from './escape.js';
import type { SweepData } from './read-directory.js';
import type { ReportSection } from './run-plots.js';
import { renderPlot, type MarkerKind, type PlotReferenceLine, type PlotSeries } from './svg-plot.js';
import { formatNumber } from './ticks.js';

const MAX_SERIES = 10;
const MAX_EXTRAPOLATION_PLOTS = 6;

interface Axis {
  name: string;
  scale: 'linear' | 'log';
}

function chooseAxis(data: SweepData): Axis | null {
  for (const parameter of data.manifest.parameters) {
    const values = parameter.values;
    if (!values.every((value) => typeof value === 'number')) continue;
    const numbers = values as number[];
    const positive = numbers.every((value) => value > 0);
    const wide = positive && Math.max(...numbers) / Math.min(...numbers) >= 20;
    return { name: parameter.name, scale: parameter.scale === 'log' || (positive && wide) ? 'log' : 'linear' };
  }
  return null;
}

/** Label of the other varied values ("width=64"), '' when only one parameter varies. */
function groupLabel(row: SweepSummaryRow, axis: string): string {
  return Object.entries(row.values)
    .filter(([name]) => name !== axis)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`)
    .join(', ');
}

function grouped(rows: SweepSummaryRow[], axis: string): Map<string, SweepSummaryRow[]> {
  const groups = new Map<string, SweepSummaryRow[]>();
  for (const row of rows) {
    if (row.status !== 'finished' || typeof row.values[axis] !== 'number') continue;
    const label = groupLabel(row, axis);
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(row);
  }
  return groups;
}

function correlatorsOf(row: SweepSummaryRow): Record<string, CorrelatorSummary> {
  const correlators = row.results.correlators;
  return correlators && typeof correlators === 'object' ? (correlators as Record<string, CorrelatorSummary>) : {};
}

/** A point's verdict: the design's status (met, not-met, unresolved) when it has one, else finished / failed. */
export function verdictOf(row: SweepSummaryRow): string {
  if (row.status === 'failed') return 'failed';
  return typeof row.results.status === 'string' && row.results.status ? row.results.status : row.status;
}

/** met: filled dot; not met: cross; unresolved: ring. */
function markerOf(row: SweepSummaryRow): MarkerKind {
  const verdict = verdictOf(row);
  return verdict === 'not-met' ? 'cross' : verdict === 'unresolved' ? 'open' : 'filled';
}

const MARKER_KEY = 'Markers give each point’s verdict: dot met, cross not met, ring unresolved.';

function hasVerdicts(groups: Map<string, SweepSummaryRow[]>): boolean {
  return [...groups.values()].some((rows) => rows.some((row) => verdictOf(row) !== row.status));
}

function withGroup(label: string, group: string): string {
  return group ? `${label} (${group})` : label;
}

function capped(series: PlotSeries[], notes: string[], what: string): PlotSeries[] {
  if (series.length > MAX_SERIES) notes.push(`${what}: the first ${MAX_SERIES} of ${series.length} curves are shown.`);
  return series.slice(0, MAX_SERIES);
}

function correlatorPlot(order: number, groups: Map<string, SweepSummaryRow[]>, axis: Axis, notes: string[]): string | null {
  const keys: string[] = [];
  for (const rows of groups.values()) for (const row of rows) for (const key of Object.keys(correlatorsOf(row))) if (key.startsWith(`Gc${order}(`) && !keys.includes(key)) keys.push(key);
  if (!keys.length) return null;
  const series: PlotSeries[] = [];
  let colorSlot = 0;
  for (const key of keys) {
    for (const [group, rows] of groups) {
      const achieved = rows.flatMap((row) => {
        const entry = correlatorsOf(row)[key];
        return entry ? [{ x: row.values[axis.name] as number, y: entry.value, yError: entry.stderr, marker: markerOf(row) }] : [];
      });
      const target = rows.flatMap((row) => {
        const entry = correlatorsOf(row)[key];
        return entry && entry.target !== undefined ? [{ x: row.values[axis.name] as number, y: entry.target, yError: entry.targetStderr ?? 0 }] : [];
      });
      const colorIndex = colorSlot++;
      if (achieved.length) series.push({ label: withGroup(`${key} achieved`, group), points: achieved, mode: 'line+markers', colorIndex });
      if (target.length) series.push({ label: withGroup(`${key} target`, group), points: target, mode: 'line', dashed: true, colorIndex });
    }
  }
  return renderPlot({
    id: `sweep-gc${order}`,
    title: `Connected ${order}-point functions against ${axis.name}`,
    xLabel: axis.name,
    xScale: axis.scale,
    yLabel: `G_c${order}`,
    series: capped(series, notes, `G_c${order} against ${axis.name}`),
    width: 720,
    height: 400,
    caption: `Solid: achieved ± one standard error; dashed: target.${hasVerdicts(groups) ? ` ${MARKER_KEY}` : ''}`,
  });
}

interface ScalarExtras {
  referenceLines?: PlotReferenceLine[];
  /** Plain dots on the picked series; the verdict goes on the series of verdictValue instead. */
  verdictSeries?: { label: string; value: (row: SweepSummaryRow) => number | undefined };
  /** Reference values per point (a tolerance that varies), drawn as a dashed curve per group. */
  perPointReference?: { label: string; value: (row: SweepSummaryRow) => number | undefined };
  caption?: string;
}

function scalarPlot(id: string, title: string, yLabel: string, pick: (row: SweepSummaryRow) => Record<string, number>, groups: Map<string, SweepSummaryRow[]>, axis: Axis, notes: string[], extras: ScalarExtras = {}): string {
  const series: PlotSeries[] = [];
  const names: string[] = [];
  for (const rows of groups.values()) for (const row of rows) for (const name of Object.keys(pick(row))) if (!names.includes(name)) names.push(name);
  for (const name of names) {
    for (const [group, rows] of groups) {
      const points = rows.flatMap((row) => {
        const value = pick(row)[name];
        return typeof value === 'number' && Number.isFinite(value) ? [{ x: row.values[axis.name] as number, y: value, ...(extras.verdictSeries ? {} : { marker: markerOf(row) }) }] : [];
      });
      if (points.length) series.push({ label: withGroup(name, group), points, mode: 'line+markers' });
    }
  }
  const shown = capped(series, notes, title);
  if (extras.verdictSeries && hasVerdicts(groups)) {
    const verdict = extras.verdictSeries;
    for (const [group, rows] of groups) {
      const points = rows.flatMap((row) => {
        const value = verdict.value(row);
        return value === undefined ? [] : [{ x: row.values[axis.name] as number, y: value, marker: markerOf(row) }];
      });
      if (points.length) shown.push({ label: withGroup(verdict.label, group), points, mode: 'markers', colorIndex: 8 });
    }
  }
  if (extras.perPointReference) {
    const reference = extras.perPointReference;
    for (const [group, rows] of groups) {
      const points = rows.flatMap((row) => {
        const value = reference.value(row);
        return value === undefined ? [] : [{ x: row.values[axis.name] as number, y: value }];
      });
      if (points.length) shown.push({ label: withGroup(reference.label, group), points, mode: 'line', dashed: true, colorIndex: 2 });
    }
  }
  const ys = [...shown.flatMap((entry) => entry.points.map((point) => point.y)), ...(extras.referenceLines ?? []).map((line) => line.y)];
  // Positive values spread over more than a factor 20 (chi^2/dof from 1 to 1000s): log axis.
  const yScale = ys.length > 1 && ys.every((y) => y > 0) && Math.max(...ys) / Math.min(...ys) >= 20 ? 'log' : 'linear';
  const caption = [extras.caption ?? '', hasVerdicts(groups) ? MARKER_KEY : ''].filter(Boolean).join(' ');
  return renderPlot({ id, title, xLabel: axis.name, xScale: axis.scale, yLabel, yScale, series: shown, referenceLines: extras.referenceLines ?? [], ...(caption ? { caption } : {}) });
}

/** The tolerance as one line when every point shares it, else per point. */
function toleranceReference(data: SweepData, groups: Map<string, SweepSummaryRow[]>): ScalarExtras {
  const values = [...groups.values()].flatMap((rows) => rows.flatMap((row) => (data.tolerances.has(row.id) ? [data.tolerances.get(row.id)!] : [])));
  if (!values.length) return { caption: 'No tolerance is recorded for these points (sweep-point.json options, config.json settings), so no tolerance line is drawn.' };
  if (values.every((value) => value === values[0])) return { referenceLines: [{ y: values[0]!, label: `tolerance ${formatNumber(values[0]!)}`, color: '#2ca02c' }] };
  return { perPointReference: { label: 'tolerance', value: (row) => data.tolerances.get(row.id) } };
}

function numericEntries(record: unknown): Record<string, number> {
  if (!record || typeof record !== 'object') return {};
  const flat = flattenRecord(record as Record<string, unknown>);
  return Object.fromEntries(Object.entries(flat).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])));
}

function extrapolationPlot(observable: ObservableExtrapolation, group: string, parameter: string, terms: 1 | 2): string {
  const inverse = observable.widths.map((width) => 1 / width);
  const largest = Math.max(...inverse);
  const curve = Array.from({ length: 41 }, (_, k) => {
    const x = (largest * k) / 40;
    return { x, y: observable.fit.coefficients.reduce((sum, coefficient, power) => sum + coefficient * x ** power, 0) };
  });
  const series: PlotSeries[] = [
    { label: `${observable.name} at finite ${parameter}`, points: observable.widths.map((_, k) => ({ x: inverse[k]!, y: observable.values[k]!, yError: observable.stderr[k]! })), mode: 'markers' },
    { label: terms === 1 ? 'fit O_inf + c1/N' : 'fit O_inf + c1/N + c2/N²', points: curve, mode: 'line', dashed: true },
    { label: 'O_inf ± stderr', points: [{ x: 0, y: observable.fit.value, yError: observable.fit.stderr }], mode: 'markers' },
  ];
  if (observable.target !== undefined) series.push({ label: 'target', points: [{ x: 0, y: observable.target, yError: observable.targetStderr ?? 0 }], mode: 'markers' });
  const id = `extrapolation-${observable.name}${group ? `-${group}` : ''}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
  return renderPlot({
    id,
    title: `${observable.name}: extrapolation to infinite width${group ? ` (${group})` : ''}`,
    xLabel: `1/${parameter}`,
    yLabel: observable.name,
    series,
    caption: `O_inf = ${formatNumber(observable.fit.value)} ± ${formatNumber(observable.fit.stderr)}${observable.fit.chiSquaredPerDof === null ? '' : `, χ²/dof = ${observable.fit.chiSquaredPerDof.toFixed(2)}`}${observable.pull === undefined ? '' : `, pull against the target ${observable.pull.toFixed(2)}`}.`,
  });
}

function summaryTable(data: SweepData): string {
  const names = data.manifest.parameters.map((parameter) => parameter.name);
  const header = `<tr><th>#</th><th>id</th><th>status</th>${names.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}<th>relative error</th><th>tolerance</th><th>χ²/dof</th></tr>`;
  const counts = new Map<string, number>();
  const rows = data.rows
    .map((row) => {
      const chi = row.results.chiSquaredPerDof;
      const verdict = verdictOf(row);
      counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
      const relative = row.results.relativeError;
      const tolerance = data.tolerances.get(row.id);
      const className = verdict === row.status ? row.status : `${row.status} ${verdict}`;
      return `<tr class="${escapeHtml(className)}"><td>${row.index}</td><td>${data.pointReports.has(row.id) ? `<a href="points/${encodeURIComponent(row.id)}/report.html"><code>${escapeHtml(row.id)}</code></a>` : `<code>${escapeHtml(row.id)}</code>`}</td><td class="${escapeHtml(verdict)}">${escapeHtml(verdict.replace(/-/g, ' '))}${row.error ? `: ${escapeHtml(row.error.message)}` : ''}</td>${names.map((name) => `<td>${escapeHtml(typeof row.values[name] === 'number' ? formatNumber(row.values[name] as number) : JSON.stringify(row.values[name]))}</td>`).join('')}<td>${typeof relative === 'number' ? escapeHtml(formatNumber(relative)) : ''}</td><td>${tolerance === undefined ? '' : escapeHtml(formatNumber(tolerance))}</td><td>${typeof chi === 'number' ? escapeHtml(formatNumber(chi)) : ''}</td></tr>`;
    })
    .join('');
  const tally = [...counts].map(([verdict, count]) => `${count} ${verdict.replace(/-/g, ' ')}`).join(', ');
  return `<table class="summary"><caption>Points (${data.rows.length} of ${data.manifest.points.length} with results${tally ? `: ${escapeHtml(tally)}` : ''})</caption>${header}${rows}</table>`;
}

function extrapolationTable(data: SweepData): string {
  const table = data.extrapolation!;
  const rows = table.groups.flatMap((group) => {
    const label = Object.entries(group.values)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(', ');
    return group.observables.map(
      (observable) =>
        `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(observable.name)}</td><td>${formatNumber(observable.fit.value)} ± ${formatNumber(observable.fit.stderr)}</td><td>${observable.fit.chiSquaredPerDof === null ? '—' : observable.fit.chiSquaredPerDof.toFixed(2)}</td><td>${observable.target === undefined ? '' : formatNumber(observable.target)}</td><td>${observable.pull === undefined ? '' : observable.pull.toFixed(2)}</td></tr>`,
    );
  });
  return `<table class="extrapolation"><caption>Infinite-width extrapolation, ${escapeHtml(table.model)}</caption><tr><th>group</th><th>observable</th><th>O_inf</th><th>χ²/dof</th><th>target</th><th>pull</th></tr>${rows.join('')}</table>`;
}

export function sweepSections(data: SweepData): ReportSection[] {
  const sections: ReportSection[] = [];
  const notes: string[] = [];
  const axis = chooseAxis(data);
  if (!axis) {
    notes.push('No varied parameter is numeric, so nothing is plotted against it; the table lists the points.');
  } else {
    const groups = grouped(data.rows, axis.name);
    const plots: string[] = [];
    const orders = new Set<number>();
    for (const rows of groups.values()) for (const row of rows) for (const key of Object.keys(correlatorsOf(row))) orders.add(Number(/^Gc(\d+)\(/.exec(key)?.[1] ?? NaN));
    for (const order of [...orders].filter(Number.isFinite).sort((a, b) => a - b)) {
      const plot = correlatorPlot(order, groups, axis, notes);
      if (plot) plots.push(plot);
    }
    if (!orders.size) plots.push(correlatorPlot(2, groups, axis, notes) ?? renderPlot({ id: 'sweep-gc2', title: `Connected 2-point functions against ${axis.name}`, xLabel: axis.name, yLabel: 'G_c2', series: [] }));
    plots.push(scalarPlot('sweep-parameters', `Fitted couplings and parameters against ${axis.name}`, 'value', (row) => numericEntries(row.results.parameters), groups, axis, notes));
    plots.push(
      scalarPlot(
        'sweep-chi2',
        `χ²/dof against ${axis.name}`,
        'χ²/dof',
        (row): Record<string, number> => (typeof row.results.chiSquaredPerDof === 'number' ? { 'χ²/dof': row.results.chiSquaredPerDof } : {}),
        groups,
        axis,
        notes,
        { referenceLines: [{ y: 1, label: 'χ²/dof = 1' }] },
      ),
    );
    // Per order when the rows have it, else the design's worst-order relative error.
    const relative = (row: SweepSummaryRow): Record<string, number> => {
      const perOrder = Object.fromEntries(Object.entries(numericEntries(row.results.relativeErrors)).map(([order, value]) => [`G_c${order}`, value]));
      if (Object.keys(perOrder).length) return perOrder;
      return typeof row.results.relativeError === 'number' && Number.isFinite(row.results.relativeError) ? { 'relative error (worst order)': row.results.relativeError } : {};
    };
    if ([...groups.values()].some((rows) => rows.some((row) => Object.keys(relative(row)).length > 0))) {
      const tolerance = toleranceReference(data, groups);
      plots.push(
        scalarPlot('sweep-relative-error', `Relative error per order against ${axis.name}, with the tolerance`, 'relative error', relative, groups, axis, notes, {
          ...tolerance,
          verdictSeries: {
            label: 'point verdict, at its worst order',
            value: (row) => (typeof row.results.relativeError === 'number' && Number.isFinite(row.results.relativeError) ? row.results.relativeError : undefined),
          },
          caption: [`Met when every order is at or below the tolerance (and the validation is consistent).`, tolerance.caption ?? ''].filter(Boolean).join(' '),
        }),
      );
    }
    sections.push({ id: 'sweep-plots', title: `Results against ${axis.name}`, html: plots.join('') });
  }
  if (data.extrapolation) {
    const plots: string[] = [];
    for (const group of data.extrapolation.groups) {
      const label = Object.entries(group.values)
        .map(([name, value]) => `${name}=${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`)
        .join(', ');
      for (const observable of group.observables) {
        if (plots.length >= MAX_EXTRAPOLATION_PLOTS) break;
        plots.push(extrapolationPlot(observable, label, data.extrapolation.parameter, data.extrapolation.terms));
      }
    }
    const total = data.extrapolation.groups.reduce((count, group) => count + group.observables.length, 0);
    if (total > plots.length) notes.push(`Extrapolation: ${plots.length} of ${total} fits are plotted; the table lists all.`);
    sections.push({ id: 'extrapolation', title: 'Infinite-width extrapolation', html: plots.join('') + extrapolationTable(data) });
  }
  sections.push({ id: 'points', title: 'Points', html: summaryTable(data) + notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('') });
  return sections;
}
