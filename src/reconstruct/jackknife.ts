/**
 * Delete-one jackknife over independent batches. Each batch supplies the same named float64 arrays
 * (per-batch estimates of C, K, ...); the estimator maps averaged arrays to a flat vector of outputs.
 * The estimate is taken at the all-batch mean; the error is
 * sqrt((B-1)/B sum_b (theta_(b) - mean theta_(.))^2), which carries the non-linearity of the
 * estimator (amputation divides by C) correctly to leading order.
 */
import { NnftError } from '../errors.js';

export type BatchArrays = Readonly<Record<string, Float64Array>>;

export interface JackknifeResult {
  readonly value: Float64Array;
  readonly stderr: Float64Array;
  /** Leave-one-out estimates theta_(b), one per batch (for derived statistics). */
  readonly leaveOneOut: Float64Array[];
}

export function averageBatches(batches: readonly BatchArrays[], skip = -1): Record<string, Float64Array> {
  const names = Object.keys(batches[0]);
  const mean: Record<string, Float64Array> = {};
  const count = batches.length - (skip >= 0 ? 1 : 0);
  for (const name of names) {
    const sum = new Float64Array(batches[0][name].length);
    batches.forEach((batch, index) => {
      if (index === skip) return;
      const values = batch[name];
      if (!values || values.length !== sum.length) {
        throw new NnftError('E_SEMANTIC', `batch ${index}: '${name}' is missing or has a different length`);
      }
      for (let i = 0; i < sum.length; i++) sum[i] += values[i];
    });
    for (let i = 0; i < sum.length; i++) sum[i] /= count;
    mean[name] = sum;
  }
  return mean;
}

/** Jackknife error of a flat statistic of the whole-batch means. */
export function jackknifeStatistic(
  leaveOneOut: readonly ArrayLike<number>[],
): { mean: Float64Array; stderr: Float64Array } {
  const batchCount = leaveOneOut.length;
  const length = leaveOneOut[0].length;
  const mean = new Float64Array(length);
  for (const sample of leaveOneOut) for (let i = 0; i < length; i++) mean[i] += sample[i] / batchCount;
  const stderr = new Float64Array(length);
  for (const sample of leaveOneOut) {
    for (let i = 0; i < length; i++) stderr[i] += (sample[i] - mean[i]) ** 2;
  }
  for (let i = 0; i < length; i++) stderr[i] = Math.sqrt(((batchCount - 1) / batchCount) * stderr[i]);
  return { mean, stderr };
}

export function jackknifeBatches(
  batches: readonly BatchArrays[],
  estimator: (mean: Record<string, Float64Array>) => Float64Array,
): JackknifeResult {
  if (batches.length < 2) {
    throw new NnftError('E_SEMANTIC', `the jackknife needs at least 2 batches, got ${batches.length}`, {
      hint: 'Split the ensemble into independent batches (10 to 50 is typical).',
    });
  }
  const value = estimator(averageBatches(batches));
  const leaveOneOut = batches.map((_, skip) => estimator(averageBatches(batches, skip)));
  return { value, stderr: jackknifeStatistic(leaveOneOut).stderr, leaveOneOut };
}
