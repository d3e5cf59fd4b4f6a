/**
 * Honest errors for fits to correlated data. The values of one correlator estimate share networks, so
 * a weighted least-squares fit that weights each value by its own error ignores their correlations:
 * its coupling errors and its chi^2 p-value are optimistic. With independent per-batch estimates the
 * whole fit is repeated on every leave-one-batch-out mean (same weights) and
 *
 * - the coupling errors and covariance are the delete-one jackknife of the refitted couplings;
 * - the goodness of fit compares the (diagonally weighted) chi^2 with its distribution under the
 *   jackknife covariance of the whitened residuals A (Satterthwaite: chi^2 ~ c chi^2_nu with
 *   c = tr A^2 / tr A, nu = (tr A)^2 / tr A^2). A has rank at most K - 1 for K batches, so nu <= K - 1
 *   and the test flags gross misfits only; it is calibrated, not powerful.
 *
 * Without batches the fit covariance is scaled by sqrt(chi^2/dof) when that exceeds 1 (the PDG rule).
 */
import { jackknifeCovariance as jackknifeCovarianceOfRows } from '../numeric/jackknife-covariance.js';
import { chiSquaredPValue } from './fit-statistics.js';

export interface FitErrorMethod {
  readonly method: 'jackknife' | 'scaled' | 'fit';
  /** Batches of the jackknife. */
  readonly batches?: number;
  /** sqrt(chi^2/dof) applied to the fit covariance (method 'scaled'). */
  readonly scale?: number;
  readonly description: string;
}

export interface CorrelatedGoodnessOfFit {
  /** Jackknife estimate of E[chi^2] = tr A. */
  readonly expectedChiSquared: number;
  readonly effectiveDof: number;
  readonly scale: number;
  readonly pValue: number;
}

/** Leave-one-out means of K batch vectors. */
export function leaveOneOutMeans(batches: readonly (readonly number[])[]): number[][] {
  const count = batches.length;
  const length = batches[0]!.length;
  const total = new Array<number>(length).fill(0);
  for (const batch of batches) for (let i = 0; i < length; i++) total[i]! += batch[i]!;
  return batches.map((batch) => total.map((sum, i) => (sum - batch[i]!) / (count - 1)));
}

/** Delete-one jackknife covariance of leave-one-out estimates. */
export function jackknifeCovariance(samples: readonly (readonly number[])[]): number[][] {
  // samples are [batch][value]; numeric/jackknife-covariance.ts takes rows per value.
  const length = samples[0]!.length;
  const rows = Array.from({ length }, (_, i) => samples.map((sample) => sample[i]!));
  const flat = jackknifeCovarianceOfRows(rows);
  return Array.from({ length }, (_, i) => Array.from(flat.subarray(i * length, (i + 1) * length)));
}

/**
 * p-value of a diagonally weighted chi^2 under the jackknife covariance of the whitened residuals
 * (pulls) of the leave-one-out fits.
 */
export function correlatedGoodnessOfFit(chiSquared: number, leaveOneOutPulls: readonly (readonly number[])[]): CorrelatedGoodnessOfFit {
  const count = leaveOneOutPulls.length;
  const length = leaveOneOutPulls[0]!.length;
  const mean = new Array<number>(length).fill(0);
  for (const pulls of leaveOneOutPulls) for (let i = 0; i < length; i++) mean[i]! += pulls[i]! / count;
  const factor = Math.sqrt((count - 1) / count);
  const deviations = leaveOneOutPulls.map((pulls) => pulls.map((value, i) => factor * (value - mean[i]!)));
  let trace = 0;
  let traceOfSquare = 0;
  for (let k = 0; k < count; k++) {
    for (let l = 0; l < count; l++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += deviations[k]![i]! * deviations[l]![i]!;
      if (k === l) trace += dot;
      traceOfSquare += dot * dot;
    }
  }
  if (!(trace > 0) || !(traceOfSquare > 0)) return { expectedChiSquared: trace, effectiveDof: Number.NaN, scale: Number.NaN, pValue: Number.NaN };
  const scale = traceOfSquare / trace;
  const effectiveDof = (trace * trace) / traceOfSquare;
  return { expectedChiSquared: trace, effectiveDof, scale, pValue: chiSquaredPValue(chiSquared / scale, effectiveDof) };
}
