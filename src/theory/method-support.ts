/**
 * What each target-correlator method can compute, decided in one place so `nnft validate` rejects
 * what `nnft target` would fail on, and method "auto" can ask the same questions when it chooses.
 *
 * - perturbative: first order in every coupling. It runs only where there is a stable vacuum at
 *   phi = 0 (m^2 + power-2 couplings > 0), where the free propagator is finite at zero separation
 *   (d = 1, or a cutoff), and with the non-local quartic term in d = 1 only (perturbativeObstacles).
 *   A connected k-point function (k >= 3) at first order comes from a local phi^n term with n >= k
 *   and n - k even, through (n - k)/2 self-contractions at the vertex (so a phi^6 term gives G_c4),
 *   unless the term is Wick ordered, which removes every self-contraction (then only n = k); and
 *   from the non-local quartic term for k = 4. Where the theory has interactions but no such term,
 *   G_ck starts at second order and a first-order value would be wrong, not small. Exactly-zero
 *   cases are fine: Gaussian theories, and odd k when every term is even (phi -> -phi symmetry).
 *   The perturbative solver (correlators/perturbative.ts) computes exactly these diagrams, and
 *   method "auto" (correlators/choose-method.ts) asks the same functions.
 * - spectral: quantum mechanics, so d = 1, local polynomial terms only, no momentum cutoff, and a
 *   potential bounded below.
 * - lattice: any local or non-local term, but a potential bounded below (HMC samples exp(-S)).
 * - data: whatever the user supplies (checked against the points and orders elsewhere).
 */
import type { ConnectedOrder, CorrelatorMethod, Theory } from './theory.js';

export interface PotentialShape {
  /** m^2 plus the couplings of all power-2 terms: the mass squared of the quadratic part. */
  massSquared: number;
  /** Whether exp(-S) is normalisable: the highest active power is even with positive couplings. */
  boundedBelow: boolean;
  /** Only quadratic terms (or none): every connected correlator beyond order 2 vanishes. */
  gaussian: boolean;
  /** Some active term is odd in phi, so odd correlators need not vanish. */
  hasOddTerms: boolean;
  /** Highest power among active terms (2 when there are none). */
  highestPower: number;
}

/** An interaction with coupling 0 changes nothing; every question below ignores it. */
function activeTerms(theory: Theory) {
  return theory.interactions.map((term, index) => ({ term, index })).filter(({ term }) => term.coupling !== 0);
}

function powerOf(term: Theory['interactions'][number]): number {
  return term.kind === 'local' ? term.power : 4;
}

export function analysePotential(theory: Theory): PotentialShape {
  const active = activeTerms(theory);
  let massSquared = theory.mass * theory.mass;
  for (const { term } of active) if (term.kind === 'local' && term.power === 2) massSquared += term.coupling;
  const highestPower = active.reduce((highest, { term }) => Math.max(highest, powerOf(term)), 2);
  const leading = active.filter(({ term }) => powerOf(term) === highestPower);
  const boundedBelow =
    highestPower === 2 ? massSquared > 0 : highestPower % 2 === 0 && leading.every(({ term }) => term.coupling > 0);
  return {
    massSquared,
    boundedBelow,
    gaussian: highestPower === 2,
    hasOddTerms: active.some(({ term }) => powerOf(term) % 2 === 1),
    highestPower,
  };
}

/**
 * Whether a first-order diagram of this term has k external legs: a local phi^n term reaches G_ck
 * for k <= n with n - k even (j = (n - k)/2 self-contractions), Wick ordering keeps only j = 0; the
 * non-local quartic term reaches G_c4 and G_2.
 */
export function firstOrderReaches(term: Theory['interactions'][number], order: number): boolean {
  if (term.kind !== 'local') return order === 4 || order === 2;
  const n = term.power;
  return order <= n && (n - order) % 2 === 0 && (!term.wickOrdered || n === order);
}

/** Whether first-order perturbation theory gives the leading (or exact) value of G_cn. */
export function perturbativeSupportsOrder(theory: Theory, order: ConnectedOrder): boolean {
  if (order === 2) return true;
  const shape = analysePotential(theory);
  if (shape.gaussian) return true;
  if (order % 2 === 1 && !shape.hasOddTerms) return true;
  return activeTerms(theory).some(({ term }) => firstOrderReaches(term, order));
}

/** A reason a method cannot compute this theory, with the path of the key that causes it. */
export interface MethodProblem {
  path: string;
  message: string;
  hint?: string;
  /** The reason in a few words, for lists (method "auto" naming why each method fails). */
  brief: string;
  /** For a problem with one requested connected order: that order. */
  order?: ConnectedOrder;
}

/**
 * Why first-order perturbation theory cannot run on this theory at all, whatever the orders (empty:
 * it can run; whether it is accurate is method "auto"'s weak-coupling check). Checked in this order:
 * the non-local quartic term outside d = 1 (the solver implements it in d = 1 only), no stable
 * vacuum at phi = 0, and a free propagator singular at zero separation (d >= 2 without a cutoff).
 */
