/**
 * The design objective on a fixed sample: connected correlators of the deformed ensemble at any
 * parameters, with their exact Jacobian, from the cached per-network numbers of design-sample.ts.
 *
 * Parameters (by position, see the design model's layout, design-model.ts): amplitude scale sigma,
 * one coupling per deformation term and, when tuned, the amplitude kurtosis k. Per network m the log-weight is  log w_m = -sum_t g_t F_t(sigma), so
 *   d log w / d g_t = -F_t,   d log w / d sigma = -sum_t g_t F_t'(sigma),
 * and with self-normalised weights mu_j = sigma^{o_j} sum w m_j / sum w,
 *   d mu_j / d theta = sigma^{o_j} Cov_w(m_j, d log w / d theta) (+ o_j mu_j / sigma for sigma).
 * The estimator is the control-variate one of the validation: c_w - c_0 + c_exact, where c_0 uses the
 * same networks unweighted and c_exact the base network's exact finite-width moments. The kurtosis k
 * enters through c_exact only (exact, linear in k); the weighted-minus-unweighted response is the
 * sample's, drawn at k_sample, which is why the design redraws the sample when k moves (design.ts).
 */
import type { DesignSample } from './design-sample.js';
import type { MonomialTable } from '../estimators/monomials.js';
import { indexTuples } from '../io/result.js';
import { cumulantRecipe, evaluateCumulantWithTangents } from '../numeric/cumulants.js';

/** Where each parameter sits in the vector (design-model.ts builds it). */
export interface ParameterLayout {
  readonly sigma: number;
  /** Index of each term's coupling. */
  readonly couplings: readonly number[];
  /** Index of the amplitude kurtosis, or null when the law is fixed. */
  readonly kurtosis: number | null;
  readonly count: number;
}

/**
 * Exact undeformed moments at sigma = 1 of the base as a line in the kurtosis k (they are linear in
 * k): moments(k) = moments + (k - kurtosis) slope. A law fixed at one kurtosis has slope zero.
 */
export interface ExactBaseMoments {
  readonly kurtosis: number;
  readonly moments: Float64Array;
  readonly slope: Float64Array;
}

export interface SampleEvaluation {
  readonly values: Map<number, Float64Array>;
  readonly jacobian: Map<number, Float64Array>;
  readonly effectiveSampleSize: number;
  readonly ensembleSize: number;
}

export interface SampleObjectiveContext {
  readonly sample: DesignSample | null;
  readonly exact: ExactBaseMoments;
  readonly layout: ParameterLayout;
  readonly pointCount: number;
  readonly orders: readonly number[];
  readonly evenOnly: boolean;
  /** The kurtosis the sample was drawn at (used when the layout holds no kurtosis). */
  readonly sampleKurtosis: number;
  /** The monomials of the moments (the sample's own table when there is a sample). */
  readonly table: MonomialTable;
  /**
   * Per term, the part of its coupling the base carries (a box mass drawn into the nodes' law,
   * architectures/box-mass.ts): the weight then uses g_t - base_t. Absent: all zero.
   */
  readonly couplingBase?: readonly number[];
}

/**
 * Connected correlators (joint cumulants, numeric/cumulants.ts) of every tuple of each order from
 * moments mu_j, with their Jacobian from the moment tangents d mu_j / d theta_k by the product rule.
 */
function cumulantsFromMoments(
  table: MonomialTable,
  pointCount: number,
  orders: readonly number[],
  evenOnly: boolean,
  moments: Float64Array,
  momentTangents: Float64Array,
  K: number,
): { values: Map<number, Float64Array>; jacobian: Map<number, Float64Array> } {
  const values = new Map<number, Float64Array>();
  const jacobian = new Map<number, Float64Array>();
  for (const order of orders) {
    const tuples = indexTuples(pointCount, order);
    const orderValues = new Float64Array(tuples.length);
    const orderJacobian = new Float64Array(tuples.length * K);
    tuples.forEach((tuple, t) => {
      const recipe = cumulantRecipe(tuple, (sub) => table.indexOf(sub), evenOnly);
      orderValues[t] = evaluateCumulantWithTangents(recipe, moments, momentTangents, K, orderJacobian, t * K);
    });
    values.set(order, orderValues);
    jacobian.set(order, orderJacobian);
  }
  return { values, jacobian };
}

/**
 * Evaluate on the whole sample, or on the networks m with m % batches.count === batches.index
 * (for batch-means error estimates).
 */
