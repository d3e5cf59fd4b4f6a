/**
 * The zero-momentum time-slice correlator of a result (docs/conventions.md, "Time-slice correlator"):
 *
 *   C(t) = a^(d-1) sum_x G_c2((t, x), (0, 0)),
 *
 * the first coordinate is time, x runs over the spatial points of the slice at time t, and a^(d-1) is
 * the spatial cell volume of the slice's grid (1 in d = 1, where C(t) = G_c2(t, 0)). From a result's
 * G_c2 it needs the origin among the points and, for every reported t, the same spatial points as the
 * slice through the origin, forming a regular product grid (or a cell volume given by the caller).
 * On a whole periodic lattice slice the sum is the lattice C(t) exactly; otherwise it is a Riemann sum
 * of the slice integral, truncated at the slice's edges, which the notes say.
 *
 * Errors: C(t) is linear in G_c2, so its jackknife replicates are the same sums of the G_c2 replicates
 * (exactly the estimator's own, [time][batch]) and the covariance between times follows from them.
 * Without replicates the errors are added linearly (an upper bound: the values may be correlated) and
 * the covariance is not known.
 */
import { NnftError } from '../errors.js';
import type { CorrelatorResult, TimeSliceCorrelator } from '../io/result.js';
import { jackknifeCovariance } from '../numeric/jackknife-covariance.js';
import { matrixRows } from '../numeric/shrunk-covariance.js';
import { integrateGaussLegendre } from '../numeric/gauss-legendre.js';

export interface TimeSliceOptions {
  /** a^(d-1) to use instead of the one read off the slice's grid (required for a slice that is not a regular grid). */
  readonly cellVolume?: number;
}

const KEY_SCALE = 1e9;

function coordinateKey(values: readonly number[]): string {
  return values.map((value) => String(Math.round(value * KEY_SCALE) / KEY_SCALE)).join(',');
}

function pairKey(a: number, b: number): string {
  return a <= b ? `${a},${b}` : `${b},${a}`;
}

/** Per spatial axis the distinct coordinates, their uniform spacing (null if not uniform) and count. */
function gridOf(spatial: readonly (readonly number[])[]): { spacings: (number | null)[]; counts: number[]; product: boolean } {
  const axes = spatial[0]?.length ?? 0;
  const spacings: (number | null)[] = [];
  const counts: number[] = [];
  for (let axis = 0; axis < axes; axis++) {
    const distinct = [...new Set(spatial.map((point) => Math.round(point[axis]! * KEY_SCALE) / KEY_SCALE))].sort((x, y) => x - y);
    counts.push(distinct.length);
    if (distinct.length < 2) {
      spacings.push(null);
      continue;
    }
    const step = distinct[1]! - distinct[0]!;
    const uniform = distinct.every((value, i) => i === 0 || Math.abs(value - distinct[i - 1]! - step) <= 1e-7 * Math.max(step, Math.abs(value)));
    spacings.push(uniform ? step : null);
  }
  const product = counts.reduce((total, count) => total * count, 1) === spatial.length;
  return { spacings, counts, product };
}

