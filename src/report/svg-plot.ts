/**
 * A small self-contained SVG plotter for reports: linear or log axes with ticks, several series
 * (lines, markers, dashed references), vertical error bars, a legend. Output is static SVG text
 * (no scripts, no external fonts or styles), so a report opens anywhere, offline.
 */
import { escapeHtml } from './escape.js';
import { linearTicks, logTicks, type Tick } from './ticks.js';

export interface PlotPoint {
  x: number;
  y: number;
  /** One standard error, drawn as a vertical bar y ± yError. */
  yError?: number;
}

export interface PlotSeries {
  label: string;
  points: PlotPoint[];
  mode?: 'line' | 'markers' | 'line+markers';
  dashed?: boolean;
  /** Palette slot; series that belong together (achieved and its target) share one. Default: position. */
  colorIndex?: number;
}

export interface PlotSpec {
  /** Element id (figure id="plot-<id>"), stable for tests and links. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  series: PlotSeries[];
  /** Replace numeric x tick labels (categorical axes such as tuple labels). */
  xTickLabels?: Tick[];
  /** Whole-number x ticks only (steps, iterations). */
  xIntegerTicks?: boolean;
  width?: number;
  height?: number;
  /** A sentence under the plot. */
  caption?: string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const MARGIN = { left: 72, right: 16, top: 34, bottom: 48 };

function extent(values: number[]): [number, number] | null {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return null;
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  return [min, max];
}

interface Axis {
  toPixel: (value: number) => number;
  ticks: Tick[];
}

function makeAxis(values: number[], scale: 'linear' | 'log', pixelStart: number, pixelEnd: number): Axis | null {
  if (scale === 'log') {
    const range = extent(values.filter((value) => value > 0).map(Math.log10));
    if (!range) return null;
    const pad = (range[1] - range[0]) * 0.05;
    const low = range[0] - pad;
    const high = range[1] + pad;
    return {
      toPixel: (value) => pixelStart + ((Math.log10(value) - low) / (high - low)) * (pixelEnd - pixelStart),
      ticks: logTicks(10 ** low, 10 ** high),
    };
  }
  const range = extent(values);
  if (!range) return null;
  const pad = (range[1] - range[0]) * 0.05;
  const low = range[0] - pad;
  const high = range[1] + pad;
  return {
    toPixel: (value) => pixelStart + ((value - low) / (high - low)) * (pixelEnd - pixelStart),
    ticks: linearTicks(low, high),
  };
}

function round(value: number): string {
  return value.toFixed(1);
}

/** The points a given axis scale can show (log axes drop non-positive values). */
function visible(point: PlotPoint, xScale: string, yScale: string): boolean {
  if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) return false;
  if (xScale === 'log' && point.x <= 0) return false;
  if (yScale === 'log' && point.y <= 0) return false;
  return true;
}

