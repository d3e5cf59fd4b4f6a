/** The plots and tables of one design run: headline, correlators, and the optimisation history. */
import { comparisonTable, correlatorPlots, headline } from './correlator-plots.js';
import { escapeHtml } from './escape.js';
import { formatNumber } from './ticks.js';
import type { RunData } from './read-directory.js';
import { renderPlot, type PlotPoint, type PlotSeries } from './svg-plot.js';

export interface ReportSection {
  id: string;
  title: string;
  html: string;
}

function numberAt(record: Record<string, unknown>, keys: string[]): number | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

const MAX_TRAJECTORIES = 12;

/**
 * Optimisation history plots from metrics.jsonl records (fields read: step, width, loss, lossStderr,
 * chiSquaredPerDof, ess, parameters; any may be missing). A run that tried several widths (width
 * auto) restarts its step count at each width: then the x axis is the iteration over the whole run
 * and loss, chi^2/dof and ESS get one series per width. Steps that restart for another reason
 * (optimisation rounds) or are missing also switch the x axis to the iteration.
 */
export function historyPlots(metrics: Record<string, unknown>[]): { plots: string[]; notes: string[] } {
  const notes: string[] = [];
  const widths = metrics.map((record) => numberAt(record, ['width']));
  const distinctWidths = [...new Set(widths.filter((width): width is number => width !== undefined))];
  const perWidth = distinctWidths.length > 1;
  const recordedSteps = metrics.map((record) => numberAt(record, ['step']));
  // Steps that restart (several widths, or several optimisation rounds) or are missing: plot against
  // the iteration over the whole run instead.
  const monotone = recordedSteps.every((step, k) => step !== undefined && (k === 0 || step > recordedSteps[k - 1]!));
  const byIteration = perWidth || !monotone;
  const steps = byIteration ? metrics.map((_, k) => k) : (recordedSteps as number[]);
  const xLabel = perWidth ? 'iteration (all widths in order)' : byIteration ? 'iteration' : 'step';
  if (perWidth) {
    const spans = distinctWidths.map((width) => {
      const at = widths.flatMap((value, k) => (value === width ? [k] : []));
      return `width ${width}: iterations ${at[0]}-${at[at.length - 1]}`;
    });
    notes.push(`This run tried ${distinctWidths.length} widths (${spans.join('; ')}).`);
  }
  const column = (keys: string[], errorKeys: string[] = [], width?: number): PlotPoint[] =>
    metrics.flatMap((record, k) => {
      if (width !== undefined && widths[k] !== width) return [];
      const y = numberAt(record, keys);
      if (y === undefined) return [];
      const yError = numberAt(record, errorKeys);
      return [{ x: steps[k]!, y, ...(yError !== undefined ? { yError } : {}) }];
    });
  /** One series, or one per width. */
  const seriesOf = (label: string, keys: string[], errorKeys: string[] = []): PlotSeries[] =>
    (perWidth ? distinctWidths : [undefined])
      .map((width) => ({ label: width === undefined ? label : `${label}, width ${width}`, points: column(keys, errorKeys, width), mode: 'line' as const }))
      .filter((series) => series.points.length > 0);
  const lossSeries = seriesOf('loss', ['loss'], ['lossStderr']);
  if (lossSeries.some((series) => series.points.some((point) => point.yError !== undefined))) for (const series of lossSeries) series.label = series.label.replace(/^loss/, 'loss ± stderr');
  const chiSquaredSeries = seriesOf('χ²/dof', ['chiSquaredPerDof', 'chi2PerDof']);
  const essSeries = seriesOf('ESS', ['ess', 'effectiveSampleSize']);
  const positive = (series: PlotSeries[]) => series.length > 0 && series.every((entry) => entry.points.every((point) => point.y > 0));
  const plots: string[] = [];
  plots.push(renderPlot({ id: 'loss', title: 'Loss per step', xLabel, yLabel: 'loss (χ²)', yScale: positive(lossSeries) ? 'log' : 'linear', series: lossSeries, xIntegerTicks: true }));
  const firstStep = steps[0] ?? 0;
  const lastStep = steps[steps.length - 1] ?? 1;
  plots.push(
    renderPlot({
      id: 'chi2',
      title: 'χ²/dof per step',
      xLabel,
      yLabel: 'χ²/dof',
      yScale: positive(chiSquaredSeries) ? 'log' : 'linear',
      series: chiSquaredSeries.length
        ? [...chiSquaredSeries, { label: 'χ²/dof = 1', points: [{ x: firstStep, y: 1 }, { x: lastStep, y: 1 }], mode: 'line', dashed: true }]
        : [],
      xIntegerTicks: true,
    }),
  );
  plots.push(renderPlot({ id: 'ess', title: 'Effective sample size per step', xLabel, yLabel: 'ESS', series: essSeries, xIntegerTicks: true }));

  const names: string[] = [];
  for (const record of metrics) {
    const parameters = record.parameters ?? record.couplings;
    if (parameters && typeof parameters === 'object') for (const name of Object.keys(parameters)) if (!names.includes(name)) names.push(name);
  }
  if (names.length > MAX_TRAJECTORIES) notes.push(`Parameter trajectories: the first ${MAX_TRAJECTORIES} of ${names.length} parameters are shown.`);
  const trajectories: PlotSeries[] = names.slice(0, MAX_TRAJECTORIES).map((name) => ({
    label: name,
    mode: 'line',
    points: metrics.flatMap((record, k) => {
      const value = ((record.parameters ?? record.couplings) as Record<string, unknown> | undefined)?.[name];
      return typeof value === 'number' && Number.isFinite(value) ? [{ x: steps[k]!, y: value }] : [];
    }),
  }));
  plots.push(renderPlot({ id: 'parameters', title: 'Coupling and parameter trajectories', xLabel, yLabel: 'value', series: trajectories, height: 380, xIntegerTicks: true }));
  return { plots, notes };
}

