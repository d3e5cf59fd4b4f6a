/**
 * Profile likelihood over one non-linear parameter (a kernel width): at each trial value the linear
 * couplings are solved exactly, leaving chi^2(width). The best width minimises it (grid scan, then
 * golden-section refinement), and its error interval is where chi^2 rises by 1 above the minimum.
 */
import { NnftError } from '../errors.js';
import type { CouplingFit } from './coupling-fit.js';

export interface ProfilePoint {
  readonly parameter: number;
  readonly chiSquared: number;
}

export interface ProfileResult {
  readonly best: number;
  readonly fit: CouplingFit;
  /** Delta chi^2 = 1 interval; null on a side where chi^2 never rose by 1 inside the scanned range. */
  readonly lower: number | null;
  readonly upper: number | null;
  /** Half the width of the interval (or the one-sided distance when one side is open). */
  readonly stderr: number;
  readonly scan: ProfilePoint[];
}

function goldenSection(f: (x: number) => number, low: number, high: number, tolerance: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

function bisectCrossing(f: (x: number) => number, inside: number, outside: number, level: number, tolerance: number): number {
  let a = inside;
  let b = outside;
  while (Math.abs(b - a) > tolerance) {
    const middle = (a + b) / 2;
    if (f(middle) < level) a = middle;
    else b = middle;
  }
  return (a + b) / 2;
}

/**
 * Scan `fitAt(parameter)` over an increasing grid of trial values. Trial fits that throw (degenerate
 * at that value) count as chi^2 = Infinity.
 */
export function profileScan(fitAt: (parameter: number) => CouplingFit, grid: readonly number[], relativeTolerance = 1e-3): ProfileResult {
  if (grid.length < 3) throw new NnftError('E_USAGE', 'a profile scan needs at least 3 grid values');
  const cache = new Map<number, CouplingFit | null>();
  const fitCached = (parameter: number): CouplingFit | null => {
    if (!cache.has(parameter)) {
      try {
        cache.set(parameter, fitAt(parameter));
      } catch {
        cache.set(parameter, null);
      }
    }
    return cache.get(parameter)!;
  };
  const chiSquaredAt = (parameter: number): number => fitCached(parameter)?.chiSquared ?? Infinity;
  const scan = grid.map((parameter) => ({ parameter, chiSquared: chiSquaredAt(parameter) }));
  let bestIndex = 0;
  scan.forEach((point, index) => {
    if (point.chiSquared < scan[bestIndex].chiSquared) bestIndex = index;
  });
  if (!Number.isFinite(scan[bestIndex].chiSquared)) {
    throw new NnftError('E_NUMERIC', 'no trial value of the scanned parameter gave a valid fit');
  }
  const low = grid[Math.max(0, bestIndex - 1)];
  const high = grid[Math.min(grid.length - 1, bestIndex + 1)];
  const tolerance = relativeTolerance * Math.max(Math.abs(grid[bestIndex]), 1e-12);
  const best = goldenSection(chiSquaredAt, low, high, tolerance);
  const minimum = Math.min(chiSquaredAt(best), scan[bestIndex].chiSquared);
  const bestParameter = chiSquaredAt(best) <= scan[bestIndex].chiSquared ? best : grid[bestIndex];
  const level = minimum + 1;
  let lower: number | null = null;
  for (let index = bestIndex; index >= 0; index--) {
    if (grid[index] < bestParameter && scan[index].chiSquared >= level) {
      lower = bisectCrossing(chiSquaredAt, bestParameter, grid[index], level, tolerance);
      break;
    }
  }
  let upper: number | null = null;
  for (let index = bestIndex; index < grid.length; index++) {
    if (grid[index] > bestParameter && scan[index].chiSquared >= level) {
      upper = bisectCrossing(chiSquaredAt, bestParameter, grid[index], level, tolerance);
      break;
    }
  }
  const stderr =
    lower !== null && upper !== null
      ? (upper - lower) / 2
      : lower !== null
        ? bestParameter - lower
        : upper !== null
          ? upper - bestParameter
          : Infinity;
  return { best: bestParameter, fit: fitCached(bestParameter)!, lower, upper, stderr, scan };
}
