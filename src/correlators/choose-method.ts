/**
 * Method "auto": the most accurate method that applies, and a sentence saying why.
 *   free theory -> exact propagator; d = 1 bounded polynomial potential without cutoff -> spectral
 *   (exact); weak coupling -> first-order perturbation theory (with its O(g^2) caveat); otherwise
 *   lattice Monte Carlo. "Weak" means the one-loop estimate of the relative O(g^2) corrections
 *   (weak-coupling.ts, secondOrderEstimate) is below WEAK_COUPLING_LIMIT.
 */
import type { CorrelatorMethod, Theory } from '../theory/theory.js';
import { isFree } from '../theory/theory.js';
import { analysePotential, perturbativeObstacles } from '../theory/method-support.js';
import { spectralApplicability } from './spectral.js';

export type ConcreteMethod = 'free' | 'spectral' | 'perturbative' | 'lattice' | 'data';

export const WEAK_COUPLING_LIMIT = 0.25;

export interface MethodChoice {
  method: ConcreteMethod;
  reason: string;
}

/**
 * Whether first-order perturbation theory can run at all (not whether it is accurate): the first of
 * method-support's perturbativeObstacles, the same rules `nnft validate` applies.
 */
export function perturbativeApplicability(theory: Theory): { ok: true } | { ok: false; reason: string } {
  const [first] = perturbativeObstacles(theory);
  return first ? { ok: false, reason: first.brief } : { ok: true };
}

/**
 * Choose the method before computing. Returns 'perturbative-if-weak' as 'perturbative' with a reason
 * that the caller completes once the first-order size is known (see WEAK_COUPLING_LIMIT).
 */
export function chooseMethod(theory: Theory, requested: CorrelatorMethod): MethodChoice & { needsWeakCouplingCheck: boolean } {
  if (requested !== 'auto') {
    return { method: requested, reason: `requested explicitly (${requested})`, needsWeakCouplingCheck: false };
  }
  if (theory.lattice) return latticeTargetChoice(theory);
  if (isFree(theory)) {
    return { method: 'free', reason: 'free theory: the connected correlators are the exact regulated propagator (higher orders vanish)', needsWeakCouplingCheck: false };
  }
  const spectral = spectralApplicability(theory);
  if (spectral.ok) {
    return {
      method: 'spectral',
      reason: 'd = 1 with a polynomial potential bounded below and no cutoff: exact diagonalisation of the Hamiltonian (spectral method)',
      needsWeakCouplingCheck: false,
    };
  }
  const perturbative = perturbativeApplicability(theory);
  if (perturbative.ok) {
    return {
      method: 'perturbative',
      reason: `no exact method applies (${spectral.reason}); the couplings are weak, so first-order perturbation theory is used (O(g^2) terms not included)`,
      needsWeakCouplingCheck: true,
    };
  }
  return {
    method: 'lattice',
    reason: `no exact method applies (${spectral.reason}) and perturbation theory cannot run (${perturbative.reason}): lattice Monte Carlo`,
    needsWeakCouplingCheck: false,
  };
}

/**
 * Method "auto" on a target with a lattice regulator (src/correlators/lattice-regulator.ts): a Gaussian
 * theory has the exact lattice propagator; any other is Monte Carlo of exactly the lattice action.
 */
function latticeTargetChoice(theory: Theory): MethodChoice & { needsWeakCouplingCheck: boolean } {
  const { spacing, sites } = theory.lattice!;
  const where = `the periodic ${sites}^${theory.dimension} lattice of spacing ${spacing}`;
  return analysePotential(theory).gaussian
    ? { method: 'free', reason: `Gaussian lattice theory: the connected correlators are the exact free propagator of ${where} (higher orders vanish)`, needsWeakCouplingCheck: false }
    : { method: 'lattice', reason: `interacting lattice theory: hybrid Monte Carlo of the target's own action on ${where}`, needsWeakCouplingCheck: false };
}
