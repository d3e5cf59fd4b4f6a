/**
 * The zero-momentum time-slice correlator of a lattice run, measured on every configuration:
 *
 *   C(t) = a^(d-1) sum_x <phi(t, x) phi(0, 0)>_c,   x over every spatial site of the periodic slice.
 *
 * With the interaction on all of space the lattice is translation invariant, so the estimator averages
 * over every origin and over the d choices of the time axis: with the slice sums S_a(t) = sum of phi
 * over the sites whose coordinate along axis a is t,
 *
 *   P(t) = 1/(d N^d) sum_a sum_t0 S_a(t0 + t) S_a(t0),   M1 = N^(d-1) mean(phi),   M2 = mean(phi),
 *
 * and C(t) = a^(d-1) [<P(t)> - <M1><M2>]. With the interaction confined to the centred box only the
 * origin is special: P(t) = 1/(2d) sum_a [S_a(t) + S_a(-t)] phi(0), M1(t) the same average of the slice
 * sums, M2 = phi(0). Both are even in t, so t = 0 .. N/2 sites are reported. Errors: delete-one-bin
 * jackknife over the bins the correlators use (lattice.ts), so the replicates share their batches.
 */
import type { TimeSliceCorrelator } from '../io/result.js';
import { jackknifeCovariance } from '../numeric/jackknife-covariance.js';
import { matrixRows } from '../numeric/shrunk-covariance.js';
import type { LatticeSetup } from './lattice-setup.js';

/** Entries a measurement row carries for C(t): P(t) and M1(t) for t = 0..N-1, then M2. */
export function timeSliceWidth(setup: LatticeSetup): number {
  return 2 * setup.sites + 1;
}

/** Slice sums S_a(t) for every axis a: [axis][t]. */
function sliceSums(setup: LatticeSetup, field: ArrayLike<number>): Float64Array[] {
  const { sites, dimension, totalSites } = setup;
  const sums = Array.from({ length: dimension }, () => new Float64Array(sites));
  for (let flat = 0; flat < totalSites; flat++) {
    let remainder = flat;
    const value = field[flat]!;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      sums[axis]![index]! += value;
    }
  }
  return sums;
}

/** One configuration's P(t), M1(t) (t = 0..N-1) and M2, written into `out` from `offset`. */
export function measureTimeSlice(setup: LatticeSetup, field: ArrayLike<number>, translationInvariant: boolean, out: Float64Array, offset: number): void {
  const { sites, dimension, totalSites } = setup;
  const sums = sliceSums(setup, field);
  if (translationInvariant) {
    let total = 0;
    for (let t0 = 0; t0 < sites; t0++) total += sums[0]![t0]!;
    for (let t = 0; t < sites; t++) {
      let product = 0;
      for (const slice of sums) for (let t0 = 0; t0 < sites; t0++) product += slice[(t0 + t) % sites]! * slice[t0]!;
      out[offset + t] = product / (dimension * totalSites);
      out[offset + sites + t] = total / sites;
    }
    out[offset + 2 * sites] = total / totalSites;
    return;
  }
  const origin = field[0]!;
  for (let t = 0; t < sites; t++) {
    let slice = 0;
    for (const sum of sums) slice += sum[t]! + sum[(sites - t) % sites]!;
    slice /= 2 * dimension;
    out[offset + t] = slice * origin;
    out[offset + sites + t] = slice;
  }
  out[offset + 2 * sites] = origin;
}

/**
 * C(t) for t = 0..N/2 sites from the measurement rows (their entries from `offset`), binned like the
 * correlators: `binSize` consecutive measurements per bin, `bins` bins.
 */
export function analyseTimeSlice(setup: LatticeSetup, measurements: readonly Float64Array[], offset: number, binSize: number, bins: number, translationInvariant: boolean): TimeSliceCorrelator {
  const { sites, spacing, dimension } = setup;
  const width = timeSliceWidth(setup);
  const used = bins * binSize;
  const binSums: Float64Array[] = [];
  const total = new Float64Array(width);
  for (let b = 0; b < bins; b++) {
    const sums = new Float64Array(width);
    for (let i = b * binSize; i < (b + 1) * binSize; i++) for (let k = 0; k < width; k++) sums[k] = sums[k]! + measurements[i]![offset + k]!;
    binSums.push(sums);
    for (let k = 0; k < width; k++) total[k] = total[k]! + sums[k]!;
  }
  const cellVolume = spacing ** (dimension - 1);
  const half = sites / 2;
  const correlator = (means: Float64Array): number[] =>
    Array.from({ length: half + 1 }, (_, t) => cellVolume * (means[t]! - means[sites + t]! * means[2 * sites]!));
  const values = correlator(total.map((value) => value / used));
  const leaveOut = binSums.map((sums) => correlator(total.map((value, k) => (value - sums[k]!) / (used - binSize))));
  const replicates = values.map((_, t) => leaveOut.map((row) => row[t]!));
  const covariance = matrixRows(jackknifeCovariance(replicates), values.length);
  return {
    source: 'lattice-field',
    times: values.map((_, t) => t * spacing),
    values,
    stderr: covariance.map((row, t) => Math.sqrt(row[t]!)),
    replicates,
    covariance,
    cellVolume,
    slicePoints: sites ** (dimension - 1),
    notes: [
      `C(t) = a^${dimension - 1} sum_x <phi(t,x) phi(0,0)>_c over all ${sites ** (dimension - 1)} sites of each periodic slice, t = 0..${half} sites (C(t) = C(${sites}a - t))`,
      translationInvariant ? `averaged over every origin and the ${dimension} choices of time axis` : `the interaction box fixes the origin: averaged over the ${dimension} choices of time axis and t -> -t`,
      `errors: delete-one-bin jackknife over the correlators' ${bins} bins of ${binSize} trajectories`,
    ],
  };
}
