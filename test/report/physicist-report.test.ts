/**
 * The report a physicist would show (docs/sweeps-and-reports.md, "Reports: `nnft report`"): headline with the verdict's numbers, G_c2
 * against separation with the target's exact curve and the tolerance band, pulls per order against
 * ±2 sigma, exact targets shown as exact, the width curve, and sweep points marked met / not met.
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from '../../src/report/index.js';
import { exactTwoPointCurve } from '../../src/report/exact-curve.js';
import { formatNumber } from '../../src/report/ticks.js';
import { syntheticDesignRun, syntheticVerdictSweep } from './fixtures.js';

function figure(html: string, id: string): string {
  const start = html.indexOf(`<figure class="plot" id="plot-${id}">`);
  expect(start, `plot ${id} is missing`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start) + '</figure>'.length);
}

function headlineField(html: string, field: string): string {
  const match = new RegExp(`<div data-field="${field}"><dt>[^<]*</dt><dd>([^<]*)</dd></div>`).exec(html);
  expect(match, `headline field ${field} is missing`).not.toBeNull();
  return match![1]!;
}

/** Pixel y of a value on a plot's linear y axis, from two of its tick labels. */
function yAxisMap(svg: string): (pixel: number) => number {
  const ticks = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end">([-\d.e+]+)<\/text>/g)].map((match) => ({ y: Number(match[1]) - 4, value: Number(match[2]) }));
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
  return (pixel) => a.value + ((pixel - a.y) * (b.value - a.value)) / (b.y - a.y);
}

function referenceY(svg: string, label: string): number[] {
  return [...svg.matchAll(new RegExp(`<path class="reference-line" data-reference="${label}" d="M[\\d.]+ ([\\d.]+)H`, 'g'))].map((match) => Number(match[1]));
}

/** Markers drawn in one series group, by kind. */
function markerCounts(group: string): Record<string, number> {
  const counts: Record<string, number> = { filled: 0, open: 0, cross: 0 };
  for (const match of group.matchAll(/<path class="series-markers" d="([^"]*)" data-marker="(\w+)"/g)) {
    const d = match[1]!;
    counts[match[2]!] += match[2] === 'cross' ? d.split('l8 8').length - 1 : d.split('a').length / 2 - 0.5;
  }
  return counts;
}

function seriesGroup(svg: string, label: string): string {
  const start = svg.indexOf(`<g class="series" data-series="${label}">`);
  expect(start, `series ${label} is missing`).toBeGreaterThanOrEqual(0);
  return svg.slice(start, svg.indexOf('</g>', start));
}

describe('run report headline', () => {
  it('states status, tolerance, relative error, validation chi^2/dof and p-value with the numbers of result.json', async () => {
    const run = await syntheticDesignRun({ theory: 'phi4', status: 'not-met' });
    const html = await renderReport(run.directory);
    const result = JSON.parse(await readFile(join(run.directory, 'result.json'), 'utf8'));
    expect(html).toContain('data-status="not-met"');
    expect(headlineField(html, 'status')).toBe('not met');
    expect(headlineField(html, 'tolerance')).toBe(formatNumber(result.tolerance));
    expect(headlineField(html, 'relative-error').startsWith(`${formatNumber(result.relativeError)} ± `)).toBe(true);
    expect(headlineField(html, 'relative-error')).toContain('&gt; tolerance');
    expect(headlineField(html, 'chi2-per-dof')).toBe(`${formatNumber(result.consistency.chiSquaredPerDof)} (45 dof)`);
    expect(headlineField(html, 'p-value').startsWith(formatNumber(result.consistency.pValue))).toBe(true);
    expect(headlineField(html, 'worst-pull')).toContain('G_c4(0,0,3,3)');
    // The one-line verdict at the top carries the same numbers.
    const verdict = /<p class="verdict">(.*?)<\/p>/.exec(html)![1]!;
    for (const text of ['not met', `tolerance ${formatNumber(0.05)}`, `relative error ${formatNumber(result.relativeError)}`, `χ²/dof ${formatNumber(result.consistency.chiSquaredPerDof)}`, `p-value ${formatNumber(result.consistency.pValue)}`]) {
      expect(verdict).toContain(text);
    }
    expect(html).toContain('<li>G_c4: relative error exceeds the tolerance 0.05');
  });
});