export function evaluateOnSample(context: SampleObjectiveContext, parameters: readonly number[], batches: { index: number; count: number } | null = null): SampleEvaluation {
  const { sample, exact, layout, pointCount, orders, evenOnly } = context;
  const K = layout.count;
  const sigma = parameters[layout.sigma]!;
  const kurtosis = layout.kurtosis !== null ? parameters[layout.kurtosis]! : context.sampleKurtosis;
  const J = exact.moments.length;
  const table = context.table;
  const tuples = table.tuples;
  // Exact base moments (sigma, k) and their Jacobian.
  const exactMoments = new Float64Array(J);
  const exactTangents = new Float64Array(J * K);
  for (let j = 0; j < J; j++) {
    const order = tuples[j]!.length;
    const atSigmaOne = exact.moments[j]! + (kurtosis - exact.kurtosis) * exact.slope[j]!;
    exactMoments[j] = sigma ** order * atSigmaOne;
    exactTangents[j * K + layout.sigma] = order * sigma ** (order - 1) * atSigmaOne;
    if (layout.kurtosis !== null) exactTangents[j * K + layout.kurtosis] = sigma ** order * exact.slope[j]!;
  }
  const known = cumulantsFromMoments(table, pointCount, orders, evenOnly, exactMoments, exactTangents, K);
  if (!sample) return { ...known, effectiveSampleSize: Infinity, ensembleSize: 0 };

  // Log-weights and their tangents per network.
  const T = layout.couplings.length;
  const { integrals, functionals, monomials } = sample;
  const stride = batches?.count ?? 1;
  const first = batches?.index ?? 0;
  let maximum = -Infinity;
  const logWeights = new Float64Array(sample.count);
  const tangents = new Float64Array(sample.count * K);
  for (let m = first; m < sample.count; m += stride) {
    let logWeight = 0;
    let sigmaTangent = 0;
    for (let t = 0; t < T; t++) {
      let value = 0;
      let derivative = 0;
      for (const part of functionals[t]!.parts) {
        const raw = integrals[part.integral]![m]!;
        value += part.coefficient * sigma ** part.power * raw;
        if (part.power > 0) derivative += part.coefficient * part.power * sigma ** (part.power - 1) * raw;
      }
      const coupling = parameters[layout.couplings[t]!]! - (context.couplingBase?.[t] ?? 0);
      logWeight -= coupling * value;
      sigmaTangent -= coupling * derivative;
      tangents[m * K + layout.couplings[t]!] = -value;
    }
    tangents[m * K + layout.sigma] = sigmaTangent;
    logWeights[m] = logWeight;
    if (logWeight > maximum) maximum = logWeight;
  }
  let weightSum = 0;
  let weightSquared = 0;
  let plainCount = 0;
  const weightTangent = new Float64Array(K);
  const weighted = new Float64Array(J);
  const weightedTangent = new Float64Array(J * K);
  const plain = new Float64Array(J);
  for (let m = first; m < sample.count; m += stride) {
    const w = Math.exp(logWeights[m]! - maximum);
    weightSum += w;
    weightSquared += w * w;
    plainCount += 1;
    for (let k = 0; k < K; k++) weightTangent[k]! += w * tangents[m * K + k]!;
    const row = m * J;
    for (let j = 0; j < J; j++) {
      const value = monomials[row + j]!;
      const wv = w * value;
      weighted[j]! += wv;
      plain[j]! += value;
      for (let k = 0; k < K; k++) weightedTangent[j * K + k]! += wv * tangents[m * K + k]!;
    }
  }
  const deformedMoments = new Float64Array(J);
  const deformedTangents = new Float64Array(J * K);
  const plainMoments = new Float64Array(J);
  const plainTangents = new Float64Array(J * K);
  for (let j = 0; j < J; j++) {
    const order = tuples[j]!.length;
    const scale = sigma ** order;
    const mean = weighted[j]! / weightSum;
    deformedMoments[j] = scale * mean;
    for (let k = 0; k < K; k++) {
      deformedTangents[j * K + k] = scale * (weightedTangent[j * K + k]! / weightSum - (mean * weightTangent[k]!) / weightSum);
    }
    deformedTangents[j * K + layout.sigma]! += (order * deformedMoments[j]!) / sigma;
    plainMoments[j] = (scale * plain[j]!) / plainCount;
    plainTangents[j * K + layout.sigma] = (order * plainMoments[j]!) / sigma;
  }
  const deformed = cumulantsFromMoments(table, pointCount, orders, evenOnly, deformedMoments, deformedTangents, K);
  const undeformed = cumulantsFromMoments(table, pointCount, orders, evenOnly, plainMoments, plainTangents, K);
  for (const order of orders) {
    const values = deformed.values.get(order)!;
    const jacobian = deformed.jacobian.get(order)!;
    values.forEach((_, t) => (values[t] = values[t]! - undeformed.values.get(order)![t]! + known.values.get(order)![t]!));
    jacobian.forEach((_, i) => (jacobian[i] = jacobian[i]! - undeformed.jacobian.get(order)![i]! + known.jacobian.get(order)![i]!));
  }
  return { ...deformed, effectiveSampleSize: (weightSum * weightSum) / weightSquared, ensembleSize: plainCount };
}

/** Batch-means standard errors of the correlators at `parameters` (one per value, per order). */
export function sampleStandardErrors(context: SampleObjectiveContext, parameters: readonly number[], batchCount = 16): Map<number, Float64Array> {
  const errors = new Map<number, Float64Array>();
  if (!context.sample) {
    for (const order of context.orders) errors.set(order, new Float64Array(evaluateOnSample(context, parameters).values.get(order)!.length));
    return errors;
  }
  const evaluations = Array.from({ length: batchCount }, (_, index) => evaluateOnSample(context, parameters, { index, count: batchCount }));
  for (const order of context.orders) {
    const length = evaluations[0]!.values.get(order)!.length;
    const stderr = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      let mean = 0;
      for (const evaluation of evaluations) mean += evaluation.values.get(order)![t]!;
      mean /= batchCount;
      let variance = 0;
      for (const evaluation of evaluations) variance += (evaluation.values.get(order)![t]! - mean) ** 2;
      stderr[t] = Math.sqrt(variance / (batchCount - 1) / batchCount);
    }
    errors.set(order, stderr);
  }
  return errors;
}
