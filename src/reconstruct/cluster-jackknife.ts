/**
 * Jackknife errors for the cluster-curve fit. The values of C(R) share networks, so they are strongly
 * correlated and the fit's own errors (which weight each value independently) understate the error of
 * the plateau B. With independent per-batch estimates, the whole fit is repeated on each
 * leave-one-batch-out mean (same model, started at the central decay rate, weights fixed to the
 * central errors) and the delete-one jackknife of
 * (A, mu, B) replaces the fit errors; the verdict on B is then re-taken with those errors.
 */
import type { CorrelatorBlock } from '../io/result.js';
import { clusterCurveFromCorrelators, CLUSTER_SIGMA_THRESHOLD, type ClusterCurve, type ClusterFit } from './cluster-curve.js';
import { withBatchCorrelation } from './correlated-weights.js';
import { jackknifeStatistic } from './jackknife.js';
import { fitLinearCouplings, type MeasuredValues } from './linear-fit.js';
import { levenbergMarquardt } from './nonlinear-fit.js';

/** Refit the central fit's model (same form, started at its decay rate): [A, mu, B, B G(0)^2]. */
function refitSameModel(separations: readonly number[], data: MeasuredValues, withPrefactor: boolean, rate: number, norm: number): number[] {
  const start = fitLinearCouplings(data, [
    { name: 'A', predictor: separations.map((r) => Math.exp(-rate * r)) },
    { name: 'B', predictor: separations.map(() => 1) },
    ...(withPrefactor ? [{ name: 'A1', predictor: separations.map((r) => r * Math.exp(-rate * r)) }] : []),
  ]).couplings.map((coupling) => coupling.value);
  const model = {
    value: (theta: readonly number[], r: number) => {
      const R = separations[r]!;
      return (theta[0]! + (withPrefactor ? theta[3]! * R : 0)) * Math.exp(-theta[1]! * R) + theta[2]!;
    },
    gradient: (theta: readonly number[], r: number) => {
      const R = separations[r]!;
      const decay = Math.exp(-theta[1]! * R);
      const amplitude = theta[0]! + (withPrefactor ? theta[3]! * R : 0);
      return [decay, -amplitude * R * decay, 1, ...(withPrefactor ? [R * decay] : [])];
    },
  };
  const fit = levenbergMarquardt(model, data, [start[0]!, rate, start[1]!, ...(withPrefactor ? [start[2]!] : [])], { accept: (theta) => theta[1]! > 0 });
  const [amplitude, decayRate, plateau] = fit.parameters as [number, number, number];
  return [amplitude, decayRate, plateau, plateau * norm];
}

export interface BatchBlocks {
  readonly twoPoint: CorrelatorBlock;
  readonly fourPoint: CorrelatorBlock;
}

function leaveOneOutMeans(batches: readonly BatchBlocks[], select: (batch: BatchBlocks) => readonly number[]): number[][] {
  const count = batches.length;
  const length = select(batches[0]!).length;
  const total = new Array<number>(length).fill(0);
  for (const batch of batches) select(batch).forEach((value, i) => (total[i]! += value));
  return batches.map((batch) => {
    const values = select(batch);
    return total.map((sum, i) => (sum - values[i]!) / (count - 1));
  });
}

/** The cluster curve of each leave-one-batch-out mean. */
function leaveOneOutCurves(points: readonly (readonly number[])[], central: BatchBlocks, batches: readonly BatchBlocks[]): ClusterCurve[] {
  const two = leaveOneOutMeans(batches, (batch) => batch.twoPoint.values);
  const four = leaveOneOutMeans(batches, (batch) => batch.fourPoint.values);
  return batches.map((_, k) => clusterCurveFromCorrelators(points, { ...central.twoPoint, values: two[k]! }, { ...central.fourPoint, values: four[k]! }));
}

/**
 * The cluster curve of the central blocks with the covariance of its values for a correlated fit:
 * the stated errors and the shrunk correlation of the leave-one-batch-out curves (correlated-weights.ts).
 */
export function correlatedClusterCurve(points: readonly (readonly number[])[], central: BatchBlocks, batches: readonly BatchBlocks[]): ClusterCurve {
  const curve = clusterCurveFromCorrelators(points, central.twoPoint, central.fourPoint);
  if (batches.length < 3) return curve;
  const { data, weights } = withBatchCorrelation(curve, leaveOneOutCurves(points, central, batches).map((sample) => sample.values));
  return { ...curve, ...(data.covariance ? { covariance: data.covariance as number[][] } : {}), weights };
}

/**
 * The central fit with its amplitude, decay-rate and plateau errors replaced by delete-one jackknife
 * errors over the batches, and violatesClustering/significance/message re-taken with them.
 */
export function jackknifeClusterFit(
  points: readonly (readonly number[])[],
  central: { readonly twoPoint: CorrelatorBlock; readonly fourPoint: CorrelatorBlock },
  fit: ClusterFit,
  batches: readonly BatchBlocks[],
  /** The central curve's covariance (a correlated fit): every refit keeps it. */
  covariance?: number[][],
): ClusterFit {
  if (batches.length < 2) return fit;
  const withPrefactor = fit.model.includes('A1');
  const samples = leaveOneOutCurves(points, central, batches).map((curve) =>
    refitSameModel(curve.separations, { values: curve.values, stderr: curve.stderr, ...(covariance ? { covariance } : {}) }, withPrefactor, fit.decayRate.value, curve.propagatorAtZero ** 2),
  );
  const { stderr } = jackknifeStatistic(samples);
  const [amplitudeError, decayRateError, plateauError, plateauOfCorrelatorError] = Array.from(stderr) as [number, number, number, number];
  const significance = Math.abs(fit.plateau.value) / plateauError;
  const jackText = `jackknife errors over ${batches.length} batches`;
  let violatesClustering: boolean | 'undetermined' = fit.violatesClustering;
  let message = fit.message;
  // A verdict read off the decaying data (cluster-decay.ts) does not rest on sigma_B.
  if (fit.violatesClustering !== 'undetermined' && !fit.decayingTail && Number.isFinite(plateauError)) {
    violatesClustering = significance > CLUSTER_SIGMA_THRESHOLD;
    message = violatesClustering
      ? `violates cluster decomposition: plateau B = ${fit.plateau.value.toPrecision(4)} ± ${plateauError.toPrecision(2)} (x G(0)^2) is ${significance.toFixed(1)} standard errors from 0 (fit ${fit.model}, ${jackText})`
      : `clusters: plateau B = ${fit.plateau.value.toPrecision(3)} ± ${plateauError.toPrecision(2)} (x G(0)^2) is consistent with 0 (${significance.toFixed(1)} standard errors; fit ${fit.model}, ${jackText})`;
  }
  return {
    ...fit,
    amplitude: { value: fit.amplitude.value, stderr: amplitudeError },
    decayRate: { value: fit.decayRate.value, stderr: decayRateError },
    plateau: { value: fit.plateau.value, stderr: plateauError },
    plateauOfCorrelator: { value: fit.plateauOfCorrelator.value, stderr: plateauOfCorrelatorError },
    significance,
    violatesClustering,
    message,
  };
}
