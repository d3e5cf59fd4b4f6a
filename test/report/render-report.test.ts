import { describe, expect, it } from 'vitest';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport, writeReport, renderReportDetailed } from '../../src/report/index.js';
import { syntheticRunDirectory, syntheticSweepDirectory } from './fixtures.js';

/** The SVG of the figure with this id, or null. */
function figure(html: string, id: string): string | null {
  const start = html.indexOf(`<figure class="plot" id="plot-${id}">`);
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</figure>', start));
}

/** Every drawn path's d attribute inside one figure. */
function pathData(svg: string, className: string): string[] {
  return [...svg.matchAll(new RegExp(`<path class="${className}" d="([^"]*)"`, 'g'))].map((match) => match[1]!);
}

function expectDrawn(html: string, id: string): void {
  const svg = figure(html, id);
  expect(svg, `plot ${id} is missing`).not.toBeNull();
  const drawn = [...pathData(svg!, 'series-line'), ...pathData(svg!, 'series-markers')];
  expect(drawn.length, `plot ${id} draws nothing`).toBeGreaterThan(0);
  for (const d of drawn) {
    expect(d.length).toBeGreaterThan(5);
    expect(d).not.toMatch(/NaN|Infinity/);
  }
}

describe('run report', () => {
  it('shows every plot of a design run with non-empty paths and error bars', async () => {
    const directory = await syntheticRunDirectory();
    const html = await renderReport(directory);
    for (const id of ['g2-separation', 'gc4-pairs', 'gc4-tuples', 'loss', 'chi2', 'ess', 'parameters']) expectDrawn(html, id);
    expect(pathData(figure(html, 'g2-separation')!, 'error-bars').length).toBeGreaterThan(0);
    expect(pathData(figure(html, 'loss')!, 'error-bars').length).toBeGreaterThan(0);
    // Parameter trajectories: one series per parameter, named in the legend.
    const trajectories = figure(html, 'parameters')!;
    expect(trajectories.match(/<g class="series"/g)).toHaveLength(3);
    expect(trajectories).toContain('amp&lt;scale&gt;');
    expect(html).toContain('Target and achieved connected correlators');
    expect(html).toMatch(/1 unreadable line in metrics\.jsonl/);
  });

  it('a run that tried several widths (width auto) plots its history per width over the iteration, with integer ticks', async () => {
    const { historyPlots } = await import('../../src/report/run-plots.js');
    // Metrics as the design writes them for width auto: the step count restarts at each width; a
    // record without ess and one without loss are tolerated.
    const metrics: Record<string, unknown>[] = [];
    for (const width of [32, 64]) {
      for (let step = 0; step < 5; step++) metrics.push({ width, step, loss: 100 / (step + 1), chiSquaredPerDof: 3 / (step + 1), ess: 900 + step, parameters: { g4: 0.5 + step / 100 } });
    }
    delete metrics[3]!.ess;
    delete metrics[7]!.loss;
    const { plots, notes } = historyPlots(metrics);
    expect(notes.join(' ')).toContain('width 32: iterations 0-4; width 64: iterations 5-9');
    const html = plots.join('');
    for (const id of ['loss', 'chi2', 'ess', 'parameters']) expectDrawn(html, id);
    const loss = figure(html, 'loss')!;
    expect(loss).toContain('loss, width 32');
    expect(loss).toContain('loss, width 64');
    expect(loss).not.toContain('± stderr');
    expect(figure(html, 'ess')!.match(/<g class="series"/g)).toHaveLength(2);
    // x runs over iterations 0..9, not the restarted steps, and no tick falls between two iterations.
    // x tick labels are the centred numeric texts under the axis.
    const tickLabels = [...figure(html, 'chi2')!.matchAll(/text-anchor="middle">([-\d.e+]+)<\/text>/g)].map((match) => match[1]!);
    expect(tickLabels.length).toBeGreaterThan(1);
    expect(Math.max(...tickLabels.map(Number))).toBeGreaterThan(5);
    for (const label of tickLabels) expect(Number.isInteger(Number(label)), `tick ${label}`).toBe(true);
    expect(figure(html, 'chi2')).toContain('iteration (all widths in order)');
  });

  it('steps that restart within one width (optimisation rounds) are plotted against the iteration', async () => {
    const { historyPlots } = await import('../../src/report/run-plots.js');
    const metrics = [0, 1].flatMap((round) => [1, 2, 3].map((step) => ({ width: 64, round, step, loss: 10 + step, ess: 100 })));
    const html = historyPlots(metrics).plots.join('');
    expect(figure(html, 'loss')).toContain('>iteration<');
    const xs = [...pathData(figure(html, 'loss')!, 'series-line')[0]!.matchAll(/[ML]([\d.]+)[ ,]/g)].map((match) => Number(match[1]));
    expect(xs).toHaveLength(6);
    expect(new Set(xs).size, 'six distinct x positions, not three steps drawn twice').toBe(6);
  });

  it('escapes text from the run and holds no scripts or external assets', async () => {
    const directory = await syntheticRunDirectory();
    const html = await renderReport(directory);
    expect(html).toContain('phi4 &lt;test&gt; &amp; co');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('renders what a run without metrics has, with a note', async () => {
    const directory = await syntheticRunDirectory({ metrics: false });
    const html = await renderReport(directory);
    expectDrawn(html, 'g2-separation');
    expect(figure(html, 'loss')).toBeNull();
    expect(html).toContain('No metrics.jsonl');
  });

  it('renders an unfinished run (no result.json) from its metrics, with a note', async () => {
    const directory = await syntheticRunDirectory({ result: false });
    const html = await renderReport(directory);
    expectDrawn(html, 'loss');
    expect(figure(html, 'g2-separation')).toBeNull();
    expect(html).toContain('No result.json');
  });

  it('writes report.html atomically and refuses a directory that holds nothing', async () => {
    const directory = await syntheticRunDirectory();
    const path = await writeReport(directory);
    expect(path).toBe(join(directory, 'report.html'));
    expect((await readFile(path, 'utf8')).startsWith('<!DOCTYPE html>')).toBe(true);
    const empty = await mkdtemp(join(tmpdir(), 'nnft-report-empty-'));
    await expect(renderReport(empty)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(renderReport(join(empty, 'missing'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
  });
});

describe('sweep report', () => {
  it('plots correlators, fitted couplings and chi^2/dof against the swept parameter, and the extrapolation', async () => {
    const directory = await syntheticSweepDirectory();
    const report = await renderReportDetailed(directory);
    expect(report.kind).toBe('sweep');
    const html = report.html;
    for (const id of ['sweep-gc2', 'sweep-gc4', 'sweep-parameters', 'sweep-chi2', 'sweep-relative-error']) expectDrawn(html, id);
    // Width spans 8x with explicit values: linear axis; the extrapolation plots are against 1/width.
    const extrapolationIds = [...html.matchAll(/id="plot-(extrapolation-[^"]+)"/g)].map((match) => match[1]!);
    expect(extrapolationIds.length).toBeGreaterThan(0);
    for (const id of extrapolationIds) expectDrawn(html, id);
    expect(html).toContain('coupling &amp; width &lt;scan&gt;');
    expect(html).toContain('Infinite-width extrapolation');
    expect(html.match(/<tr class="finished">/g)).toHaveLength(8);
    expect(html).not.toContain('href="points/');
  });

  it('with points: true writes every point\'s report and links it from the table', async () => {
    const directory = await syntheticSweepDirectory();
    const path = await writeReport(directory, { points: true });
    const html = await readFile(path, 'utf8');
    const links = [...html.matchAll(/href="points\/([^/"]+)\/report\.html"/g)].map((match) => match[1]!);
    expect(links).toHaveLength(8);
    const pointHtml = await readFile(join(directory, 'points', links[0]!, 'report.html'), 'utf8');
    expect(pointHtml).toContain('id="plot-g2-separation"');
    expect(pointHtml).toContain('This run is one point of a sweep');
  });
});