function cell(value: unknown): string {
  if (typeof value === 'number') return escapeHtml(formatNumber(value));
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  return escapeHtml(value);
}

export function keyValueTable(record: Record<string, unknown>, caption: string): string {
  const rows = Object.entries(record)
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${cell(value)}</td></tr>`)
    .join('');
  return `<table class="key-value"><caption>${escapeHtml(caption)}</caption>${rows}</table>`;
}

/** The run's headline (status, tolerance, relative error, validation chi^2/dof and p-value), or ''. */
export function runHeadline(data: RunData): string {
  return data.result ? headline(data.result, data.config) : '';
}

export function runSections(data: RunData): ReportSection[] {
  const sections: ReportSection[] = [];
  if (data.result) {
    const parameters = data.result.parameters && typeof data.result.parameters === 'object' ? (data.result.parameters as Record<string, unknown>) : null;
    const facts: Record<string, unknown> = {};
    for (const key of ['kind', 'status', 'tolerance', 'relativeError', 'width', 'chiSquaredPerDof', 'ess', 'ensembleSize', 'validationEnsembleSize', 'backend', 'seed', 'method']) if (data.result[key] !== undefined) facts[key] = data.result[key];
    const correlators = correlatorPlots(data.result, data.config);
    sections.push({
      id: 'correlators',
      title: 'Target and achieved correlators',
      html:
        correlators.plots.join('') +
        correlators.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('') +
        comparisonTable(data.result) +
        keyValueTable(facts, 'Result') +
        (parameters ? keyValueTable(parameters, 'Fitted parameters') : ''),
    });
  }
  if (data.metrics.length) {
    const history = historyPlots(data.metrics);
    sections.push({ id: 'history', title: 'Optimisation history', html: history.plots.join('') + history.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('') });
  }
  if (data.point) sections.push({ id: 'sweep-point', title: 'Sweep point', html: keyValueTable(data.point, 'This run is one point of a sweep') });
  if (data.config) sections.push({ id: 'config', title: 'Inputs', html: `<pre>${escapeHtml(JSON.stringify(data.config, null, 2))}</pre>` });
  return sections;
}
