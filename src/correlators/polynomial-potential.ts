/**
 * The local interaction of a Theory as one polynomial U(phi) = sum_k c_k phi^k, with Wick ordering
 * expanded into its polynomial counterterms: :phi^n: = sum_j n!/(j! (n-2j)!) (-G(0)/2)^j phi^{n-2j}
 * (a scaled Hermite polynomial), with G(0) = G_Lambda(0) the regulated free propagator at zero.
 */
import { NnftError } from '../errors.js';
import type { Theory } from '../theory/theory.js';
import { propagatorAtZero } from './free-propagator.js';
import { factorial } from '../numeric/special-functions.js';

/** Coefficients c_k of U(phi) = sum_k c_k phi^k, index = power (c_0 is kept: it matters for nothing physical). */
export type PolynomialCoefficients = number[];

/** Coefficients of :phi^n: with respect to the variance `variance` (G(0)). */
export function wickOrderedPower(power: number, variance: number): PolynomialCoefficients {
  const coefficients = new Array<number>(power + 1).fill(0);
  for (let j = 0; 2 * j <= power; j++) {
    coefficients[power - 2 * j] = (factorial(power) / (factorial(j) * factorial(power - 2 * j))) * (-variance / 2) ** j;
  }
  return coefficients;
}

/**
 * U(phi) of the theory's local interactions. Non-local terms are rejected (they are not a potential)
 * unless `skipNonlocal` is set, for callers that handle them separately.
 */
export function localPotential(theory: Theory, options: { skipNonlocal?: boolean } = {}): PolynomialCoefficients {
  const coefficients: number[] = [0];
  for (const [index, term] of theory.interactions.entries()) {
    if (term.kind !== 'local') {
      if (options.skipNonlocal || term.coupling === 0) continue;
      throw new NnftError('E_UNSUPPORTED', `interaction ${index} (${term.kind}) is not a local polynomial potential`);
    }
    if (term.coupling === 0) continue;
    const base = term.wickOrdered
      ? wickOrderedPower(term.power, propagatorAtZero(theory.dimension, theory.mass, theory.momentumCutoff))
      : Array.from({ length: term.power + 1 }, (_, k) => (k === term.power ? 1 : 0));
    const scale = term.coupling / factorial(term.power);
    for (let k = 0; k < base.length; k++) coefficients[k] = (coefficients[k] ?? 0) + scale * base[k]!;
  }
  for (let k = 0; k < coefficients.length; k++) coefficients[k] = coefficients[k] ?? 0;
  while (coefficients.length > 1 && coefficients[coefficients.length - 1] === 0) coefficients.pop();
  return coefficients;
}

/** Whether 1/2 m^2 phi^2 + U(phi) is bounded below (highest power even with a positive coefficient). */
export function isBoundedBelow(coefficients: PolynomialCoefficients, massSquared: number): boolean {
  const degree = coefficients.length - 1;
  if (degree <= 2) return massSquared + 2 * (coefficients[2] ?? 0) > 0;
  return degree % 2 === 0 && coefficients[degree]! > 0;
}
