/**
 * Delete-one-batch jackknife statistics of replicate rows (r_ib: value i with batch b left out):
 *   C_ij = (B-1)/B sum_b (r_ib - mean_i)(r_jb - mean_j),   stderr_i = sqrt(C_ii).
 * One definition for the estimators' errors (estimators/correlator-estimate.ts) and the design's
 * covariance of correlated values (design/consistency.ts).
 */

export function jackknifeCovariance(rows: readonly (readonly number[])[]): Float64Array {
  const n = rows.length;
  const batches = rows[0]?.length ?? 0;
  const means = rows.map((row) => row.reduce((sum, value) => sum + value, 0) / batches);
  const covariance = new Float64Array(n * n);
  const factor = (batches - 1) / batches;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let b = 0; b < batches; b++) sum += (rows[i]![b]! - means[i]!) * (rows[j]![b]! - means[j]!);
      covariance[i * n + j] = covariance[j * n + i] = factor * sum;
    }
  }
  return covariance;
}

/** sqrt of the jackknife variance of one value; NaN with fewer than 2 replicates. */
export function jackknifeStandardError(replicates: readonly number[]): number {
  return replicates.length < 2 ? Number.NaN : Math.sqrt(jackknifeCovariance([replicates])[0]!);
}