describe('G_c2 against separation', () => {
  it('draws the exact curve on a fine grid, the tolerance band, achieved dots and target rings on top', async () => {
    const run = await syntheticDesignRun({ theory: 'phi4' });
    const html = await renderReport(run.directory);
    const svg = figure(html, 'g2-separation');
    const curve = seriesGroup(svg, 'target, exact curve');
    const vertices = (/<path class="series-line" d="([^"]*)"/.exec(curve)![1]!.match(/[ML]/g) ?? []).length;
    expect(vertices).toBeGreaterThanOrEqual(97);
    expect(svg).toContain('(log)');
    expect(svg).toMatch(/<path class="band" data-band="tolerance band ± 0\.05 × scale"/);
    // Target rings (open, larger) are drawn after the achieved dots, so they are never hidden.
    const achievedAt = svg.indexOf('data-series="achieved ± 1σ"');
    const targetAt = svg.indexOf('data-series="target at the run’s points (exact)"');
    expect(achievedAt).toBeGreaterThan(0);
    expect(targetAt).toBeGreaterThan(achievedAt);
    expect(markerCounts(seriesGroup(svg, 'target at the run’s points (exact)'))).toEqual({ filled: 0, open: 10, cross: 0 });
    expect(svg).toContain('reproduces the run’s 10 stored target values');
    // d = 1: the effective mass, with the mass gap the target states.
    const mass = figure(html, 'effective-mass');
    expect(referenceY(mass, 'mass gap 1.0562').length).toBe(1);
    expect(markerCounts(seriesGroup(mass, 'achieved ± 1σ')).filled).toBe(3);
  });

  it('the free curve is exp(-m r)/(2m) beyond the largest separation; the spectral one reproduces the stored values', async () => {
    const free = await syntheticDesignRun({ theory: 'free' });
    const result = JSON.parse(await readFile(join(free.directory, 'result.json'), 'utf8'));
    const config = JSON.parse(await readFile(join(free.directory, 'config.json'), 'utf8')).config;
    const { curve } = exactTwoPointCurve(result, config);
    expect(curve).not.toBeNull();
    expect(curve!.points.length).toBeGreaterThanOrEqual(97);
    expect(Math.max(...curve!.points.map((point) => point.x))).toBeGreaterThan(1.5);
    for (const point of curve!.points) expect(Math.abs(point.y - Math.exp(-point.x) / 2)).toBeLessThan(1e-12);
    const phi4 = await syntheticDesignRun({ theory: 'phi4' });
    const outcome = exactTwoPointCurve(JSON.parse(await readFile(join(phi4.directory, 'result.json'), 'utf8')), JSON.parse(await readFile(join(phi4.directory, 'config.json'), 'utf8')).config);
    expect(outcome.curve!.checked).toBe(10);
    expect(outcome.curve!.maxDifference).toBeLessThan(1e-12);
  });

  it('draws no curve, and says why, when config.json’s theory does not reproduce the stored target', async () => {
    for (const options of [{ tamperedConfig: true }, { noTheoryInConfig: true }]) {
      const run = await syntheticDesignRun({ theory: 'phi4', ...options });
      const html = await renderReport(run.directory);
      const svg = figure(html, 'g2-separation');
      expect(svg).not.toContain('data-series="target, exact curve"');
      expect(html).toContain('No exact G_c2 curve');
      // The band then joins the run's own separations.
      expect(svg).toContain('class="band"');
    }
  });
});