/** C(t) from a result's G_c2 over the listed points (see the file comment). */
export function timeSliceFromResult(result: CorrelatorResult, options: TimeSliceOptions = {}): TimeSliceCorrelator {
  const points = result.points;
  const dimension = points[0]?.length ?? 0;
  const two = result.correlators.find((block) => block.order === 2);
  if (!two) throw new NnftError('E_SEMANTIC', 'C(t) needs G_c2: the result has no order-2 block', { hint: 'compute the connected order 2 (observables.connected / targetCorrelators.orders)' });
  const scale = Math.max(1, ...points.flat().map(Math.abs));
  const origin = points.findIndex((point) => point.every((value) => Math.abs(value) <= 1e-12 * scale));
  if (origin < 0) {
    throw new NnftError('E_SEMANTIC', 'C(t) needs the origin among the points: none of them is (0, ..., 0)', {
      hint: dimension === 1 ? 'list 0 and the times t among the points' : 'list a grid of points on slices t = 0, t1, ... with the same spatial points on each, the origin among them',
    });
  }
  const slices = new Map<string, { time: number; indices: number[]; spatial: Map<string, number> }>();
  points.forEach((point, index) => {
    const key = coordinateKey([point[0]!]);
    const slice = slices.get(key) ?? { time: point[0]!, indices: [], spatial: new Map<string, number>() };
    slice.indices.push(index);
    slice.spatial.set(coordinateKey(point.slice(1)), index);
    slices.set(key, slice);
  });
  const zero = slices.get(coordinateKey([0]))!;
  const spatialKeys = [...zero.spatial.keys()];
  const notes: string[] = [];
  if (zero.spatial.size !== zero.indices.length) throw new NnftError('E_SEMANTIC', 'the slice t = 0 lists a point twice');
  let cellVolume = 1;
  let wholeLattice = false;
  if (dimension > 1) {
    const spatial = zero.indices.map((index) => points[index]!.slice(1));
    const grid = gridOf(spatial);
    if (options.cellVolume !== undefined) {
      cellVolume = options.cellVolume;
      notes.push(`cell volume a^${dimension - 1} = ${cellVolume} as given`);
    } else if (!grid.product || grid.spacings.some((spacing) => spacing === null)) {
      throw new NnftError('E_SEMANTIC', `the ${spatial.length} spatial points of the slice t = 0 are not a regular product grid (per axis ${grid.counts.join(' x ')} values${grid.spacings.some((s) => s === null) ? ', some axis unevenly spaced or with one value' : ''}), so the slice sum has no cell volume`, {
        hint: 'list every point of a regular grid on each slice (at least 2 per spatial axis), or give the cell volume',
      });
    } else {
      cellVolume = (grid.spacings as number[]).reduce((product, spacing) => product * spacing, 1);
    }
    const lattice = result.lattice as { sites?: unknown; spacing?: unknown } | undefined;
    if (lattice && typeof lattice.sites === 'number' && typeof lattice.spacing === 'number') {
      const spacing = lattice.spacing;
      wholeLattice = grid.counts.every((count) => count === lattice.sites) && grid.spacings.every((s) => s !== null && Math.abs(s - spacing) <= 1e-9 * spacing);
    }
    notes.push(
      wholeLattice
        ? `each slice is a whole periodic lattice slice (${grid.counts.join(' x ')} sites): the lattice C(t) exactly`
        : `a Riemann sum over the ${spatial.length} listed points of each slice (${grid.counts.join(' x ')}, cell volume ${cellVolume.toPrecision(4)}): it stands for the slice integral only where G_c2 has decayed at the slice's edges`,
    );
  } else {
    notes.push('d = 1: C(t) = G_c2(t, 0)');
  }
  const position = new Map<string, number>();
  two.indices.forEach((tuple, k) => position.set(pairKey(tuple[0]!, tuple[1]!), k));
  const chosen: { time: number; indices: number[] }[] = [];
  const skipped: number[] = [];
  for (const slice of [...slices.values()].sort((x, y) => x.time - y.time)) {
    const complete = slice.spatial.size === spatialKeys.length && spatialKeys.every((key) => slice.spatial.has(key));
    if (!complete) {
      skipped.push(slice.time);
      continue;
    }
    chosen.push({ time: slice.time, indices: spatialKeys.map((key) => slice.spatial.get(key)!) });
  }
  if (skipped.length > 0) notes.push(`${skipped.length} time${skipped.length === 1 ? '' : 's'} left out (their slice does not list the spatial points of t = 0): ${skipped.slice(0, 8).map((t) => Number(t.toPrecision(6))).join(', ')}${skipped.length > 8 ? ', ...' : ''}`);
  const positions = chosen.map((slice) =>
    slice.indices.map((index) => {
      const k = position.get(pairKey(index, origin));
      if (k === undefined) throw new NnftError('E_SEMANTIC', `G_c2 has no value for the points [${pairKey(index, origin)}]`);
      return k;
    }),
  );
  const values = positions.map((list) => cellVolume * list.reduce((sum, k) => sum + two.values[k]!, 0));
  const batches = two.replicates?.[0]?.length ?? 0;
  if (two.replicates && batches >= 2) {
    const replicates = positions.map((list) => Array.from({ length: batches }, (_, b) => cellVolume * list.reduce((sum, k) => sum + two.replicates![k]![b]!, 0)));
    const covariance = matrixRows(jackknifeCovariance(replicates), values.length);
    notes.push(`errors and covariance: delete-one-batch jackknife over the input's ${batches} batches (the same sums of its G_c2 replicates)`);
    return { source: 'points', times: chosen.map((slice) => slice.time), values, stderr: covariance.map((row, t) => Math.sqrt(row[t]!)), replicates, covariance, cellVolume, slicePoints: spatialKeys.length, notes };
  }
  const stderr = positions.map((list) => cellVolume * list.reduce((sum, k) => sum + two.stderr[k]!, 0));
  const exact = stderr.every((error) => error === 0);
  notes.push(exact ? 'exact input: errors 0' : 'the input has no replicates: errors added linearly over each slice (an upper bound; the values may be correlated), covariance unknown');
  return {
    source: 'points',
    times: chosen.map((slice) => slice.time),
    values,
    stderr,
    covariance: exact ? values.map(() => values.map(() => 0)) : null,
    cellVolume,
    slicePoints: spatialKeys.length,
    notes,
  };
}

/**
 * C(t) of the free continuum field, the slice integral over all of R^(d-1), for any d:
 * int dp0/(2 pi) e^{i p0 t} / (p0^2 + m^2) over |p0| < Lambda (the isotropic cutoff at zero spatial
 * momentum), = e^{-m|t|}/(2m) without a cutoff and (1/pi) int_0^Lambda cos(p t)/(p^2 + m^2) dp with one.
 */
export function continuumFreeTimeSlice(mass: number, cutoff: number | null, time: number): number {
  if (cutoff === null) return Math.exp(-mass * Math.abs(time)) / (2 * mass);
  const panels = Math.max(8, Math.ceil((cutoff * Math.abs(time)) / Math.PI) * 2);
  return integrateGaussLegendre((p) => Math.cos(p * time) / (p * p + mass * mass), 0, cutoff, 20, panels) / Math.PI;
}

/**
 * C(t) of the free nearest-neighbour lattice field (periodic, N sites of spacing a in time, any d):
 * the spatial sum leaves the d = 1 lattice propagator, a cosh(E (T/2 - t)) / (2 sinh(E a) sinh(E T/2))
 * with T = N a and cosh(E a) = 1 + m^2 a^2 / 2.
 */
export function latticeFreeTimeSlice(mass: number, spacing: number, sites: number, time: number): number {
  const energy = Math.acosh(1 + (mass * mass * spacing * spacing) / 2) / spacing;
  const period = sites * spacing;
  return (spacing * Math.cosh(energy * (period / 2 - Math.abs(time)))) / (2 * Math.sinh(energy * spacing) * Math.sinh((energy * period) / 2));
}
