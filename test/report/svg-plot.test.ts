import { describe, expect, it } from 'vitest';
import { renderPlot } from '../../src/report/svg-plot.js';
import { linearTicks, logTicks, formatNumber } from '../../src/report/ticks.js';
import { escapeHtml } from '../../src/report/escape.js';

describe('ticks', () => {
  it('linear ticks use 1-2-5 steps inside the range, without float drift', () => {
    expect(linearTicks(0, 1).map((tick) => tick.label)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(linearTicks(-0.013, 0.007).map((tick) => tick.label)).toEqual(['-0.01', '-0.005', '0', '0.005']);
    expect(linearTicks(0.1, 0.7).map((tick) => tick.label)).toContain('0.3');
  });
  it('log ticks mark decades, with 2 and 5 when the range is short', () => {
    expect(logTicks(0.09, 7).map((tick) => tick.value)).toEqual([0.1, 0.2, 0.5, 1, 2, 5]);
    // Nine decades: every other decade, so labels do not collide.
    expect(logTicks(1e-6, 1e3).map((tick) => tick.label)).toEqual(['1e-6', '1e-4', '0.01', '1', '100']);
    expect(formatNumber(123456)).toBe('1.23e+5');
  });
  it('a log range too narrow for two 1-2-3-5 ticks gets linear ticks inside it', () => {
    // A design's loss from 10.8 to 15.8 (seen in a real run: the axis had no labels at all).
    const ticks = logTicks(10.6, 16.1).map((tick) => tick.value);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const value of ticks) expect(value >= 10.6 && value <= 16.1, `tick ${value}`).toBe(true);
  });
});

describe('renderPlot', () => {
  it('draws series, error bars and a legend, and escapes every text', () => {
    const svg = renderPlot({
      id: 'demo',
      title: 'a < b & c',
      xLabel: 'x "label"',
      yLabel: "y 'label'",
      series: [
        { label: '<one>', points: [{ x: 1, y: 2, yError: 0.1 }, { x: 2, y: 3, yError: 0.2 }] },
        { label: 'two', points: [{ x: 1, y: 1 }, { x: 2, y: 1.5 }], mode: 'line', dashed: true },
      ],
    });
    expect(svg).toContain('id="plot-demo"');
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).toContain('x &quot;label&quot;');
    expect(svg).toContain('&lt;one&gt;');
    expect(svg).not.toContain('<one>');
    expect(svg.match(/class="series-line"/g)).toHaveLength(2);
    expect(svg.match(/class="error-bars"/g)).toHaveLength(1);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/NaN/);
  });
  it('log axes drop non-positive points and say so; an empty plot says "no data"', () => {
    const svg = renderPlot({ id: 'log', title: 't', xLabel: 'x', yLabel: 'y', xScale: 'log', yScale: 'log', series: [{ label: 's', points: [{ x: 0, y: 1 }, { x: 1, y: -1 }, { x: 10, y: 100 }, { x: 100, y: 1e4 }] }] });
    expect(svg).toContain('2 points not shown');
    expect(svg).toContain('(log)');
    const empty = renderPlot({ id: 'empty', title: 't', xLabel: 'x', yLabel: 'y', series: [] });
    expect(empty).toContain('no data to plot');
  });
  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