describe('pulls and tolerance band per order', () => {
  it('each order has a deviation panel with the band at ± tolerance and a pull panel with ±2 sigma lines', async () => {
    const run = await syntheticDesignRun({ theory: 'phi4', status: 'not-met' });
    const html = await renderReport(run.directory);
    for (const order of run.result.comparison.orders) {
      const tuples = order.rows.length;
      const pulls = figure(html, `pulls-gc${order.order}`);
      const [upper, lower] = referenceY(pulls, '±2σ').sort((a, b) => a - b);
      const [zero] = referenceY(pulls, '0');
      expect(upper).toBeDefined();
      expect(lower).toBeDefined();
      const value = yAxisMap(pulls);
      // Pixels are written to 0.1: the lines sit at ±2 and 0 to that precision.
      expect(value(upper!)).toBeCloseTo(2, 1);
      expect(value(lower!)).toBeCloseTo(-2, 1);
      expect(value(zero!)).toBeCloseTo(0, 1);
      const counts = markerCounts(seriesGroup(pulls, 'pull'));
      expect(counts.filled + counts.cross).toBe(tuples);
      expect(counts.cross).toBe(order.rows.filter((row) => Math.abs(row.pull) > 2).length);
      // The pulls drawn are the design's: place each marker back on the axis.
      const d = /<path class="series-markers" d="([^"]*)" data-marker="filled"/.exec(pulls)?.[1] ?? '';
      const drawn = [...d.matchAll(/M[\d.]+ ([\d.]+)a3/g)].map((match) => value(Number(match[1]))).sort((a, b) => a - b);
      const expected = order.rows.map((row) => row.pull).filter((pull) => Math.abs(pull) <= 2).sort((a, b) => a - b);
      expect(drawn.length).toBe(expected.length);
      drawn.forEach((pull, k) => expect(Math.abs(pull - expected[k]!)).toBeLessThan(0.05));

      const deviation = figure(html, `deviation-gc${order.order}`);
      const band = /<path class="band" data-band="tolerance ± 0\.05" d="([^"]*)"/.exec(deviation);
      expect(band, `order ${order.order}: no tolerance band`).not.toBeNull();
      const ys = [...band![1]!.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((match) => Number(match[1]));
      const map = yAxisMap(deviation);
      const halfPixel = Math.abs(map(0.05) - map(0));
      expect(Math.abs(map(Math.min(...ys)) - 0.05)).toBeLessThanOrEqual(halfPixel + 1e-12);
      expect(Math.abs(map(Math.max(...ys)) + 0.05)).toBeLessThanOrEqual(halfPixel + 1e-12);
      expect(deviation).toContain(`relative error = max |Δ| / scale = ${formatNumber(order.relativeError)}`);
    }
  });
});

describe('exact targets', () => {
  it('shows exact target values as exact, never as "± 3.33e-16"', async () => {
    const run = await syntheticDesignRun({ theory: 'free', targetStderr: 3.33e-16 });
    const html = await renderReport(run.directory);
    expect(html).not.toContain('± 3.33e-16');
    // No error bar at the round-off level anywhere (a value ± 1e-12 or smaller).
    expect(html).not.toMatch(/±\s*-?\d(\.\d+)?e-(1[2-9]|[2-9]\d)/);
    expect(html).toContain('<td>0.5 (exact)</td>');
    expect(html).toContain('target (exact: free, numerical error ≤ 3.33e-16)');
    // A statistical target keeps its error bars.
    const resultPath = join(run.directory, 'result.json');
    const result = JSON.parse(await readFile(resultPath, 'utf8'));
    result.target.method = 'lattice';
    result.target.errorMeaning = 'one statistical standard error (autocorrelation-aware jackknife)';
    for (const block of result.target.correlators) block.stderr = block.stderr.map(() => 0.002);
    await writeFile(resultPath, JSON.stringify(result));
    const statistical = await renderReport(run.directory);
    expect(statistical).toContain('<td>0.5 ± 0.002</td>');
    expect(statistical).toContain('target ± 1σ');
  });
});

describe('width curve', () => {
  it('plots the relative error per width with the tolerance line and the status of each width', async () => {
    const run = await syntheticDesignRun({ theory: 'phi4', status: 'met' });
    const html = await renderReport(run.directory);
    const svg = figure(html, 'width-curve');
    expect(referenceY(svg, 'tolerance 0.05').length).toBe(1);
    expect(markerCounts(seriesGroup(svg, 'relative error ± 1σ'))).toEqual({ filled: 1, open: 1, cross: 1 });
    expect(svg).toContain('width 16: not met, width 64: met, width 32: unresolved');
  });
});

describe('sweep report verdicts', () => {
  it('marks each point met / not met (not "finished") in the table and on the relative-error plot with the tolerance line', async () => {
    const directory = await syntheticVerdictSweep();
    const html = await renderReport(directory);
    const cells = [...html.matchAll(/<td class="(met|not-met|unresolved|finished|failed)">([^<]*)<\/td>/g)].map((match) => [match[1], match[2]]);
    expect(cells).toEqual([
      ['not-met', 'not met'],
      ['not-met', 'not met'],
      ['met', 'met'],
      ['met', 'met'],
    ]);
    expect(html).toContain('4 of 4 with results: 2 not met, 2 met');
    const svg = figure(html, 'sweep-relative-error');
    expect(referenceY(svg, 'tolerance 0.05').length).toBe(1);
    expect(markerCounts(seriesGroup(svg, 'point verdict, at its worst order'))).toEqual({ filled: 2, open: 0, cross: 2 });
    // The tolerance read from the points is listed per point.
    expect(html.match(/<td>0\.05<\/td>/g)).toHaveLength(4);
    expect(figure(html, 'sweep-chi2')).toContain('data-reference="χ²/dof = 1"');
  });
});
