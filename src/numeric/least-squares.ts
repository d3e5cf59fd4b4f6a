/**
 * Weighted linear least squares: minimise sum_i ((y_i - sum_j X_ij beta_j) / sigma_i)^2.
 * Columns are equilibrated before the normal equations are factored (Cholesky), which keeps
 * polynomial-in-1/N extrapolations and vertex fits well conditioned; the parameter covariance is
 * (X^T W X)^{-1}. The chi^2 and degrees of freedom let callers judge the fit.
 */
import { NnftError } from '../errors.js';
import { choleskyFactor } from './cholesky.js';
import { CompensatedSum } from './compensated-sum.js';

export interface LeastSquaresFit {
  parameters: number[];
  /** Covariance of the parameters (rows). */
  covariance: number[][];
  /** One standard error per parameter. */
  parameterErrors: number[];
  chiSquared: number;
  degreesOfFreedom: number;
  residuals: number[];
  /** Condition estimate of the equilibrated normal matrix. */
  conditionEstimate: number;
}

/**
 * @param design rows X_i (one per observation), each with one entry per parameter
 * @param values observations y_i
 * @param standardErrors sigma_i > 0 (omit for unit weights)
 */
export function weightedLeastSquares(design: ArrayLike<ArrayLike<number>>, values: ArrayLike<number>, standardErrors?: ArrayLike<number>): LeastSquaresFit {
  const observations = design.length;
  if (values.length !== observations) throw new NnftError('E_NUMERIC', `least squares: ${observations} design rows but ${values.length} values`);
  if (observations === 0) throw new NnftError('E_NUMERIC', 'least squares with no observations');
  const parameterCount = design[0]!.length;
  if (observations < parameterCount) {
    throw new NnftError('E_NUMERIC', `least squares: ${parameterCount} parameters but only ${observations} observations`);
  }
  const weights = new Float64Array(observations);
  for (let i = 0; i < observations; i++) {
    const sigma = standardErrors ? standardErrors[i]! : 1;
    if (!(sigma > 0) || !Number.isFinite(sigma)) throw new NnftError('E_NUMERIC', `least squares: standard error ${i} is ${sigma}, must be positive`);
    weights[i] = 1 / (sigma * sigma);
  }
  const columnScale = new Float64Array(parameterCount);
  for (let j = 0; j < parameterCount; j++) {
    let norm = 0;
    for (let i = 0; i < observations; i++) norm += weights[i]! * design[i]![j]! ** 2;
    columnScale[j] = norm > 0 ? 1 / Math.sqrt(norm) : 1;
  }
  const normal: number[][] = Array.from({ length: parameterCount }, () => new Array<number>(parameterCount).fill(0));
  const projected = new Float64Array(parameterCount);
  for (let j = 0; j < parameterCount; j++) {
    for (let k = 0; k <= j; k++) {
      const sum = new CompensatedSum();
      for (let i = 0; i < observations; i++) sum.add(weights[i]! * design[i]![j]! * design[i]![k]!);
      normal[j]![k] = normal[k]![j] = sum.value * columnScale[j]! * columnScale[k]!;
    }
    const sum = new CompensatedSum();
    for (let i = 0; i < observations; i++) sum.add(weights[i]! * design[i]![j]! * values[i]!);
    projected[j] = sum.value * columnScale[j]!;
  }
  const factor = choleskyFactor(normal);
  const scaledParameters = factor.solve(projected);
  const scaledInverse = factor.inverse();
  const parameters = Array.from(scaledParameters, (value, j) => value * columnScale[j]!);
  const covariance = scaledInverse.map((row, j) => row.map((value, k) => value * columnScale[j]! * columnScale[k]!));
  const residuals: number[] = [];
  let chiSquared = 0;
  for (let i = 0; i < observations; i++) {
    let prediction = 0;
    for (let j = 0; j < parameterCount; j++) prediction += design[i]![j]! * parameters[j]!;
    const residual = values[i]! - prediction;
    residuals.push(residual);
    chiSquared += weights[i]! * residual * residual;
  }
  return {
    parameters,
    covariance,
    parameterErrors: covariance.map((row, j) => Math.sqrt(row[j]!)),
    chiSquared,
    degreesOfFreedom: observations - parameterCount,
    residuals,
    conditionEstimate: factor.conditionEstimate,
  };
}
