/**
 * Connected correlators with honest errors from batched moment sums.
 *
 * Estimators (docs/ensemble.md, "Estimators"): the plain self-normalised one, moments E_w[O] = sum w O / sum w; and
 * the control variate, E_w[O] - E_0[O] estimated on the same draws plus the exactly known E_0[O] of the
 * undeformed finite-width ensemble, which removes the large fluctuation of O itself when the weights
 * are close to one. Cumulants are formed in float64 from either set of moments.
 *
 * Errors: delete-one-batch jackknife over B batches of independent networks (handles the ratio and
 * the non-linear cumulant formula). The variance-reduction factor is (plain error / reported error)^2
 * on the same draws. Symmetry images (the same correlator at mapped point sets, exact symmetries of
 * the ensemble) are averaged replicate by replicate, so their correlation is in the error.
 */
import { cumulantRecipe, evaluateCumulant, type CumulantRecipe } from '../numeric/cumulants.js';
import type { MomentSums } from './moment-sums.js';
import type { MonomialTable } from './monomials.js';
import { indexTuples } from '../io/result.js';
import { jackknifeStandardError } from '../numeric/jackknife-covariance.js';
import type { LinearResponse } from './linear-response.js';

export interface ImageSums {
  readonly table: MonomialTable;
  /** One MomentSums per batch (same batch structure for every image). */
  readonly batches: readonly MomentSums[];
  /** Exact undeformed moments per monomial (NaN where unknown), or null. */
  readonly exactMoments: Float64Array | null;
  /** E_0[h] and Cov_0(h, O_j) of an exactly Gaussian base (linear-response.ts), or null. */
  readonly linearResponse?: LinearResponse | null;
}

export interface OrderEstimate {
  readonly order: number;
  readonly indices: number[][];
  readonly values: number[];
  readonly stderr: number[];
  /** The plain self-normalised estimator at the requested points only (no images, no control variate). */
  readonly plainValues: number[];
  readonly plainStderr: number[];
  /** (plain stderr / reported stderr)^2 on the same draws; 1 where the plain estimator is reported. */
  readonly varianceReduction: number[];
  /** Coefficient of the control variate (0 where the plain estimator is reported; 1 with the first-order one). */
  readonly controlVariateCoefficient: number[];
  /**
   * Delete-one-batch jackknife replicates of each reported value ([value][batch]): with them any
   * covariance between values follows, C_ij = (B-1)/B sum_b (r_ib - mean_i)(r_jb - mean_j).
   */
  readonly replicates: number[][];
  /** Which estimator each value uses. */
  readonly estimator: ('plain' | 'control-variate' | 'symmetry-average' | 'control-variate+symmetry-average' | 'control-variate+first-order' | 'control-variate+first-order+symmetry-average')[];
}

export interface EstimateSummary {
  readonly orders: OrderEstimate[];
  readonly ensembleSize: number;
  readonly effectiveSampleSize: number;
  readonly batchCount: number;
}

interface FlatSums {
  weighted: Float64Array;
  plain: Float64Array;
  /** sum_m h_m O_m (unweighted; h = log w). */
  linear: Float64Array;
  weightSum: number;
  logWeightSum: number;
  count: number;
}

/** Bring every batch to a common weight shift, then form totals and leave-one-out replicates. */
function replicates(batches: readonly MomentSums[]): { total: FlatSums; leaveOut: FlatSums[]; weightSquareSum: number } {
  const shift = Math.max(...batches.map((batch) => batch.logShift));
  const size = batches[0]!.weighted.length;
  const scaled = batches.map((batch) => {
    const factor = batch.count === 0 ? 0 : Math.exp(batch.logShift - shift);
    const weighted = new Float64Array(size);
    for (let j = 0; j < size; j++) weighted[j] = batch.weighted[j]! * factor;
    return { weighted, plain: batch.plain, linear: batch.linear, weightSum: batch.weightSum * factor, weightSquareSum: batch.weightSquareSum * factor * factor, logWeightSum: batch.logWeightSum, count: batch.count };
  });
  const total: FlatSums = { weighted: new Float64Array(size), plain: new Float64Array(size), linear: new Float64Array(size), weightSum: 0, logWeightSum: 0, count: 0 };
  let weightSquareSum = 0;
  for (const batch of scaled) {
    for (let j = 0; j < size; j++) {
      total.weighted[j]! += batch.weighted[j]!;
      total.plain[j]! += batch.plain[j]!;
      total.linear[j]! += batch.linear[j]!;
    }
    total.weightSum += batch.weightSum;
    total.logWeightSum += batch.logWeightSum;
    weightSquareSum += batch.weightSquareSum;
    total.count += batch.count;
  }
  const leaveOut = scaled.map((batch) => {
    const weighted = new Float64Array(size);
    const plain = new Float64Array(size);
    const linear = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      weighted[j] = total.weighted[j]! - batch.weighted[j]!;
      plain[j] = total.plain[j]! - batch.plain[j]!;
      linear[j] = total.linear[j]! - batch.linear[j]!;
    }
    return { weighted, plain, linear, weightSum: total.weightSum - batch.weightSum, logWeightSum: total.logWeightSum - batch.logWeightSum, count: total.count - batch.count };
  });
  return { total, leaveOut, weightSquareSum };
}

