/**
 * The geometry of a cos-net design: the base network, the evaluation points, the deformation terms,
 * the quadrature grid over the interaction region and the mode cutoff. The field of a parameter vector
 * (amplitudeScale sigma, momentumScale s, one coupling g_k per term) is
 *
 *   phi(x) = sigma sum_i b_i cos(s p_i.x + c_i),  weighted by exp(-sum_k g_k F_k[phi]),
 *   F_local(n) = (1/n!) int_V :phi^n:_{G0},  F_nonlocal = (1/4!) int int phi^2 K phi^2.
 *
 * With a mode cutoff, the deformation sees only the neurons with |p| below it (the field keeps every
 * neuron): the interaction is regulated while the free two-point function stays exact without a
 * momentum cutoff on the field. moment-jacobian.ts measures this ensemble and its derivatives.
 */
import type { Points } from '../architectures/architecture.js';
import type { CosNet } from '../architectures/cos-net.js';
import type { ProductGrid } from '../architectures/product-grid.js';

export type DesignTerm =
  | { readonly kind: 'local'; readonly power: number; readonly wickOrdered: boolean; readonly wickPropagatorAtZero: number }
  | { readonly kind: 'nonlocal-quartic'; readonly kernelWidth: number };

export interface CosNetDesignGeometry {
  /** The undeformed base network (width, mass, cutoff, amplitude law) at s = sigma = 1. */
  readonly base: CosNet;
  readonly points: Points;
  readonly terms: readonly DesignTerm[];
  /** Quadrature grid over the interaction region (null when there are no terms). */
  readonly grid: ProductGrid | null;
  /** Deformation acts on neurons with |p| (unscaled) below this; null: on every neuron. */
  readonly modeCutoff: number | null;
  readonly chunkSize: number;
}

export const CHUNK_STREAM = 'design/chunk';

export function parameterNames(terms: readonly DesignTerm[], tunedKurtosis = false): string[] {
  return ['amplitudeScale', 'momentumScale', ...terms.map((term, index) => (term.kind === 'local' ? `coupling${term.power}${term.wickOrdered ? 'Wick' : ''}` : 'couplingNonlocal') + (index > 0 && terms.slice(0, index).some((other) => JSON.stringify(other) === JSON.stringify(term)) ? `_${index}` : '')), ...(tunedKurtosis ? ['amplitudeKurtosis'] : [])];
}

