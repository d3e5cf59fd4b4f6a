/**
 * A small self-contained SVG plotter for reports: linear or log axes with ticks, several series
 * (lines, markers, dashed references), vertical error bars, shaded bands (a tolerance around a
 * curve), horizontal reference lines (pull = ±2, a tolerance), a legend. Markers are filled dots,
 * open rings (drawn larger, so a target ring stays visible around an achieved dot at the same place)
 * or crosses, per series or per point. Output is static SVG text (no scripts, no external fonts or
 * styles), so a report opens anywhere, offline.
 */
import { escapeHtml } from './escape.js';
import { linearTicks, logTicks, type Tick } from './ticks.js';

export interface PlotPoint {
  x: number;
  y: number;
  /** One standard error, drawn as a vertical bar y ± yError. */
  yError?: number;
  /** This point's marker, overriding the series' (met filled, not met open, say). */
  marker?: MarkerKind;
}

/** filled: a dot; open: a ring, larger than a dot, drawn around whatever lies under it; cross: an x. */
export type MarkerKind = 'filled' | 'open' | 'cross';

export interface PlotSeries {
  label: string;
  points: PlotPoint[];
  mode?: 'line' | 'markers' | 'line+markers';
  dashed?: boolean;
  /** Palette slot; series that belong together (achieved and its target) share one. Default: position. */
  colorIndex?: number;
  /** Marker of every point (default filled). */
  marker?: MarkerKind;
}

/** A shaded region low(x) to high(x), e.g. target ± tolerance × scale. */
export interface PlotBand {
  label: string;
  points: { x: number; low: number; high: number }[];
  colorIndex?: number;
}

/** A horizontal line across the whole plot (pull = ±2, the tolerance, chi^2/dof = 1). */
export interface PlotReferenceLine {
  y: number;
  /** Legend text; lines that share a label get one legend entry. */
  label: string;
  dashed?: boolean;
  /** A colour for the line (default dark grey). */
  color?: string;
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
  bands?: PlotBand[];
  referenceLines?: PlotReferenceLine[];
  /** Replace numeric x tick labels (categorical axes such as tuple labels). */
  xTickLabels?: Tick[];
  /** Smallest span of a linear y axis, centred on the data (a flat curve is not zoomed into its round-off). */
  yMinSpan?: number;
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

function makeAxis(values: number[], scale: 'linear' | 'log', pixelStart: number, pixelEnd: number, minSpan = 0): Axis | null {
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
  if (range[1] - range[0] < minSpan) {
    const centre = (range[0] + range[1]) / 2;
    range[0] = centre - minSpan / 2;
    range[1] = centre + minSpan / 2;
  }
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

const REFERENCE_COLOR = '#555555';

/** SVG path of one marker at (x, y). */
function markerPath(kind: MarkerKind, x: number, y: number): string {
  if (kind === 'open') return `M${round(x - 5)} ${round(y)}a5 5 0 1 0 10 0a5 5 0 1 0 -10 0`;
  if (kind === 'cross') return `M${round(x - 4)} ${round(y - 4)}l8 8M${round(x - 4)} ${round(y + 4)}l8 -8`;
  return `M${round(x - 3)} ${round(y)}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`;
}

function markerAttributes(kind: MarkerKind, color: string): string {
  if (kind === 'open') return `fill="none" stroke="${color}" stroke-width="1.6"`;
  if (kind === 'cross') return `fill="none" stroke="${color}" stroke-width="1.8"`;
  return `fill="${color}" stroke="${color}"`;
}

interface LegendEntry {
  label: string;
  color: string;
  line: boolean;
  dashed: boolean;
  marker: MarkerKind | null;
  band: boolean;
}

export function renderPlot(spec: PlotSpec): string {
  const width = spec.width ?? 560;
  const xScale = spec.xScale ?? 'linear';
  const yScale = spec.yScale ?? 'linear';
  // Many categorical x labels (index tuples) are written at an angle, which needs a deeper margin.
  const rotatedLabels = (spec.xTickLabels?.length ?? 0) > 12;
  const bottomMargin = MARGIN.bottom + (rotatedLabels ? 26 : 0);
  const height = (spec.height ?? 340) + (rotatedLabels ? 26 : 0);
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - bottomMargin;
  const series = spec.series.map((entry) => ({ ...entry, points: entry.points.filter((point) => visible(point, xScale, yScale)) }));
  const dropped = spec.series.reduce((count, entry) => count + entry.points.length, 0) - series.reduce((count, entry) => count + entry.points.length, 0);
  const bands = (spec.bands ?? [])
    .map((band) => ({ ...band, points: band.points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.low) && Number.isFinite(point.high) && (xScale !== 'log' || point.x > 0) && (yScale !== 'log' || point.high > 0)) }))
    .filter((band) => band.points.length > 1);
  const references = (spec.referenceLines ?? []).filter((line) => Number.isFinite(line.y) && (yScale !== 'log' || line.y > 0));

  const xs = [...series.flatMap((entry) => entry.points.map((point) => point.x)), ...bands.flatMap((band) => band.points.map((point) => point.x))];
  const ys = [
    ...series.flatMap((entry) =>
      entry.points.flatMap((point) => {
        const error = point.yError && Number.isFinite(point.yError) ? point.yError : 0;
        const low = point.y - error;
        return [point.y + error, yScale === 'log' && low <= 0 ? point.y : low];
      }),
    ),
    ...bands.flatMap((band) => band.points.flatMap((point) => (yScale === 'log' && point.low <= 0 ? [point.high] : [point.low, point.high]))),
    // Reference lines widen the y range only where there is data to place them against.
    ...(xs.length ? references.map((line) => line.y) : []),
  ];
  const xAxis = makeAxis(xs, xScale, left, right);
  const yAxis = makeAxis(ys, yScale, bottom, top, spec.yMinSpan ?? 0);

