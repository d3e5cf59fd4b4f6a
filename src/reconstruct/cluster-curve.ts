/**
 * Cluster decomposition test (docs/reconstruct.md, "3. Locality and cluster decomposition"). The cluster curve C(R) = G_c4(a,b,a,b)/G(0)^2
 * over pairs of points at separation R = |x_a - x_b| is fitted to A e^{-mu R} + B. A theory that
 * clusters has B = 0; B beyond 3 standard errors violates cluster decomposition (the finite-width
 * cos-net has B = 2/N exactly, the shared-scale ensemble a non-zero plateau at any width).
 *
 * Fit: variable projection first (scan mu on a log grid with A, B solved linearly), then
 * Levenberg-Marquardt on (A, mu, B) for the joint covariance. Local theories give a polynomial
 * prefactor (d = 1 tree level: (R + 1/2m) e^{-2mR}), so (A + A1 R) e^{-mu R} + B is fitted as well
 * and the smaller AIC wins; a model that still fits poorly has its errors scaled by sqrt(chi^2/dof). A common error in G(0) rescales B and
 * its error alike, so it does not enter the significance and is not propagated into the weights.
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock } from '../io/result.js';
import { fitLinearCouplings, type MeasuredValues } from './linear-fit.js';
import { levenbergMarquardt } from './nonlinear-fit.js';
import { DIAGONAL_WEIGHTS, type FitWeights } from './correlated-weights.js';
import { farTailDecay, type TailDecay } from './cluster-decay.js';

export interface ClusterCurve {
  readonly separations: number[];
  /** C(R) = G_c4(a,b,a,b) / G(0)^2. */
  readonly values: number[];
  readonly stderr: number[];
  /** G(0) used for the normalisation (mean of G_c2(a,a)). */
  readonly propagatorAtZero: number;
  /** Covariance of the values (rows), for a correlated fit (cluster-jackknife.ts builds it from batches). */
  readonly covariance?: number[][];
  /** How the fit weights the values (default: diagonal). */
  readonly weights?: FitWeights;
}

export interface ClusterFit {
  /** The curve model chosen by AIC. */
  readonly model: string;
  /** Amplitude A (at R = 0 for the prefactor model). */
  readonly amplitude: { value: number; stderr: number };
  readonly decayRate: { value: number; stderr: number };
  /** Plateau B of C(R) (in units of G(0)^2). */
  readonly plateau: { value: number; stderr: number };
  /** B G(0)^2: the plateau of G_c4(a,b,a,b) itself. */
  readonly plateauOfCorrelator: { value: number; stderr: number };
  /** |B| / sigma_B. */
  readonly significance: number;
  readonly chiSquared: number;
  readonly dof: number;
  readonly pValue: number;
  /** sqrt(chi^2/dof) applied to the errors when the model fits poorly (p < 1e-3), else 1. */
  readonly errorScale: number;
  /** How the values were weighted: the correlated chi^2 (with batches) or each value by its own error. */
  readonly weights: FitWeights;
  /** true: |B| > 3 sigma_B; false: consistent with 0; 'undetermined': decay and plateau not separable. */
  readonly violatesClustering: boolean | 'undetermined';
  readonly message: string;
  /**
   * Set when a significant plateau of a misfitting model was overruled because the data never reach
   * it and their far tail still decays (cluster-decay.ts): the verdict is then the data's, and the
   * jackknife keeps it.
   */
  readonly decayingTail?: TailDecay;
}

export const CLUSTER_SIGMA_THRESHOLD = 3;

function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let axis = 0; axis < a.length; axis++) sum += (a[axis] - b[axis]) ** 2;
  return Math.sqrt(sum);
}

function tupleKey(tuple: readonly number[]): string {
  return [...tuple].sort((x, y) => x - y).join(',');
}

/** Build C(R) from result-contract blocks: every pair a <= b of points gives one value. */
export function clusterCurveFromCorrelators(
  points: readonly (readonly number[])[],
  twoPoint: CorrelatorBlock,
  fourPoint: CorrelatorBlock,
): ClusterCurve {
  const lookup = (block: CorrelatorBlock) => {
    const map = new Map<string, number>();
    block.indices.forEach((tuple, position) => map.set(tupleKey(tuple), position));
    return map;
  };
  const index2 = lookup(twoPoint);
  const index4 = lookup(fourPoint);
  let sum = 0;
  for (let a = 0; a < points.length; a++) {
    const position = index2.get(`${a},${a}`);
    if (position === undefined) throw new NnftError('E_SEMANTIC', `the two-point block has no value at [${a},${a}]`);
    sum += twoPoint.values[position];
  }
  const propagatorAtZero = sum / points.length;
  if (!(propagatorAtZero > 0)) throw new NnftError('E_SEMANTIC', `G(0) must be positive, got ${propagatorAtZero}`);
  const norm = propagatorAtZero ** 2;
  const separations: number[] = [];
  const values: number[] = [];
  const stderr: number[] = [];
  for (let a = 0; a < points.length; a++) {
    for (let b = a; b < points.length; b++) {
      const position = index4.get(tupleKey([a, a, b, b]));
      if (position === undefined) throw new NnftError('E_SEMANTIC', `the four-point block has no value at [${a},${a},${b},${b}]`);
      separations.push(distance(points[a], points[b]));
      values.push(fourPoint.values[position] / norm);
      stderr.push(fourPoint.stderr[position] / norm);
    }
  }
  return { separations, values, stderr, propagatorAtZero };
}

