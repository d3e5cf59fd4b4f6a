import { describe, expect, it } from 'vitest';
import { searchWidth } from '../../src/design/width-search.js';

// A model whose error falls like c/N: it meets tolerance t from N >= c/t.
function model(c: number, tolerance: number) {
  const calls: number[] = [];
  const run = async (width: number) => {
    calls.push(width);
    const relativeError = c / width;
    return { width, relativeError, relativeErrorStderr: 0, met: relativeError <= tolerance };
  };
  return { run, calls };
}

describe('width search', () => {
  it('doubles, then bisects to the smallest passing width within the resolution', async () => {
    const { run, calls } = model(5, 0.05); // passes from N = 100
    const result = await searchWidth(run, { minWidth: 16, maxWidth: 4096, resolution: 0.1, granularity: 4 });
    expect(result.chosen!.width).toBeGreaterThanOrEqual(100);
    expect(result.chosen!.width).toBeLessThanOrEqual(112);
    expect(calls.slice(0, 4)).toEqual([16, 32, 64, 128]);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('reports no width when even the largest fails, keeping every trial', async () => {
    const { run } = model(1000, 0.05);
    const result = await searchWidth(run, { minWidth: 16, maxWidth: 256, resolution: 0.1, granularity: 4 });
    expect(result.chosen).toBeNull();
    expect(result.trials.map((t) => t.width)).toEqual([16, 32, 64, 128, 256]);
  });

  it('stops at the first width when it already passes', async () => {
    const { run, calls } = model(0.1, 0.05);
    const result = await searchWidth(run, { minWidth: 8, maxWidth: 256, resolution: 0.1, granularity: 4 });
    expect(result.chosen!.width).toBe(8);
    expect(calls).toEqual([8]);
  });
});

describe('the first width of --width auto', () => {
  it('follows the dimension when --min-width is not given, and --min-width wins when it is', async () => {
    const { firstDesignWidth, resolveDesignSettings } = await import('../../src/design/design-settings.js');
    // Resolved settings leave minWidth out, so a stored config resumes with the same rule.
    expect('minWidth' in resolveDesignSettings({})).toBe(false);
    expect(resolveDesignSettings({ minWidth: 48 }).minWidth).toBe(48);
    expect([1, 2, 3, 4].map((d) => firstDesignWidth(d))).toEqual([32, 32, 64, 128]);
    expect(firstDesignWidth(3, 16)).toBe(16);
  });
});
