/**
 * Weighted non-linear least squares by Levenberg-Marquardt in float64, for small models (a handful
 * of parameters) with analytic Jacobians. Returns the parameters, their covariance (J^T W J)^{-1} at
 * the minimum, chi^2, dof and the p-value. W is diag(1/stderr^2), or C^-1 when the data carry a
 * covariance (a correlated fit: chi^2 = r^T C^-1 r).
 */
import { NnftError } from '../errors.js';
import { choleskyFactor, choleskySolve, identityMatrix } from './dense-linear-algebra.js';
import { chiSquaredPValue } from './fit-statistics.js';
import { checkMeasured, type MeasuredValues, whitener } from './linear-fit.js';

export interface NonlinearModel {
  /** Model value at data point r for parameters theta. */
  value(theta: readonly number[], r: number): number;
  /** d value / d theta at data point r. */
  gradient(theta: readonly number[], r: number): number[];
}

export interface NonlinearFit {
  readonly parameters: number[];
  readonly stderr: number[];
  readonly covariance: number[][];
  readonly chiSquared: number;
  readonly dof: number;
  readonly pValue: number;
  readonly iterations: number;
  readonly converged: boolean;
}

function chiSquaredOf(model: NonlinearModel, data: MeasuredValues, theta: readonly number[], whiten: (vector: ArrayLike<number>) => Float64Array): number {
  const residual = data.values.map((value, r) => value - model.value(theta, r));
  return whiten(residual).reduce((sum, value) => sum + value * value, 0);
}

export function levenbergMarquardt(
  model: NonlinearModel,
  data: MeasuredValues,
  start: readonly number[],
  options: { maxIterations?: number; accept?: (theta: readonly number[]) => boolean } = {},
): NonlinearFit {
  checkMeasured(data);
  const count = start.length;
  const rows = data.values.length;
  const accept = options.accept ?? (() => true);
  const whiten = whitener(data);
  let theta = [...start];
  let chiSquared = chiSquaredOf(model, data, theta, whiten);
  if (!Number.isFinite(chiSquared)) throw new NnftError('E_NUMERIC', 'the starting point of the non-linear fit gives a non-finite chi^2');
  let damping = 1e-3;
  let converged = false;
  let iteration = 0;
  const normalAt = (parameters: readonly number[]): { normal: Float64Array; gradient: Float64Array } => {
    const normal = new Float64Array(count * count);
    const gradient = new Float64Array(count);
    // whitened residual and Jacobian columns: chi^2 = |W^1/2 r|^2, normal matrix J~^T J~
    const residual = whiten(data.values.map((value, r) => value - model.value(parameters, r)));
    const derivatives = Array.from({ length: rows }, (_, r) => model.gradient(parameters, r));
    const columns = Array.from({ length: count }, (_, s) => whiten(derivatives.map((derivative) => derivative[s]!)));
    for (let s = 0; s < count; s++) {
      for (let r = 0; r < rows; r++) gradient[s] += columns[s]![r]! * residual[r]!;
      for (let t = 0; t <= s; t++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += columns[s]![r]! * columns[t]![r]!;
        normal[s * count + t] = normal[t * count + s] = sum;
      }
    }
    return { normal, gradient };
  };
  for (iteration = 1; iteration <= (options.maxIterations ?? 200); iteration++) {
    const { normal, gradient } = normalAt(theta);
    let improved = false;
    for (let attempt = 0; attempt < 30 && !improved; attempt++) {
      const damped = Float64Array.from(normal);
      for (let s = 0; s < count; s++) damped[s * count + s] += damping * (normal[s * count + s] || 1);
      let step: Float64Array;
      try {
        step = choleskySolve(choleskyFactor(damped, count, 'the damped normal matrix'), gradient, 1);
      } catch {
        damping *= 10;
        continue;
      }
      const trial = theta.map((value, s) => value + step[s]);
      const trialChiSquared = accept(trial) ? chiSquaredOf(model, data, trial, whiten) : Infinity;
      if (Number.isFinite(trialChiSquared) && trialChiSquared <= chiSquared) {
        const relativeChange = (chiSquared - trialChiSquared) / Math.max(chiSquared, 1e-300);
        const stepSmall = step.every((value, s) => Math.abs(value) <= 1e-10 * (Math.abs(theta[s]) + 1e-10));
        theta = trial;
        chiSquared = trialChiSquared;
        damping = Math.max(damping / 10, 1e-12);
        improved = true;
        if (relativeChange < 1e-12 || stepSmall) converged = true;
      } else {
        damping *= 10;
      }
    }
    if (!improved) converged = true; // no downhill step at any damping: at the minimum to rounding
    if (converged) break;
  }
  const { normal } = normalAt(theta);
  let covarianceFlat: Float64Array;
  try {
    covarianceFlat = choleskySolve(choleskyFactor(normal, count, 'the normal matrix at the minimum'), identityMatrix(count), count);
  } catch {
    covarianceFlat = new Float64Array(count * count).fill(Infinity);
  }
  const covariance = Array.from({ length: count }, (_, s) => Array.from({ length: count }, (_, t) => covarianceFlat[s * count + t]));
  const dof = rows - count;
  return {
    parameters: theta,
    stderr: covariance.map((row, s) => Math.sqrt(row[s])),
    covariance,
    chiSquared,
    dof,
    pValue: dof > 0 ? chiSquaredPValue(chiSquared, dof) : Number.NaN,
    iterations: iteration,
    converged,
  };
}
