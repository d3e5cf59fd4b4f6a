/**
 * Connected correlators with honest errors from batched moment sums.
 *
 * Estimators (design-loop.md): the plain self-normalised one, moments E_w[O] = sum w O / sum w; and
 * the control variate, E_w[O] - E_0[O] estimated on the same draws plus the exactly known E_0[O] of the
 * undeformed finite-width ensemble, which removes the large fluctuation of O itself when the weights
 * are close to one. Cumulants are formed in float64 from either set of moments.
 *
 * Errors: delete-one-batch jackknife over B batches of independent networks (handles the ratio and
 * the non-linear cumulant formula). The variance-reduction factor is (plain error / reported error)^2
 * on the same draws. Symmetry images (the same correlator at mapped point sets, exact symmetries of
 * the ensemble) are averaged replicate by replicate, so their correlation is in the error.
 */
import { cumulantRecipe, evaluateCumulant, type CumulantRecipe } from './cumulants.js';
import type { MomentSums } from './moment-sums.js';
import type { MonomialTable } from './monomials.js';
import { indexTuples } from '../io/result.js';

export interface ImageSums {
  readonly table: MonomialTable;
  /** One MomentSums per batch (same batch structure for every image). */
  readonly batches: readonly MomentSums[];
  /** Exact undeformed moments per monomial (NaN where unknown), or null. */
  readonly exactMoments: Float64Array | null;
}

export interface OrderEstimate {
  readonly order: number;
  readonly indices: number[][];
  readonly values: number[];
  readonly stderr: number[];
  readonly plainValues: number[];
  readonly plainStderr: number[];
  /** (plain stderr / reported stderr)^2; 1 where the plain estimator is reported. */
  readonly varianceReduction: number[];
  /** Which estimator each value uses. */
  readonly estimator: ('plain' | 'control-variate')[];
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
  weightSum: number;
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
    return { weighted, plain: batch.plain, weightSum: batch.weightSum * factor, weightSquareSum: batch.weightSquareSum * factor * factor, count: batch.count };
  });
  const total: FlatSums = { weighted: new Float64Array(size), plain: new Float64Array(size), weightSum: 0, count: 0 };
  let weightSquareSum = 0;
  for (const batch of scaled) {
    for (let j = 0; j < size; j++) {
      total.weighted[j]! += batch.weighted[j]!;
      total.plain[j]! += batch.plain[j]!;
    }
    total.weightSum += batch.weightSum;
    weightSquareSum += batch.weightSquareSum;
    total.count += batch.count;
  }
  const leaveOut = scaled.map((batch) => {
    const weighted = new Float64Array(size);
    const plain = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      weighted[j] = total.weighted[j]! - batch.weighted[j]!;
      plain[j] = total.plain[j]! - batch.plain[j]!;
    }
    return { weighted, plain, weightSum: total.weightSum - batch.weightSum, count: total.count - batch.count };
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

function jackknifeError(full: number, replicateValues: readonly number[]): number {
  const count = replicateValues.length;
  if (count < 2) return Number.NaN;
  let mean = 0;
  for (const value of replicateValues) mean += value;
  mean /= count;
  let spread = 0;
  for (const value of replicateValues) spread += (value - mean) ** 2;
  void full;
  return Math.sqrt(((count - 1) / count) * spread);
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
    return { image, total, weightSquareSum, fullPlain, leavePlain, fullCv, leaveCv };
  });
  const first = perImage[0]!;
  const batchCount = first.leavePlain.length;
  const orders: OrderEstimate[] = [];
  for (const order of options.orders) {
    const indices = indexTuples(options.pointCount, order);
    const result: OrderEstimate = { order, indices, values: [], stderr: [], plainValues: [], plainStderr: [], varianceReduction: [], estimator: [] };
    for (const tuple of indices) {
      let plainFull = 0;
      const plainReplicates = new Array<number>(batchCount).fill(0);
      let cvFull = 0;
      const cvReplicates = new Array<number>(batchCount).fill(0);
      let cvAvailable = options.controlVariate;
      for (const entry of perImage) {
        const recipe: CumulantRecipe = cumulantRecipe(tuple, (sub) => entry.image.table.indexOf(sub), options.evenOnly);
        plainFull += evaluateCumulant(recipe, entry.fullPlain) / perImage.length;
        for (let b = 0; b < batchCount; b++) plainReplicates[b]! += evaluateCumulant(recipe, entry.leavePlain[b]!) / perImage.length;
        const exact = entry.image.exactMoments;
        const needed = recipe.terms.flatMap((term) => term.moments);
        if (!exact || !needed.every((j) => Number.isFinite(exact[j]!))) cvAvailable = false;
        if (cvAvailable && entry.fullCv && entry.leaveCv) {
          cvFull += evaluateCumulant(recipe, entry.fullCv) / perImage.length;
          for (let b = 0; b < batchCount; b++) cvReplicates[b]! += evaluateCumulant(recipe, entry.leaveCv[b]!) / perImage.length;
        }
      }
      const plainError = jackknifeError(plainFull, plainReplicates);
      result.plainValues.push(plainFull);
      result.plainStderr.push(plainError);
      if (cvAvailable) {
        const cvError = jackknifeError(cvFull, cvReplicates);
        result.values.push(cvFull);
        result.stderr.push(cvError);
        result.varianceReduction.push(cvError > 0 ? (plainError / cvError) ** 2 : Number.POSITIVE_INFINITY);
        result.estimator.push('control-variate');
      } else {
        result.values.push(plainFull);
        result.stderr.push(plainError);
        result.varianceReduction.push(1);
        result.estimator.push('plain');
      }
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