interface CurveModelFit {
  readonly withPrefactor: boolean;
  readonly parameters: number[];
  readonly stderr: number[];
  readonly chiSquared: number;
  readonly dof: number;
  readonly pValue: number;
}

/**
 * (A + A1 R) e^{-mu R} + B when withPrefactor, else A e^{-mu R} + B. Parameters [A, mu, B, A1?].
 * Variable projection over mu on a log grid, then Levenberg-Marquardt on all parameters.
 */
function fitCurveModel(separations: readonly number[], data: MeasuredValues, withPrefactor: boolean): CurveModelFit {
  const positive = separations.filter((r) => r > 0);
  const smallest = Math.min(...positive);
  const largest = Math.max(...separations);
  const lowestRate = 0.2 / largest;
  const highestRate = 20 / smallest;
  const linearFitAt = (rate: number) =>
    fitLinearCouplings(data, [
      { name: 'A', predictor: separations.map((r) => Math.exp(-rate * r)) },
      { name: 'B', predictor: separations.map(() => 1) },
      ...(withPrefactor ? [{ name: 'A1', predictor: separations.map((r) => r * Math.exp(-rate * r)) }] : []),
    ]);
  let bestRate = lowestRate;
  let bestChiSquared = Infinity;
  const steps = 60;
  for (let step = 0; step <= steps; step++) {
    const rate = lowestRate * (highestRate / lowestRate) ** (step / steps);
    try {
      const chiSquared = linearFitAt(rate).chiSquared;
      if (chiSquared < bestChiSquared) {
        bestChiSquared = chiSquared;
        bestRate = rate;
      }
    } catch {
      // degenerate at this rate (exponential flat over the data): skip
    }
  }
  if (!Number.isFinite(bestChiSquared)) throw new NnftError('E_NUMERIC', 'the cluster curve could not be fitted at any decay rate');
  const start = linearFitAt(bestRate).couplings.map((coupling) => coupling.value);
  const model = {
    value: (theta: readonly number[], r: number) => {
      const R = separations[r];
      return (theta[0] + (withPrefactor ? theta[3] * R : 0)) * Math.exp(-theta[1] * R) + theta[2];
    },
    gradient: (theta: readonly number[], r: number) => {
      const R = separations[r];
      const decay = Math.exp(-theta[1] * R);
      const amplitude = theta[0] + (withPrefactor ? theta[3] * R : 0);
      return [decay, -amplitude * R * decay, 1, ...(withPrefactor ? [R * decay] : [])];
    },
  };
  const startParameters = [start[0], bestRate, start[1], ...(withPrefactor ? [start[2]] : [])];
  const fit = levenbergMarquardt(model, data, startParameters, { accept: (theta) => theta[1] > 0 });
  return { withPrefactor, parameters: fit.parameters, stderr: fit.stderr, chiSquared: fit.chiSquared, dof: fit.dof, pValue: fit.pValue };
}

/** p-value below which the curve model is declared a misfit and sigma_B is scaled by sqrt(chi^2/dof). */
export const CLUSTER_MISFIT_P_VALUE = 1e-3;

