/**
 * Fit couplings to measured connected correlators when the prediction is a polynomial of degree at
 * most two in the couplings: linear tree-level terms (lambda in G_c4, g6 in G_c6) plus second-order
 * products (lambda^2 exchange in G_c6). Purely linear models are solved in one weighted least-squares
 * step; otherwise Gauss-Newton iterates linearised solves, and at convergence the reported covariance
 * is the usual (J^T W J)^{-1}.
 */
import { NnftError } from '../errors.js';
import { type FitTerm, fitLinearCouplings, type LinearFit, type MeasuredValues } from './linear-fit.js';

export interface QuadraticTerm {
  /** Names of the two couplings whose product multiplies the predictor (may be equal). */
  readonly first: string;
  readonly second: string;
  readonly predictor: readonly number[];
}

export interface CouplingFit extends LinearFit {
  readonly iterations: number;
}

export interface CouplingFitOptions {
  /** Known contributions to subtract from the data (e.g. the undeformed finite-N correlator). */
  readonly background?: readonly number[];
  readonly maxIterations?: number;
}

export function fitCouplings(
  data: MeasuredValues,
  terms: readonly FitTerm[],
  quadratic: readonly QuadraticTerm[] = [],
  options: CouplingFitOptions = {},
): CouplingFit {
  const rows = data.values.length;
  const background = options.background ?? new Array<number>(rows).fill(0);
  const names = terms.map((term) => term.name);
  for (const q of quadratic) {
    for (const name of [q.first, q.second]) {
      if (!names.includes(name)) throw new NnftError('E_USAGE', `quadratic term uses unknown coupling '${name}'`);
    }
  }
  // start from the linear part alone
  let fit = fitLinearCouplings(data, terms, background);
  if (quadratic.length === 0) return { ...fit, iterations: 1 };
  const maxIterations = options.maxIterations ?? 50;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const current = new Map(fit.couplings.map((coupling) => [coupling.name, coupling.value]));
    // Jacobian columns and the model value at the current couplings
    const jacobian = terms.map((term) => ({ name: term.name, predictor: [...term.predictor] }));
    const model = new Array<number>(rows).fill(0);
    terms.forEach((term) => {
      const value = current.get(term.name)!;
      for (let r = 0; r < rows; r++) model[r] += value * term.predictor[r];
    });
    for (const q of quadratic) {
      const first = current.get(q.first)!;
      const second = current.get(q.second)!;
      const firstColumn = jacobian[names.indexOf(q.first)].predictor;
      const secondColumn = jacobian[names.indexOf(q.second)].predictor;
      for (let r = 0; r < rows; r++) {
        model[r] += first * second * q.predictor[r];
        firstColumn[r] += second * q.predictor[r];
        secondColumn[r] += first * q.predictor[r];
      }
    }
    // data - background ≈ model(c0) + J (c - c0)  =>  offset = background + model(c0) - J c0
    const offset = background.map((value, r) => {
      let jc = 0;
      jacobian.forEach((column) => (jc += column.predictor[r] * current.get(column.name)!));
      return value + model[r] - jc;
    });
    const next = fitLinearCouplings(data, jacobian, offset);
    const converged = next.couplings.every(
      (coupling) => Math.abs(coupling.value - current.get(coupling.name)!) <= 1e-9 * Math.max(coupling.stderr, Math.abs(coupling.value) * 1e-6),
    );
    fit = next;
    if (converged) return { ...fit, iterations: iteration };
  }
  throw new NnftError('E_NOT_CONVERGED', `the coupling fit did not converge in ${maxIterations} Gauss-Newton steps`, {
    hint: 'The second-order terms dominate: the couplings are too large for the tree-level model.',
  });
}
