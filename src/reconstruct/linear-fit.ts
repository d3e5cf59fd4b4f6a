/**
 * Weighted least squares for couplings that enter the predicted correlators linearly (tree level,
 * first order in each coupling): data_r = offset_r + sum_t coupling_t * predictor_t(r) + noise_r with
 * independent Gaussian noise of standard deviation stderr_r, or, when the data carry a covariance C,
 * correlated Gaussian noise (generalised least squares: chi^2 = r^T C^-1 r, whitened with the Cholesky
 * factor C = L L^T, pulls L^-1 r). Returns couplings with their covariance, chi^2/dof and the p-value. Columns are scaled to unit norm before solving so couplings of very
 * different sizes do not spoil the conditioning; a degenerate design (two terms that predict the same
 * shape) is reported, not silently solved.
 */
import { NnftError } from '../errors.js';
import { choleskyFactor, choleskySolve, identityMatrix, symmetricEigenvalues } from './dense-linear-algebra.js';
import { chiSquaredPValue } from './fit-statistics.js';
import { choleskyFactor as choleskyFactorRows } from '../numeric/cholesky.js';

export interface MeasuredValues {
  readonly values: readonly number[];
  /** One standard error per value; must be positive. */
  readonly stderr: readonly number[];
  /**
   * The full covariance of the values (rows), positive definite; when given the fit is correlated
   * (chi^2 = r^T C^-1 r) and `stderr` is only displayed. Build it with correlatedWeights
   * (correlated-weights.ts): a shrunk jackknife covariance with the error floor on its diagonal.
   */
  readonly covariance?: readonly (readonly number[])[];
}

const factors = new WeakMap<object, Float64Array>();

/** Lower Cholesky factor of the data's covariance (cached per covariance object). */
function covarianceFactor(covariance: readonly (readonly number[])[]): Float64Array {
  const cached = factors.get(covariance);
  if (cached) return cached;
  const factor = choleskyFactorRows(covariance as number[][]).lower;
  factors.set(covariance, factor);
  return factor;
}

/**
 * The whitening map of the data: v -> v / stderr (independent errors) or L^-1 v (correlated, C = L L^T),
 * so that chi^2 = |whiten(data - model)|^2.
 */
export function whitener(data: MeasuredValues): (vector: ArrayLike<number>) => Float64Array {
  const rows = data.values.length;
  if (!data.covariance) {
    return (vector) => {
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) out[r] = vector[r]! / data.stderr[r]!;
      return out;
    };
  }
  const lower = covarianceFactor(data.covariance);
  return (vector) => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let value = vector[i]!;
      for (let k = 0; k < i; k++) value -= lower[i * rows + k]! * out[k]!;
      out[i] = value / lower[i * rows + i]!;
    }
    return out;
  };
}

export interface FitTerm {
  /** Name of the coupling ("lambda", "derivativeQuartic", ...). */
  readonly name: string;
  /** Predicted correlator per unit coupling at each data point. */
  readonly predictor: readonly number[];
}

export interface FittedCoupling {
  readonly name: string;
  readonly value: number;
  readonly stderr: number;
}

export interface LinearFit {
  readonly couplings: FittedCoupling[];
  /** Covariance of the couplings, row-major terms x terms. */
  readonly covariance: number[][];
  readonly chiSquared: number;
  readonly dof: number;
  readonly reducedChiSquared: number;
  readonly pValue: number;
  /** (data - model)/stderr per data point. */
  readonly pulls: number[];
}

/** Ratio of smallest to largest eigenvalue of the scaled normal matrix below which terms are degenerate. */
export const DEGENERACY_THRESHOLD = 1e-12;

export function checkMeasured(data: MeasuredValues): void {
  if (data.values.length !== data.stderr.length) {
    throw new NnftError('E_SEMANTIC', `values (${data.values.length}) and stderr (${data.stderr.length}) differ in length`);
  }
  data.stderr.forEach((error, index) => {
    if (!(error > 0) || !Number.isFinite(error)) {
      throw new NnftError('E_SEMANTIC', `stderr[${index}] = ${error}: a weighted fit needs positive, finite errors`, {
        hint: 'Exact data has no errors to weight by; give it a nominal relative error, or fit Monte Carlo estimates.',
      });
    }
  });
  if (data.covariance) {
    if (data.covariance.length !== data.values.length || data.covariance.some((row) => row.length !== data.values.length)) {
      throw new NnftError('E_SEMANTIC', `the covariance is not ${data.values.length} x ${data.values.length} (one row and column per value)`);
    }
  }
}

export function fitLinearCouplings(data: MeasuredValues, terms: readonly FitTerm[], offset?: readonly number[]): LinearFit {
  checkMeasured(data);
  const rows = data.values.length;
  const termCount = terms.length;
  if (termCount === 0) throw new NnftError('E_USAGE', 'a fit needs at least one term');
  for (const term of terms) {
    if (term.predictor.length !== rows) {
      throw new NnftError('E_SEMANTIC', `term '${term.name}' predicts ${term.predictor.length} values for ${rows} data points`);
    }
  }
  if (rows < termCount) {
    throw new NnftError('E_SEMANTIC', `${rows} data points cannot determine ${termCount} couplings`);
  }
  // whitened design and data
  const whiten = whitener(data);
  const design = terms.map((term) => Array.from(whiten(term.predictor)));
  const target = Array.from(whiten(data.values.map((value, r) => value - (offset ? offset[r] : 0))));
  const columnScale = design.map((column) => Math.sqrt(column.reduce((sum, value) => sum + value * value, 0)) || 1);
  const normal = new Float64Array(termCount * termCount);
  const rhs = new Float64Array(termCount);
  for (let s = 0; s < termCount; s++) {
    for (let t = 0; t <= s; t++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += design[s][r] * design[t][r];
      normal[s * termCount + t] = normal[t * termCount + s] = sum / (columnScale[s] * columnScale[t]);
    }
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += design[s][r] * target[r];
    rhs[s] = sum / columnScale[s];
  }
  const eigenvalues = symmetricEigenvalues(normal, termCount);
  if (eigenvalues[0] < DEGENERACY_THRESHOLD * eigenvalues[termCount - 1]) {
    throw new NnftError('E_NUMERIC', `the terms ${terms.map((term) => term.name).join(', ')} are degenerate on these data: some combination of them predicts nothing`, {
      hint: 'Drop one of the terms, or add data (another correlator order or more points) that tells them apart.',
    });
  }
  const factor = choleskyFactor(normal, termCount, 'the normal matrix');
  const scaledSolution = choleskySolve(factor, rhs, 1);
  const scaledCovariance = choleskySolve(factor, identityMatrix(termCount), termCount);
  const values = Array.from(scaledSolution, (value, t) => value / columnScale[t]);
  const covariance = Array.from({ length: termCount }, (_, s) =>
    Array.from({ length: termCount }, (_, t) => scaledCovariance[s * termCount + t] / (columnScale[s] * columnScale[t])),
  );
  const pulls = target.map((value, r) => value - terms.reduce((sum, _, t) => sum + design[t][r] * values[t], 0));
  const chiSquared = pulls.reduce((sum, pull) => sum + pull * pull, 0);
  const dof = rows - termCount;
  return {
    couplings: terms.map((term, t) => ({ name: term.name, value: values[t], stderr: Math.sqrt(covariance[t][t]) })),
    covariance,
    chiSquared,
    dof,
    reducedChiSquared: dof > 0 ? chiSquared / dof : Number.NaN,
    pValue: chiSquaredPValue(chiSquared, dof),
    pulls,
  };
}
