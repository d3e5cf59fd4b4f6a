/**
 * Is an estimate statistically consistent with its reference? (docs/design.md, "Met means
 * consistent".)
 *
 * Residuals r = achieved - target over every index tuple of the compared orders, with covariance
 *   Sigma = Cov(achieved) + Cov(target) + sum_s s s^T,
 * where Cov(achieved) is the delete-one-batch jackknife covariance of the estimate (one sample's
 * values are correlated across tuples, so a diagonal chi^2 misreads a common-mode fluctuation),
 * Cov(target) its jackknife covariance when the target is a Monte Carlo estimate with replicates,
 * else the diagonal of its stated errors, and each named systematic s (for example the O(g^2) terms
 * of a first-order target) enters as a fully correlated shift of one order. Then
 *   chi^2 = r^T Sigma^-1 r
 * on the correlation matrix's eigenbasis (directions with eigenvalue below 1e-10 of the largest are
 * dropped and not counted as degrees of freedom). When Cov(achieved) is estimated from B batches the
 * p-value uses Hotelling's T^2 law, chi^2 (nu - n + 1) / (n nu) ~ F(n, nu - n + 1) with nu = B - 1,
 * which accounts for the noise of the covariance itself; otherwise chi^2_n.
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';
import { symmetricEigen } from '../numeric/symmetric-eigen.js';
import { jackknifeCovariance } from '../numeric/jackknife-covariance.js';
import { chiSquaredSurvival, fSurvival, regularizedBeta } from '../numeric/distributions.js';
import { erfc } from '../numeric/special-functions.js';

/** A systematic allowance: per order, a shift vector over the target's tuples (fully correlated). */
export interface NamedSystematic {
  readonly name: string;
  readonly shifts: ReadonlyMap<number, readonly number[]>;
}

export interface Consistency {
  /**
   * The same test without the resolution floor (validate-design.ts), when a floor was applied: the
   * estimate can resolve deviations far below what the tolerance asks for, and this says whether it does.
   */
  unfloored?: { chiSquaredPerDof: number; degreesOfFreedom: number; pValue: number; worstPull: { order: number; indices: number[]; pull: number } };
  chiSquared: number;
  degreesOfFreedom: number;
  chiSquaredPerDof: number;
  pValue: number;
  /** The largest |pull| (residual over its own standard deviation) and where. */
  worstPull: { order: number; indices: number[]; pull: number };
  /**
   * Bonferroni p-value of the worst pull over the values tested (two-sided Student t with B - 1
   * degrees of freedom when the errors come from B batches, else normal): the omnibus chi^2 over tens
   * of values is blind to one 6 sigma value (45 values, 100 batches: p = 0.2), this is not.
   */
  worstPullPValue: number;
  /** chi^2 with the diagonal errors only (for comparison with older reports). */
  diagonalChiSquared: number;
  /** How the p-value was formed. */
  law: 'hotelling-F' | 'chi-squared' | 'exact';
  /** Batches behind the achieved covariance (0: diagonal errors only). */
  batches: number;
  /**
   * Whether the test can see a deviation: with an estimated covariance Hotelling's law has power only
   * when batches exceed the values compared at least twice over (32 batches for 31 values gave
   * p = 0.5 at chi^2/dof 68); a diagonal or exact comparison always can.
   */
  powerful: boolean;
  systematics: string[];
}

type WithReplicates = CorrelatorBlock & { replicates?: number[][] };

function blockFor(result: CorrelatorResult, order: number): WithReplicates {
  const block = result.correlators.find((candidate) => candidate.order === order);
  if (!block) throw new NnftError('E_INTERNAL', `order ${order} is missing from the correlators`);
  return block as WithReplicates;
}

/** Values, stderr and replicate rows of `result` aligned with the target's tuples. */
function aligned(result: CorrelatorResult, target: CorrelatorResult, orders: readonly number[]): { values: number[]; stderr: number[]; replicates: number[][] | null } {
  const values: number[] = [];
  const stderr: number[] = [];
  let replicates: number[][] | null = [];
  for (const order of orders) {
    const block = blockFor(result, order);
    const byKey = new Map(block.indices.map((tuple, k) => [tuple.join(','), k]));
    for (const tuple of blockFor(target, order).indices) {
      const k = byKey.get(tuple.join(','));
      if (k === undefined) throw new NnftError('E_INTERNAL', `tuple [${tuple}] of order ${order} is missing`);
      values.push(block.values[k]!);
      stderr.push(block.stderr[k] ?? 0);
      if (replicates && block.replicates?.[k]) replicates.push(block.replicates[k]!);
      else replicates = null;
    }
  }
  return { values, stderr, replicates };
}

/**
 * A resolution floor: per order, an error added in quadrature to every value's diagonal (the test then
 * asks only about deviations the floor's precision can see), with its name for the report.
 */
export interface ResolutionFloor {
  readonly name: string;
  readonly perOrder: ReadonlyMap<number, number>;
}