function plainMoments(sums: FlatSums): Float64Array {
  const out = new Float64Array(sums.weighted.length);
  for (let j = 0; j < out.length; j++) out[j] = sums.weighted[j]! / sums.weightSum;
  return out;
}

function controlVariateMoments(sums: FlatSums, exact: Float64Array): Float64Array {
  const out = new Float64Array(sums.weighted.length);
  for (let j = 0; j < out.length; j++) {
    const weighted = sums.weighted[j]! / sums.weightSum;
    out[j] = Number.isFinite(exact[j]!) ? weighted - sums.plain[j]! / sums.count + exact[j]! : weighted;
  }
  return out;
}

/**
 * The control-variate moments less the first-order correction Z_j, which has mean zero exactly:
 *   Z_j = (1/M) sum_m (h_m - E_0 h) O_mj - Cov_0(h, O_j) - (hbar - E_0 h) E_0[O_j],
 * the sample's linear response minus its exact value (E_w[O] - E_0[O] = Cov_0(h, O) + O(h^2)).
 */
function firstOrderMoments(sums: FlatSums, exact: Float64Array, response: LinearResponse, controlVariate: Float64Array): Float64Array {
  const out = Float64Array.from(controlVariate);
  const meanShift = sums.logWeightSum / sums.count - response.meanLogWeight;
  for (let j = 0; j < out.length; j++) {
    if (!Number.isFinite(exact[j]!)) continue;
    const z = sums.linear[j]! / sums.count - (response.meanLogWeight * sums.plain[j]!) / sums.count - response.covariance[j]! - meanShift * exact[j]!;
    out[j] = out[j]! - z;
  }
  return out;
}