export function perturbativeObstacles(theory: Theory): MethodProblem[] {
  const obstacles: MethodProblem[] = [];
  if (theory.dimension !== 1) {
    theory.interactions.forEach((term, index) => {
      if (term.kind === 'nonlocal-quartic' && term.coupling !== 0) {
        obstacles.push({
          path: `action.interactions[${index}]`,
          message: `method "perturbative" handles the non-local quartic term in d = 1 only; dimension is ${theory.dimension}`,
          hint: 'use method "lattice", or "auto"',
          brief: 'the non-local quartic term is handled perturbatively in d = 1 only',
        });
      }
    });
  }
  const shape = analysePotential(theory);
  if (shape.massSquared <= 0) {
    obstacles.push({
      path: 'action.interactions',
      message: `the mass squared of the quadratic part, m^2 + sum of power-2 couplings = ${formatNumber(shape.massSquared)}, is not positive: there is no stable vacuum at phi = 0 to expand about`,
      hint: 'use method "lattice" (or "spectral" in d = 1) with a potential bounded below',
      brief: 'the quadratic part has no stable vacuum at phi = 0',
    });
  }
  if (theory.dimension >= 2 && theory.momentumCutoff === null && !theory.lattice) {
    obstacles.push({
      path: 'regulator.momentumCutoff',
      message: `method "perturbative" needs a momentum cutoff in d = ${theory.dimension}: without one the free propagator is singular at zero separation`,
      hint: 'set "momentumCutoff" to a number well above the mass',
      brief: `the free propagator is singular at zero separation in d = ${theory.dimension} without a cutoff`,
    });
  }
  return obstacles;
}

/** The methods that compute correlators themselves (auto chooses among these). */
export const CONCRETE_METHODS = ['perturbative', 'spectral', 'lattice'] as const;

export function methodProblems(theory: Theory, method: CorrelatorMethod): MethodProblem[] {
  const problems: MethodProblem[] = [];
  const shape = analysePotential(theory);
  const unbounded = (): void => {
    problems.push({
      path: 'action.interactions',
      message: `the potential is unbounded below (${describeInstability(theory, shape)}), so method "${method}" has no well-defined theory to compute`,
      hint: 'make the highest power even with a positive coupling, or use method "perturbative"',
      brief: 'the potential is unbounded below',
    });
  };
  switch (method) {
    case 'auto': {
      // auto fails only when every computing method fails; then each one's first reason is the message.
      const reasons = CONCRETE_METHODS.map((candidate) => ({ candidate, problems: methodProblems(theory, candidate) }));
      if (reasons.every(({ problems: found }) => found.length > 0)) {
        problems.push({
          path: 'targetCorrelators',
          message: `no method can compute this target (${reasons.map(({ candidate, problems: found }) => `${candidate}: ${found[0]!.brief}`).join('; ')})`,
          hint: 'change the theory or the requested orders, or supply the correlators with method "data"',
          brief: 'no method applies',
        });
      }
      break;
    }
    case 'data':
      break;
    case 'perturbative':
      // The missing cutoff in d >= 2 is an error of the theory for every method (check-semantics
      // reports it once); the other obstacles are this method's own.
      problems.push(...perturbativeObstacles(theory).filter((problem) => problem.path !== 'regulator.momentumCutoff'));
      theory.connectedOrders.forEach((order) => {
        if (!perturbativeSupportsOrder(theory, order)) {
          problems.push({
            path: 'observables.connected',
            message: `order ${order} is not available from method "perturbative": it is first order in the couplings, and G_c${order} of this theory starts at second order`,
            hint: `drop ${order} from observables.connected, or use method "lattice"${theory.dimension === 1 ? ' or "spectral"' : ''}`,
            brief: `G_c${order} starts at second order`,
            order,
          });
        }
      });
      break;
    case 'spectral':
      if (theory.dimension !== 1) {
        problems.push({
          path: 'targetCorrelators.method',
          message: `method "spectral" solves d = 1 only (it is quantum mechanics); dimension is ${theory.dimension}`,
          hint: 'use method "lattice" or "perturbative", or "auto"',
          brief: 'd = 1 only',
        });
      }
      theory.interactions.forEach((term, index) => {
        if (term.kind !== 'local') {
          problems.push({
            path: `action.interactions[${index}]`,
            message: 'method "spectral" handles local polynomial terms only, not a non-local term',
            hint: 'use method "lattice" or "perturbative", or "auto"',
            brief: 'local terms only',
          });
        }
      });
      if (theory.lattice) {
        problems.push({
          path: 'regulator.lattice',
          message: 'method "spectral" solves the continuum theory (quantum mechanics), not a lattice theory',
          hint: 'use method "lattice" (Monte Carlo of the lattice action) or "perturbative" (lattice sums), or "auto"',
          brief: 'continuum only, not a lattice regulator',
        });
      }
      if (theory.momentumCutoff !== null) {
        problems.push({
          path: 'regulator.momentumCutoff',
          message: `method "spectral" solves the theory without a momentum cutoff; a cutoff of ${formatNumber(theory.momentumCutoff)} would be ignored`,
          hint: 'set "momentumCutoff": null (d = 1 needs none), or use method "lattice" or "perturbative"',
          brief: 'no momentum cutoff possible',
        });
      }
      if (!shape.boundedBelow) unbounded();
      break;
    case 'lattice':
      if (!shape.boundedBelow) unbounded();
      break;
  }
  return problems;
}

function describeInstability(theory: Theory, shape: PotentialShape): string {
  if (shape.highestPower === 2) return `m^2 + sum of power-2 couplings = ${formatNumber(shape.massSquared)} <= 0`;
  if (shape.highestPower % 2 === 1) return `its highest power, phi^${shape.highestPower}, is odd`;
  const negative = theory.interactions.find((term) => term.coupling < 0 && (term.kind === 'local' ? term.power : 4) === shape.highestPower);
  return negative ? `the phi^${shape.highestPower} coupling ${formatNumber(negative.coupling)} is negative` : 'its leading term is not positive';
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