export function fitClusterCurve(curve: ClusterCurve): ClusterFit {
  const { separations } = curve;
  const data: MeasuredValues = { values: curve.values, stderr: curve.stderr, ...(curve.covariance ? { covariance: curve.covariance } : {}) };
  const distinct = new Set(separations.map((r) => r.toPrecision(12))).size;
  if (distinct < 5) {
    throw new NnftError('E_SEMANTIC', `a cluster curve needs at least 5 distinct separations, got ${distinct}`, {
      hint: 'Add points farther apart: the plateau is read off at separations several correlation lengths long.',
    });
  }
  // The pure exponential is exact for the cos-net; local theories carry a polynomial prefactor
  // (d = 1 tree level: (R + 1/2m) e^{-2mR}). Fit both and keep the smaller AIC.
  const candidates = [fitCurveModel(separations, data, false)];
  try {
    candidates.push(fitCurveModel(separations, data, true));
  } catch {
    // not enough distinct separations to tell the prefactor apart: keep the plain exponential
  }
  const aic = (fit: CurveModelFit) => fit.chiSquared + 2 * fit.parameters.length;
  const chosen = candidates.reduce((best, fit) => (aic(fit) < aic(best) ? fit : best));
  const misfit = chosen.dof > 0 && chosen.pValue < CLUSTER_MISFIT_P_VALUE;
  const scale = misfit ? Math.sqrt(chosen.chiSquared / chosen.dof) : 1;
  const [amplitude, decayRate, plateau] = chosen.parameters;
  const [amplitudeError, decayRateError, plateauRawError] = chosen.stderr.map((value) => value * scale);
  const plateauError = plateauRawError;
  const significance = Math.abs(plateau) / plateauError;
  const norm = curve.propagatorAtZero ** 2;
  const largest = Math.max(...separations);
  const modelText = chosen.withPrefactor ? '(A + A1 R) e^{-mu R} + B' : 'A e^{-mu R} + B';
  const misfitText = misfit ? `; the model fits poorly (chi^2/dof = ${(chosen.chiSquared / chosen.dof).toPrecision(3)}), errors scaled by ${scale.toPrecision(3)}` : '';
  // A decay slower than the data can resolve is indistinguishable from a plateau.
  const separable = decayRate * largest >= 2 && Number.isFinite(plateauError);
  let violatesClustering: boolean | 'undetermined';
  let message: string;
  let decayingTail: TailDecay | undefined;
  const tail = farTailDecay(curve);
  if (!separable) {
    violatesClustering = 'undetermined';
    message = `clustering undetermined: the fitted decay rate ${decayRate.toPrecision(3)} is too slow for the largest separation ${largest.toPrecision(3)} to tell a plateau from a decay; add points farther apart`;
  } else if (significance > CLUSTER_SIGMA_THRESHOLD && misfit && plateauNotReached(chosen, largest) && tail?.decays) {
    // The plateau is the misfit's, not the data's: they fall steadily to the largest separation.
    violatesClustering = false;
    decayingTail = tail;
    message =
      `clusters: C(R) decays over the far tail (${tail.separations.map((r, i) => `${tail.values[i]!.toPrecision(3)} at R = ${r.toPrecision(3)}`).join(', ')}; largest |C| ${tail.peak.toPrecision(3)}); ` +
      `the plateau B = ${plateau.toPrecision(3)} ± ${plateauError.toPrecision(2)} of the misfitting fit ${modelText} (chi^2/dof = ${(chosen.chiSquared / chosen.dof).toPrecision(3)}) lies below the fit's decaying part at R = ${largest.toPrecision(3)}, an extrapolation beyond the data, not a plateau they show`;
  } else if (significance > CLUSTER_SIGMA_THRESHOLD) {
    violatesClustering = true;
    message = `violates cluster decomposition: plateau B = ${plateau.toPrecision(4)} ± ${plateauError.toPrecision(2)} (x G(0)^2) is ${significance.toFixed(1)} standard errors from 0 (fit ${modelText}${misfitText})`;
  } else {
    violatesClustering = false;
    message = `clusters: plateau B = ${plateau.toPrecision(3)} ± ${plateauError.toPrecision(2)} (x G(0)^2) is consistent with 0 (${significance.toFixed(1)} standard errors; fit ${modelText}${misfitText})`;
  }
  return {
    model: modelText,
    amplitude: { value: amplitude, stderr: amplitudeError },
    decayRate: { value: decayRate, stderr: decayRateError },
    plateau: { value: plateau, stderr: plateauError },
    plateauOfCorrelator: { value: plateau * norm, stderr: plateauError * norm },
    significance,
    chiSquared: chosen.chiSquared,
    dof: chosen.dof,
    pValue: chosen.pValue,
    errorScale: scale,
    weights: curve.weights && (curve.weights.kind === 'diagonal' || curve.covariance) ? curve.weights : DIAGONAL_WEIGHTS,
    violatesClustering,
    message,
    ...(decayingTail ? { decayingTail } : {}),
  };
}

/** |B| is below the fitted decaying part (A + A1 R) e^{-mu R} at the largest separation: the data stop before the plateau. */
function plateauNotReached(fit: CurveModelFit, largest: number): boolean {
  const [amplitude, decayRate, plateau, slope] = fit.parameters;
  const decaying = (amplitude! + (fit.withPrefactor ? slope! * largest : 0)) * Math.exp(-decayRate! * largest);
  return Math.abs(plateau!) < Math.abs(decaying);
}