/** -Cov(x, y)/Var(y) over jackknife replicates; 1 when y does not vary. */
function regressionCoefficient(x: readonly number[], y: readonly number[]): number {
  const count = x.length;
  const meanX = x.reduce((sum, value) => sum + value, 0) / count;
  const meanY = y.reduce((sum, value) => sum + value, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (let b = 0; b < count; b++) {
    covariance += (x[b]! - meanX) * (y[b]! - meanY);
    variance += (y[b]! - meanY) ** 2;
  }
  return variance > 0 ? -covariance / variance : 1;
}

export interface EstimateOptions {
  readonly orders: readonly number[];
  /** Point count of the reported correlators (the first image's points). */
  readonly pointCount: number;
  /** Odd moments vanish exactly (Z2-symmetric ensemble and deformation). */
  readonly evenOnly: boolean;
  /** Use the control variate where exact moments are known for every moment a cumulant needs. */
  readonly controlVariate: boolean;
}

export function estimateCorrelators(images: readonly ImageSums[], options: EstimateOptions): EstimateSummary {
  const perImage = images.map((image) => {
    const { total, leaveOut, weightSquareSum } = replicates(image.batches);
    const fullPlain = plainMoments(total);
    const leavePlain = leaveOut.map(plainMoments);
    const fullCv = image.exactMoments ? controlVariateMoments(total, image.exactMoments) : null;
    const leaveCv = image.exactMoments ? leaveOut.map((sums) => controlVariateMoments(sums, image.exactMoments!)) : null;
    const response = image.linearResponse ?? null;
    const fullFirst = response && fullCv ? firstOrderMoments(total, image.exactMoments!, response, fullCv) : null;
    const leaveFirst = response && leaveCv ? leaveOut.map((sums, b) => firstOrderMoments(sums, image.exactMoments!, response, leaveCv[b]!)) : null;
    return { image, total, weightSquareSum, fullPlain, leavePlain, fullCv, leaveCv, fullFirst, leaveFirst };
  });
  const first = perImage[0]!;
  const batchCount = first.leavePlain.length;
  const orders: OrderEstimate[] = [];
  for (const order of options.orders) {
    const indices = indexTuples(options.pointCount, order);
    const result: OrderEstimate = { order, indices, values: [], stderr: [], plainValues: [], plainStderr: [], varianceReduction: [], estimator: [], controlVariateCoefficient: [], replicates: [] };
    for (const tuple of indices) {
      // The reference: the plain estimator at the requested points only (image 0).
      let singleFull = 0;
      const singleReplicates = new Array<number>(batchCount).fill(0);
      // Plain and control-variate estimators averaged over all images.
      let plainFull = 0;
      const plainReplicates = new Array<number>(batchCount).fill(0);
      let cvFull = 0;
      const cvReplicates = new Array<number>(batchCount).fill(0);
      let cvAvailable = options.controlVariate;
      let firstFull = 0;
      const firstReplicates = new Array<number>(batchCount).fill(0);
      let firstAvailable = options.controlVariate && perImage.every((entry) => entry.fullFirst !== null);
      perImage.forEach((entry, imageIndex) => {
        const recipe: CumulantRecipe = cumulantRecipe(tuple, (sub) => entry.image.table.indexOf(sub), options.evenOnly);
        const full = evaluateCumulant(recipe, entry.fullPlain);
        const leave = entry.leavePlain.map((moments) => evaluateCumulant(recipe, moments));
        if (imageIndex === 0) {
          singleFull = full;
          leave.forEach((value, b) => (singleReplicates[b] = value));
        }
        plainFull += full / perImage.length;
        for (let b = 0; b < batchCount; b++) plainReplicates[b]! += leave[b]! / perImage.length;
        const exact = entry.image.exactMoments;
        const needed = recipe.terms.flatMap((term) => term.moments);
        if (!exact || !needed.every((j) => Number.isFinite(exact[j]!))) cvAvailable = false;
        if (cvAvailable && entry.fullCv && entry.leaveCv) {
          cvFull += evaluateCumulant(recipe, entry.fullCv) / perImage.length;
          for (let b = 0; b < batchCount; b++) cvReplicates[b]! += evaluateCumulant(recipe, entry.leaveCv[b]!) / perImage.length;
        }
        if (!cvAvailable) firstAvailable = false;
        if (firstAvailable && entry.fullFirst && entry.leaveFirst) {
          firstFull += evaluateCumulant(recipe, entry.fullFirst) / perImage.length;
          for (let b = 0; b < batchCount; b++) firstReplicates[b]! += evaluateCumulant(recipe, entry.leaveFirst[b]!) / perImage.length;
        }
      });
      const singleError = jackknifeStandardError(singleReplicates);
      result.plainValues.push(singleFull);
      result.plainStderr.push(singleError);
      let value = plainFull;
      let error = jackknifeStandardError(plainReplicates);
      let reported = plainReplicates;
      let beta = 0;
      let usedFirst = false;
      if (cvAvailable && firstAvailable) {
        // The first-order estimator as it stands (both corrections at coefficient 1): the cumulant of
        // the moments E_w[O] - E_0[O] - Z + exact E_0[O]. No coefficient is fitted on the replicates,
        // so the jackknife error is that of a smooth function of means (fitted coefficients on 32
        // batches understated the scatter over seeds 1.5-2 fold in sigma: heavy-tailed h O products).
        value = firstFull;
        reported = firstReplicates;
        error = jackknifeStandardError(reported);
        beta = 1;
        usedFirst = true;
      }
      if (cvAvailable && !usedFirst) {
        // The correction delta = cv - plain has zero mean under the base ensemble; scale it by the
        // regression coefficient beta = -Cov(plain, delta)/Var(delta) over the jackknife replicates
        // (beta = 1 is the bare difference estimator); the fitted beta is never worse to O(1/B).
        const deltaReplicates = cvReplicates.map((cv, b) => cv - plainReplicates[b]!);
        beta = regressionCoefficient(plainReplicates, deltaReplicates);
        value = plainFull + beta * (cvFull - plainFull);
        reported = plainReplicates.map((plain, b) => plain + beta * deltaReplicates[b]!);
        error = jackknifeStandardError(reported);
      }
      result.replicates.push(reported);
      result.values.push(value);
      result.stderr.push(error);
      result.varianceReduction.push(error > 0 ? (singleError / error) ** 2 : Number.POSITIVE_INFINITY);
      result.controlVariateCoefficient.push(beta);
      result.estimator.push(
        usedFirst
          ? perImage.length > 1
            ? 'control-variate+first-order+symmetry-average'
            : 'control-variate+first-order'
          : cvAvailable
            ? perImage.length > 1
              ? 'control-variate+symmetry-average'
              : 'control-variate'
            : perImage.length > 1
              ? 'symmetry-average'
              : 'plain',
      );
    }
    orders.push(result);
  }
  const weightSum = first.total.weightSum;
  return {
    orders,
    ensembleSize: first.total.count,
    effectiveSampleSize: (weightSum * weightSum) / first.weightSquareSum,
    batchCount,
  };
}