export function consistency(
  achieved: CorrelatorResult,
  target: CorrelatorResult,
  orders: readonly number[],
  systematics: readonly NamedSystematic[] = [],
  floor: ResolutionFloor | null = null,
): Consistency {
  const a = aligned(achieved, target, orders);
  const t = aligned(target, target, orders);
  const n = a.values.length;
  const labels = orders.flatMap((order) => blockFor(target, order).indices.map((indices) => ({ order, indices })));
  const residual = a.values.map((value, i) => value - t.values[i]!);
  const sigma = new Float64Array(n * n);
  const addMatrix = (matrix: Float64Array) => matrix.forEach((value, k) => (sigma[k]! += value));
  const batches = a.replicates && a.replicates[0] ? a.replicates[0].length : 0;
  if (a.replicates && batches >= 2) addMatrix(jackknifeCovariance(a.replicates));
  else a.stderr.forEach((error, i) => (sigma[i * n + i]! += error * error));
  if (t.replicates && (t.replicates[0]?.length ?? 0) >= 2) addMatrix(jackknifeCovariance(t.replicates));
  else t.stderr.forEach((error, i) => (sigma[i * n + i]! += error * error));
  for (const systematic of systematics) {
    const shift = new Float64Array(n);
    let offset = 0;
    for (const order of orders) {
      const count = blockFor(target, order).indices.length;
      const values = systematic.shifts.get(order);
      if (values) for (let k = 0; k < count; k++) shift[offset + k] = values[k]!;
      offset += count;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sigma[i * n + j]! += shift[i]! * shift[j]!;
  }
  if (floor) {
    let offset = 0;
    for (const order of orders) {
      const count = blockFor(target, order).indices.length;
      const value = floor.perOrder.get(order) ?? 0;
      for (let k = 0; k < count; k++) sigma[(offset + k) * n + offset + k]! += value * value;
      offset += count;
    }
  }
  const diagonal = Array.from({ length: n }, (_, i) => sigma[i * n + i]!);
  const scaleOf = (order: number) => Math.max(1e-300, ...blockFor(target, order).values.map(Math.abs));
  // Tuples without any error: exact against exact. They decide alone if they disagree.
  const exactIndices = diagonal.map((value, i) => (value > 0 ? -1 : i)).filter((i) => i >= 0);
  const exactMismatch = exactIndices.some((i) => Math.abs(residual[i]!) > 1e-12 * scaleOf(labels[i]!.order));
  const kept = diagonal.map((value, i) => (value > 0 ? i : -1)).filter((i) => i >= 0);
  let worst = { order: orders[0] ?? 0, indices: [] as number[], pull: 0 };
  let diagonalChiSquared = 0;
  for (const i of kept) {
    const pull = residual[i]! / Math.sqrt(diagonal[i]!);
    diagonalChiSquared += pull * pull;
    if (Math.abs(pull) > Math.abs(worst.pull)) worst = { order: labels[i]!.order, indices: labels[i]!.indices, pull };
  }
  const m = kept.length;
  if (m === 0) {
    return { chiSquared: exactMismatch ? Infinity : 0, degreesOfFreedom: 0, chiSquaredPerDof: exactMismatch ? Infinity : 0, pValue: exactMismatch ? 0 : 1, worstPull: worst, worstPullPValue: exactMismatch ? 0 : 1, diagonalChiSquared: 0, law: 'exact', batches, powerful: true, systematics: [...systematics.map((s) => s.name), ...(floor ? [floor.name] : [])] };
  }
  // Correlation matrix of the kept tuples, eigen-decomposed.
  const correlation = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < m; q++) {
      const i = kept[p]!;
      const j = kept[q]!;
      correlation[p * m + q] = sigma[i * n + j]! / Math.sqrt(diagonal[i]! * diagonal[j]!);
    }
  }
  const normalised = kept.map((i) => residual[i]! / Math.sqrt(diagonal[i]!));
  const eigen = symmetricEigen({ size: m, data: correlation });
  const largest = Math.max(...eigen.values);
  let chiSquared = 0;
  let degreesOfFreedom = 0;
  for (let k = 0; k < m; k++) {
    const value = eigen.values[k]!;
    if (!(value > 1e-10 * largest)) continue;
    let projection = 0;
    for (let p = 0; p < m; p++) projection += eigen.vectors[p * m + k]! * normalised[p]!;
    chiSquared += (projection * projection) / value;
    degreesOfFreedom++;
  }
  const nu = batches - 1;
  const pull = Math.abs(worst.pull);
  const twoSided = batches >= 3 ? regularizedBeta(nu / (nu + pull * pull), nu / 2, 0.5) : erfc(pull / Math.SQRT2);
  const worstPullPValue = exactMismatch ? 0 : Math.min(1, m * twoSided);
  const hotelling = batches >= 2 && nu - degreesOfFreedom + 1 >= 1;
  let pValue = hotelling
    ? fSurvival((chiSquared * (nu - degreesOfFreedom + 1)) / (degreesOfFreedom * nu), degreesOfFreedom, nu - degreesOfFreedom + 1)
    : chiSquaredSurvival(chiSquared, degreesOfFreedom);
  if (exactMismatch) pValue = 0;
  return {
    chiSquared: exactMismatch ? Infinity : chiSquared,
    degreesOfFreedom,
    chiSquaredPerDof: exactMismatch ? Infinity : chiSquared / degreesOfFreedom,
    pValue,
    worstPull: worst,
    worstPullPValue,
    diagonalChiSquared,
    law: hotelling ? 'hotelling-F' : 'chi-squared',
    batches,
    powerful: batches < 2 || batches - degreesOfFreedom >= degreesOfFreedom,
    systematics: [...systematics.map((s) => s.name), ...(floor ? [floor.name] : [])],
  };
}

/** Consistent: neither the omnibus chi^2 nor the worst single pull rejects at level `alpha`. */
export function isConsistent(check: Pick<Consistency, 'pValue' | 'worstPullPValue'>, alpha: number): boolean {
  return check.pValue >= alpha && check.worstPullPValue >= alpha;
}