  const legend: LegendEntry[] = [];
  series.forEach((entry, position) => {
    const mode = entry.mode ?? 'line+markers';
    legend.push({ label: entry.label, color: PALETTE[(entry.colorIndex ?? position) % PALETTE.length]!, line: mode !== 'markers', dashed: entry.dashed ?? false, marker: mode === 'line' ? null : entry.marker ?? 'filled', band: false });
  });
  bands.forEach((band, position) => legend.push({ label: band.label, color: PALETTE[(band.colorIndex ?? position) % PALETTE.length]!, line: false, dashed: false, marker: null, band: true }));
  for (const line of references) {
    if (legend.some((entry) => entry.label === line.label)) continue;
    legend.push({ label: line.label, color: line.color ?? REFERENCE_COLOR, line: true, dashed: line.dashed ?? true, marker: null, band: false });
  }
  const showLegend = legend.length > 1 || (legend.length === 1 && legend[0]!.label !== '');

  // Legend layout: entries flow in rows under the axis label; the SVG grows to hold them.
  const legendSlots: { x: number; y: number }[] = [];
  let legendX = left;
  let legendRow = 0;
  for (const entry of legend) {
    const entryWidth = 30 + entry.label.length * 6.2;
    if (legendX > left && legendX + entryWidth > right) {
      legendX = left;
      legendRow++;
    }
    legendSlots.push({ x: legendX, y: height + 4 + legendRow * 16 });
    legendX += entryWidth;
  }
  const totalHeight = height + (legend.length ? (legendRow + 1) * 16 + 4 : 0);
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
      if (rotatedLabels) parts.push(`<text transform="translate(${round(x + 3)} ${bottom + 10}) rotate(-60)" text-anchor="end" font-size="10">${escapeHtml(tick.label)}</text>`);
      else parts.push(`<text x="${round(x)}" y="${bottom + 17}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
    }
    for (const tick of yAxis.ticks) {
      const y = yAxis.toPixel(tick.value);
      if (y < top - 0.5 || y > bottom + 0.5) continue;
      parts.push(`<line x1="${left}" y1="${round(y)}" x2="${right}" y2="${round(y)}" stroke="#e4e4e4"/>`);
      parts.push(`<line x1="${left - 5}" y1="${round(y)}" x2="${left}" y2="${round(y)}" stroke="#444"/>`);
      parts.push(`<text x="${left - 8}" y="${round(y + 4)}" text-anchor="end">${escapeHtml(tick.label)}</text>`);
    }
    // Bands under everything else; a low edge at or below zero on a log axis runs along the bottom.
    bands.forEach((band, position) => {
      const color = PALETTE[(band.colorIndex ?? position) % PALETTE.length]!;
      const sorted = [...band.points].sort((a, b) => a.x - b.x);
      const lowPixel = (value: number) => (yScale === 'log' && value <= 0 ? bottom : Math.min(bottom, yAxis.toPixel(value)));
      const upper = sorted.map((point, k) => `${k === 0 ? 'M' : 'L'}${round(xAxis.toPixel(point.x))} ${round(yAxis.toPixel(point.high))}`).join('');
      const lower = [...sorted].reverse().map((point) => `L${round(xAxis.toPixel(point.x))} ${round(lowPixel(point.low))}`).join('');
      parts.push(`<path class="band" data-band="${escapeHtml(band.label)}" d="${upper}${lower}Z" fill="${color}" fill-opacity="0.14" stroke="${color}" stroke-opacity="0.35" stroke-width="0.8"/>`);
    });
    for (const line of references) {
      const y = yAxis.toPixel(line.y);
      parts.push(`<path class="reference-line" data-reference="${escapeHtml(line.label)}" d="M${left} ${round(y)}H${right}" stroke="${line.color ?? REFERENCE_COLOR}" stroke-width="1.2" fill="none"${line.dashed ?? true ? ' stroke-dasharray="6 4"' : ''}/>`);
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
        for (const kind of ['filled', 'open', 'cross'] as const) {
          const d = sorted
            .filter((point) => (point.marker ?? entry.marker ?? 'filled') === kind)
            .map((point) => markerPath(kind, xAxis.toPixel(point.x), yAxis.toPixel(point.y)))
            .join('');
          if (d) group.push(`<path class="series-markers" d="${d}" data-marker="${kind}" ${markerAttributes(kind, color)}/>`);
        }
      }
      group.push('</g>');
      parts.push(group.join(''));
    });
    // Legend below the x-axis label, entries flowing left to right, so it never hides data.
    if (showLegend) {
      parts.push('<g class="legend">');
      legend.forEach((entry, position) => {
        const slot = legendSlots[position]!;
        const y = slot.y - 4;
        if (entry.band) parts.push(`<rect x="${round(slot.x)}" y="${round(y - 5)}" width="16" height="10" fill="${entry.color}" fill-opacity="0.18" stroke="${entry.color}" stroke-opacity="0.5"/>`);
        if (entry.line) parts.push(`<line x1="${round(slot.x)}" y1="${round(y)}" x2="${round(slot.x + 16)}" y2="${round(y)}" stroke="${entry.color}" stroke-width="2"${entry.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
        if (entry.marker) parts.push(`<path d="${markerPath(entry.marker, slot.x + 8, y)}" ${markerAttributes(entry.marker, entry.color)}/>`);
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
