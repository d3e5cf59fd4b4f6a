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
import { renderPlot, type PlotSeries } from './svg-plot.js';
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
        return entry ? [{ x: row.values[axis.name] as number, y: entry.value, yError: entry.stderr }] : [];
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
    caption: 'Solid: achieved ± one standard error; dashed: target.',
  });
}

function scalarPlot(id: string, title: string, yLabel: string, pick: (row: SweepSummaryRow) => Record<string, number>, groups: Map<string, SweepSummaryRow[]>, axis: Axis, notes: string[]): string {
  const series: PlotSeries[] = [];
  const names: string[] = [];
  for (const rows of groups.values()) for (const row of rows) for (const name of Object.keys(pick(row))) if (!names.includes(name)) names.push(name);
  for (const name of names) {
    for (const [group, rows] of groups) {
      const points = rows.flatMap((row) => {
        const value = pick(row)[name];
        return typeof value === 'number' && Number.isFinite(value) ? [{ x: row.values[axis.name] as number, y: value }] : [];
      });
      if (points.length) series.push({ label: withGroup(name, group), points, mode: 'line+markers' });
    }
  }
  const shown = capped(series, notes, title);
  const ys = shown.flatMap((entry) => entry.points.map((point) => point.y));
  // Positive values spread over more than a factor 20 (chi^2/dof from 1 to 1000s): log axis.
  const yScale = ys.length > 1 && ys.every((y) => y > 0) && Math.max(...ys) / Math.min(...ys) >= 20 ? 'log' : 'linear';
  return renderPlot({ id, title, xLabel: axis.name, xScale: axis.scale, yLabel, yScale, series: shown });
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
  const header = `<tr><th>#</th><th>id</th><th>status</th>${names.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}<th>χ²/dof</th></tr>`;
  const rows = data.rows
    .map((row) => {
      const chi = row.results.chiSquaredPerDof;
      return `<tr class="${row.status}"><td>${row.index}</td><td>${data.pointReports.has(row.id) ? `<a href="points/${encodeURIComponent(row.id)}/report.html"><code>${escapeHtml(row.id)}</code></a>` : `<code>${escapeHtml(row.id)}</code>`}</td><td>${escapeHtml(row.status)}${row.error ? `: ${escapeHtml(row.error.message)}` : ''}</td>${names.map((name) => `<td>${escapeHtml(typeof row.values[name] === 'number' ? formatNumber(row.values[name] as number) : JSON.stringify(row.values[name]))}</td>`).join('')}<td>${typeof chi === 'number' ? escapeHtml(formatNumber(chi)) : ''}</td></tr>`;
    })
    .join('');
  return `<table class="summary"><caption>Points (${data.rows.length} of ${data.manifest.points.length} with results)</caption>${header}${rows}</table>`;
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
      ),
    );
    const relative = (row: SweepSummaryRow): Record<string, number> =>
      Object.fromEntries(Object.entries(numericEntries(row.results.relativeErrors)).map(([order, value]) => [`G_c${order}`, value]));
    if ([...groups.values()].some((rows) => rows.some((row) => Object.keys(relative(row)).length > 0))) {
      plots.push(scalarPlot('sweep-relative-error', `Relative error per order against ${axis.name}`, 'relative error', relative, groups, axis, notes));
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