export function renderPlot(spec: PlotSpec): string {
  const width = spec.width ?? 560;
  const height = spec.height ?? 340;
  const xScale = spec.xScale ?? 'linear';
  const yScale = spec.yScale ?? 'linear';
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const series = spec.series.map((entry) => ({ ...entry, points: entry.points.filter((point) => visible(point, xScale, yScale)) }));
  const dropped = spec.series.reduce((count, entry) => count + entry.points.length, 0) - series.reduce((count, entry) => count + entry.points.length, 0);

  const xs = series.flatMap((entry) => entry.points.map((point) => point.x));
  const ys = series.flatMap((entry) =>
    entry.points.flatMap((point) => {
      const error = point.yError && Number.isFinite(point.yError) ? point.yError : 0;
      const low = point.y - error;
      return [point.y + error, yScale === 'log' && low <= 0 ? point.y : low];
    }),
  );
  const xAxis = makeAxis(xs, xScale, left, right);
  const yAxis = makeAxis(ys, yScale, bottom, top);

  // Legend layout: entries flow in rows under the axis label; the SVG grows to hold them.
  const legendSlots: { x: number; y: number }[] = [];
  let legendX = left;
  let legendRow = 0;
  for (const entry of series) {
    const entryWidth = 30 + entry.label.length * 6.2;
    if (legendX > left && legendX + entryWidth > right) {
      legendX = left;
      legendRow++;
    }
    legendSlots.push({ x: legendX, y: height + 4 + legendRow * 16 });
    legendX += entryWidth;
  }
  const totalHeight = height + (series.length ? (legendRow + 1) * 16 + 4 : 0);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${totalHeight}" width="${width}" height="${totalHeight}" role="img" aria-label="${escapeHtml(spec.title)}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${totalHeight}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(spec.title)}</text>`);
  parts.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#444"/>`);

  if (!xAxis || !yAxis) {
    parts.push(`<text class="no-data" x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle" fill="#888">no data to plot</text>`);
  } else {
    const xTicks = spec.xTickLabels ?? (spec.xIntegerTicks ? xAxis.ticks.filter((tick) => Number.isInteger(tick.value)) : xAxis.ticks);
    for (const tick of xTicks) {
      const x = xAxis.toPixel(tick.value);
      if (x < left - 0.5 || x > right + 0.5) continue;
      parts.push(`<line x1="${round(x)}" y1="${top}" x2="${round(x)}" y2="${bottom}" stroke="#e4e4e4"/>`);
      parts.push(`<line x1="${round(x)}" y1="${bottom}" x2="${round(x)}" y2="${bottom + 5}" stroke="#444"/>`);
      parts.push(`<text x="${round(x)}" y="${bottom + 17}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
    }
    for (const tick of yAxis.ticks) {
      const y = yAxis.toPixel(tick.value);
      if (y < top - 0.5 || y > bottom + 0.5) continue;
      parts.push(`<line x1="${left}" y1="${round(y)}" x2="${right}" y2="${round(y)}" stroke="#e4e4e4"/>`);
      parts.push(`<line x1="${left - 5}" y1="${round(y)}" x2="${left}" y2="${round(y)}" stroke="#444"/>`);
      parts.push(`<text x="${left - 8}" y="${round(y + 4)}" text-anchor="end">${escapeHtml(tick.label)}</text>`);
    }
    series.forEach((entry, position) => {
      const color = PALETTE[(entry.colorIndex ?? position) % PALETTE.length]!;
      const mode = entry.mode ?? 'line+markers';
      const sorted = [...entry.points].sort((a, b) => a.x - b.x);
      const group: string[] = [`<g class="series" data-series="${escapeHtml(entry.label)}">`];
      const bars = sorted
        .filter((point) => point.yError && point.yError > 0 && Number.isFinite(point.yError))
        .map((point) => {
          const x = xAxis.toPixel(point.x);
          const lowValue = point.y - point.yError!;
          const low = yAxis.toPixel(yScale === 'log' && lowValue <= 0 ? point.y : lowValue);
          const high = yAxis.toPixel(point.y + point.yError!);
          return `M${round(x)} ${round(low)}V${round(high)}M${round(x - 3)} ${round(low)}h6M${round(x - 3)} ${round(high)}h6`;
        })
        .join('');
      if (bars) group.push(`<path class="error-bars" d="${bars}" stroke="${color}" fill="none"/>`);
      if (mode !== 'markers' && sorted.length > 1) {
        const d = sorted.map((point, k) => `${k === 0 ? 'M' : 'L'}${round(xAxis.toPixel(point.x))} ${round(yAxis.toPixel(point.y))}`).join('');
        group.push(`<path class="series-line" d="${d}" stroke="${color}" stroke-width="1.6" fill="none"${entry.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      }
      if (mode !== 'line' || sorted.length === 1) {
        const d = sorted.map((point) => `M${round(xAxis.toPixel(point.x) - 3)} ${round(yAxis.toPixel(point.y))}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`).join('');
        if (d) group.push(`<path class="series-markers" d="${d}" fill="${color}" stroke="${color}"/>`);
      }
      group.push('</g>');
      parts.push(group.join(''));
    });
    // Legend below the x-axis label, entries flowing left to right, so it never hides data.
    if (series.length > 1 || (series.length === 1 && series[0]!.label)) {
      parts.push('<g class="legend">');
      series.forEach((entry, position) => {
        const color = PALETTE[(entry.colorIndex ?? position) % PALETTE.length]!;
        const slot = legendSlots[position]!;
        parts.push(`<line x1="${round(slot.x)}" y1="${round(slot.y - 4)}" x2="${round(slot.x + 16)}" y2="${round(slot.y - 4)}" stroke="${color}" stroke-width="2"${entry.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
        if ((entry.mode ?? 'line+markers') !== 'line') parts.push(`<circle cx="${round(slot.x + 8)}" cy="${round(slot.y - 4)}" r="3" fill="${color}"/>`);
        parts.push(`<text x="${round(slot.x + 20)}" y="${round(slot.y)}">${escapeHtml(entry.label)}</text>`);
      });
      parts.push('</g>');
    }
  }
  parts.push(`<text x="${(left + right) / 2}" y="${height - 10}" text-anchor="middle">${escapeHtml(spec.xLabel)}${xScale === 'log' ? ' (log)' : ''}</text>`);
  parts.push(`<text transform="translate(14 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}${yScale === 'log' ? ' (log)' : ''}</text>`);
  parts.push('</svg>');

  const notes = [spec.caption ?? '', dropped > 0 ? `${dropped} point${dropped === 1 ? '' : 's'} not shown (non-finite, or not positive on a log axis).` : '']
    .filter(Boolean)
    .map(escapeHtml)
    .join(' ');
  return `<figure class="plot" id="plot-${escapeHtml(spec.id)}">${parts.join('')}${notes ? `<figcaption>${notes}</figcaption>` : ''}</figure>`;
}
