/**
 * Is a fitted move away from the starting point more than the sample's (and the target's) noise?
 *
 * The fixed-sample fit minimises a chi^2 with diagonal errors, but one sample's estimates are
 * correlated across index tuples: a common-mode fluctuation of G_c4 looks like 35 independent
 * deviations and the coupling absorbs it. On phi4-local-2d-weak the analytic construction validated
 * at chi^2/dof 0.76 against first-order perturbation theory, while the fitted design (coupling moved
 * 8%) validated at 2.4. So the move is tested against its own uncertainty, with the correlations:
 * the linearised fit maps residuals r to parameters by A = (J^T J)^-1 J^T (free parameters), the
 * sample's residual covariance comes from batch means (B batches of the same sample), the target's
 * errors add diag(target error / sigma)^2 and, per order, a fully correlated shift by those errors (a
 * Monte Carlo target's values share one ensemble), and
 *   d^2 = delta^T [A (C_sample + C_target) A^T]^-1 delta
 * is compared with the 95% quantile of chi^2 with F degrees of freedom. A move below it is noise.
 * A significant move can still carry parameters along that the data do not pin (a coupling traded
 * against the kurtosis along a nearly flat valley): each parameter's own move is also measured in its
 * marginal standard error, and the design resets and holds those below MARGINAL_SIGNIFICANCE.
 */

export interface MoveSignificanceInput {
  /** Residual Jacobian at the fitted point, row-major [T][K], residuals normalised by the chi^2 errors. */
  readonly jacobian: Float64Array;
  readonly parameterCount: number;
  /** Indices of the parameters the fit moves. */
  readonly free: readonly number[];
  /** Normalised residuals of each batch (equal parts of the sample) at the fitted point. */
  readonly batchResiduals: readonly Float64Array[];
  /** Target error / chi^2 error per residual. */
  readonly targetNoise: Float64Array;
  /** Residual indices of each order: the target's errors may shift a whole order together. */
  readonly targetGroups?: readonly (readonly number[])[];
  /** Fitted minus starting parameters (all K). */
  readonly delta: readonly number[];
}

export interface MoveSignificance {
  readonly distanceSquared: number;
  readonly threshold: number;
  readonly significant: boolean;
  /** Per free parameter (in the order of `free`): its move over its marginal standard error. */
  readonly marginalZ: readonly number[];
}

/**
 * A parameter whose own move is below this many standard errors is noise (reset and held). Three, not
 * two: the batch-means error of 16 batches is itself uncertain by ~18%, and a false move of a coupling
 * costs more than a missed small correction (on phi4-local-2d-weak a 2.4-sigma move of the coupling
 * validated 7% off first order, the unmoved construction 2% off).
 */
export const MARGINAL_SIGNIFICANCE = 3;

/** Solve S x = b for a small symmetric positive (semi)definite S, with a relative ridge. */
function solve(matrix: number[][], right: number[]): number[] {
  const n = right.length;
  const trace = matrix.reduce((sum, row, i) => sum + Math.abs(row[i]!), 0) / Math.max(1, n);
  const a = matrix.map((row, i) => [...row.map((value, j) => value + (i === j ? 1e-12 * trace : 0)), right[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (p === 0) continue;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row]![col]! / p;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  return a.map((row, i) => (row[i] === 0 ? 0 : row[n]! / row[i]!));
}

/** 95% quantiles of chi^2 for 1..6 degrees of freedom (tables); Wilson-Hilferty beyond (within 0.5%). */
const QUANTILE_95 = [3.841, 5.991, 7.815, 9.488, 11.07, 12.592];

export function chiSquaredQuantile95(f: number): number {
  if (Number.isInteger(f) && f >= 1 && f <= QUANTILE_95.length) return QUANTILE_95[f - 1]!;
  const c = 2 / (9 * f);
  return f * (1 - c + 1.6448536 * Math.sqrt(c)) ** 3;
}

export function moveSignificance(input: MoveSignificanceInput): MoveSignificance {
  const { jacobian, parameterCount: K, free, batchResiduals, targetNoise, delta } = input;
  const F = free.length;
  const T = targetNoise.length;
  const normal = Array.from({ length: F }, (_, a) => Array.from({ length: F }, (_, b) => {
    let total = 0;
    for (let t = 0; t < T; t++) total += jacobian[t * K + free[a]!]! * jacobian[t * K + free[b]!]!;
    return total;
  }));
  // A r = (J^T J)^-1 J^T r for any residual vector r.
  const project = (residuals: ArrayLike<number>): number[] => {
    const gradient = free.map((k) => {
      let total = 0;
      for (let t = 0; t < T; t++) total += jacobian[t * K + k]! * residuals[t]!;
      return total;
    });
    return solve(normal, gradient);
  };
  const covariance = Array.from({ length: F }, () => new Array<number>(F).fill(0));
  const B = batchResiduals.length;
  if (B >= 2) {
    const projected = batchResiduals.map(project);
    const mean = free.map((_, a) => projected.reduce((sum, p) => sum + p[a]!, 0) / B);
    // Variance of one batch's estimate, divided by B: the full sample's.
    for (const p of projected) for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) covariance[a]![b]! += ((p[a]! - mean[a]!) * (p[b]! - mean[b]!)) / (B - 1) / B;
  }
  // The target's errors: independent per value, plus (for a Monte Carlo target, whose values share
  // one ensemble) a fully correlated shift of each order's values by their errors. Without the
  // correlated part a design fitted to a noisy network reference moved its coupling 23% with the
  // reference's common-mode fluctuation and still passed as significant.
  const addOuter = (vector: Float64Array): void => {
    const p = project(vector);
    for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) covariance[a]![b]! += p[a]! * p[b]!;
  };
  for (let t = 0; t < T; t++) {
    if (targetNoise[t] === 0) continue;
    const unit = new Float64Array(T);
    unit[t] = targetNoise[t]!;
    addOuter(unit);
  }
  for (const group of input.targetGroups ?? []) {
    const shift = new Float64Array(T);
    for (const t of group) shift[t] = targetNoise[t]!;
    if (shift.some((value) => value !== 0)) addOuter(shift);
  }
  const move = free.map((k) => delta[k]!);
  const weighted = solve(covariance, move);
  const distanceSquared = move.reduce((sum, value, a) => sum + value * weighted[a]!, 0);
  const threshold = chiSquaredQuantile95(F);
  const marginalZ = move.map((value, a) => (covariance[a]![a]! > 0 ? Math.abs(value) / Math.sqrt(covariance[a]![a]!) : Infinity));
  return { distanceSquared, threshold, significant: distanceSquared > threshold, marginalZ };
}
