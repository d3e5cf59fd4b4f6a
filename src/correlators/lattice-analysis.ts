/**
 * Connected correlators of a lattice run from its measurement rows: cumulants of the binned moments
 * with delete-one-bin jackknife replicates, bins longer than the integrated autocorrelation time
 * (at most MAX_JACKKNIFE_BINS bins, at least 16 where the run allows).
 */
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { jointCumulant } from '../numeric/cumulants.js';
import { integratedAutocorrelationTime } from './autocorrelation.js';
import type { MomentCatalogue } from './lattice-measure.js';

/** Most jackknife bins (and replicates per value) of a lattice run: longer bins beyond that. */
export const MAX_JACKKNIFE_BINS = 100;

/** Cumulants with jackknife errors over bins longer than the autocorrelation time. */
export function analyse(measurements: Float64Array[], catalogue: MomentCatalogue, theory: Theory) {
  const count = measurements.length;
  const width = catalogue.tuples.length;
  // Autocorrelation of the second moments (and the first fourth moment): the slowest drives the binning.
  let tau = 0.5;
  catalogue.tuples.forEach((tuple, t) => {
    if (tuple.length === 2 || (tuple.length === 4 && tuple.every((index) => index === 0))) {
      tau = Math.max(tau, integratedAutocorrelationTime(measurements.map((m) => m[t]!)));
    }
  });
  let binSize = Math.max(1, Math.ceil(2 * tau), Math.ceil(count / MAX_JACKKNIFE_BINS));
  if (Math.floor(count / binSize) < 16) binSize = Math.max(1, Math.floor(count / 16));
  const bins = Math.floor(count / binSize);
  const used = bins * binSize;
  const binSums: Float64Array[] = [];
  const total = new Float64Array(width);
  for (let b = 0; b < bins; b++) {
    const sums = new Float64Array(width);
    for (let i = b * binSize; i < (b + 1) * binSize; i++) for (let t = 0; t < width; t++) sums[t] = sums[t]! + measurements[i]![t]!;
    binSums.push(sums);
    for (let t = 0; t < width; t++) total[t] = total[t]! + sums[t]!;
  }
  const cumulantsFrom = (means: Float64Array): number[][] => {
    const moment = (indices: readonly number[]): number => means[catalogue.index.get(indices.join(','))!]!;
    return theory.connectedOrders.map((order) => indexTuples(theory.points.length, order).map((tuple) => jointCumulant(tuple, moment)));
  };
  const fullMeans = total.map((value) => value / used);
  const central = cumulantsFrom(fullMeans);
  const leaveOneOut = binSums.map((sums) => cumulantsFrom(total.map((value, t) => (value - sums[t]!) / (used - binSize))));
  const blocks: CorrelatorBlock[] = theory.connectedOrders.map((order, b) => {
    const indices = indexTuples(theory.points.length, order);
    const values = central[b]!;
    // delete-one-bin replicates per value; the same bins for every block (and for C(t))
    const replicates = values.map((_, i) => leaveOneOut.map((sample) => sample[b]![i]!));
    const stderr = replicates.map((row) => {
      const mean = row.reduce((sum, value) => sum + value, 0) / bins;
      const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0);
      return Math.sqrt(((bins - 1) / bins) * variance);
    });
    return { order, indices, values, stderr, replicates };
  });
  return { blocks, tau, binSize, bins };
}
