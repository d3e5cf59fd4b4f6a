/**
 * The covariance of correlated Monte Carlo values from their delete-one-batch jackknife replicates
 * (r_ib: value i with batch b left out), in a form a correlated fit can invert:
 *
 *   C_ij = (B-1)/B sum_b (r_ib - mean_i)(r_jb - mean_j)          (numeric/jackknife-covariance.ts)
 *
 * has rank at most B - 1, so with as many values as batches (330 G_c4 tuples on 8 points, 32 batches)
 * it is singular, and with a few more batches than values its small eigenvalues are badly
 * underestimated (a correlated chi^2 then overstates misfits). The fits use the Schäfer-Strimmer
 * shrinkage of the correlation matrix towards the identity ("target D": the variances are kept),
 *
 *   R*_ij = (1 - s) R_ij (i != j),   R*_ii = 1,   C* = D^1/2 R* D^1/2,
 *
 * with the intensity s = sum_{i!=j} Var(R_ij) / sum_{i!=j} R_ij^2 estimated from the same replicates
 * (Schäfer & Strimmer, Stat. Appl. Genet. Mol. Biol. 4 (2005) 32, eq. for target D), clamped to
 * [0, 1], and raised further only if C* is still not positive definite to rounding. s = 0 is the plain
 * jackknife covariance; s = 1 is the diagonal (independent errors). The intensity is reported.
 */
import { choleskyFactor, type CholeskyFactor } from './cholesky.js';
import { jackknifeCovariance } from './jackknife-covariance.js';

export interface ShrunkCovariance {
  /** C* as rows. */
  readonly covariance: number[][];
  /** The plain jackknife covariance as rows (s = 0). */
  readonly jackknife: number[][];
  /** Shrinkage intensity s in [0, 1] actually applied. */
  readonly shrinkage: number;
  /** The Schäfer-Strimmer estimate before any raise for positive definiteness. */
  readonly estimatedShrinkage: number;
  readonly batches: number;
}

/** Rows of a row-major n x n array. */
export function matrixRows(flat: ArrayLike<number>, size: number): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => flat[i * size + j]!));
}

/**
 * The Schäfer-Strimmer intensity for shrinking the correlation matrix of the replicate rows towards
 * the identity. The jackknife replicates of independent batches are (up to a common factor and sign)
 * the batch deviations, so their standardised products estimate Var(R_ij).
 */
export function shrinkageIntensity(rows: readonly (readonly number[])[]): number {
  const n = rows.length;
  const batches = rows[0]?.length ?? 0;
  if (n < 2 || batches < 3) return n < 2 ? 0 : 1;
  const standardised = rows.map((row) => {
    const mean = row.reduce((sum, value) => sum + value, 0) / batches;
    const deviations = row.map((value) => value - mean);
    const sd = Math.sqrt(deviations.reduce((sum, value) => sum + value * value, 0) / (batches - 1));
    return sd > 0 ? deviations.map((value) => value / sd) : deviations.map(() => 0);
  });
  let numerator = 0;
  let denominator = 0;
  const factor = batches / (batches - 1) ** 3;
  for (let i = 0; i < n; i++) {
    const xi = standardised[i]!;
    for (let j = i + 1; j < n; j++) {
      const xj = standardised[j]!;
      let mean = 0;
      for (let b = 0; b < batches; b++) mean += xi[b]! * xj[b]!;
      mean /= batches;
      let spread = 0;
      for (let b = 0; b < batches; b++) spread += (xi[b]! * xj[b]! - mean) ** 2;
      const correlation = (mean * batches) / (batches - 1);
      numerator += factor * spread;
      denominator += correlation * correlation;
    }
  }
  if (!(denominator > 0)) return 1;
  return Math.min(1, Math.max(0, numerator / denominator));
}

/** D^1/2 [(1 - s) R + s I] D^1/2 from a covariance given as rows. */
export function shrinkTowardsDiagonal(covariance: readonly (readonly number[])[], shrinkage: number): number[][] {
  return covariance.map((row, i) => row.map((value, j) => (i === j ? value : (1 - shrinkage) * value)));
}

export interface ShrunkCorrelation {
  /** R* as rows (unit diagonal). */
  readonly correlation: number[][];
  /** Shrinkage intensity s in [0, 1] actually applied. */
  readonly shrinkage: number;
  /** The Schäfer-Strimmer estimate before any raise for positive definiteness. */
  readonly estimatedShrinkage: number;
  readonly batches: number;
}

/** sigma_i sigma_j R_ij. */
export function covarianceFromCorrelation(correlation: readonly (readonly number[])[], stderr: readonly number[]): number[][] {
  return correlation.map((row, i) => row.map((value, j) => value * stderr[i]! * stderr[j]!));
}

/**
 * The shrunk correlation matrix of replicate rows ([value][batch]); a value whose replicates do not
 * vary is uncorrelated with the rest. s is raised above the estimate only as far as positive
 * definiteness to rounding needs (condition estimate below 1e14).
 */
export function shrunkCorrelation(rows: readonly (readonly number[])[]): ShrunkCorrelation {
  const n = rows.length;
  const batches = rows[0]?.length ?? 0;
  const covariance = jackknifeCovariance(rows);
  const sd = Array.from({ length: n }, (_, i) => Math.sqrt(covariance[i * n + i]!));
  const plain = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : sd[i]! > 0 && sd[j]! > 0 ? covariance[i * n + j]! / (sd[i]! * sd[j]!) : 0)),
  );
  const estimated = shrinkageIntensity(rows);
  let shrinkage = estimated;
  let correlation = shrinkTowardsDiagonal(plain, shrinkage);
  for (const floor of [0, 1e-6, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1]) {
    if (floor < shrinkage) continue;
    if (floor > shrinkage) {
      shrinkage = floor;
      correlation = shrinkTowardsDiagonal(plain, shrinkage);
    }
    if (factorOrNull(correlation) !== null) break;
  }
  return { correlation, shrinkage, estimatedShrinkage: estimated, batches };
}

/** Shrunk jackknife covariance of replicate rows ([value][batch]): the jackknife variances, the shrunk correlation. */
export function shrunkJackknifeCovariance(rows: readonly (readonly number[])[]): ShrunkCovariance {
  const n = rows.length;
  const jackknife = matrixRows(jackknifeCovariance(rows), n);
  const shrunk = shrunkCorrelation(rows);
  const stderr = jackknife.map((row, i) => Math.sqrt(row[i]!));
  return { covariance: covarianceFromCorrelation(shrunk.correlation, stderr), jackknife, shrinkage: shrunk.shrinkage, estimatedShrinkage: shrunk.estimatedShrinkage, batches: shrunk.batches };
}

function factorOrNull(matrix: readonly (readonly number[])[]): CholeskyFactor | null {
  try {
    const factor = choleskyFactor(matrix);
    return factor.conditionEstimate < 1e14 ? factor : null;
  } catch {
    return null;
  }
}
