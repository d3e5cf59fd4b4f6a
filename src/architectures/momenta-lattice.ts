/**
 * Lattice momenta (the lattice cos-net, lattice-cos-net.ts): every neuron draws one dual-lattice
 * momentum k with probability P(k) ∝ 1/omega_k by inverse CDF over the mode table, and carries the
 * amplitude factor A = sqrt(2 G(0)) (docs/conventions.md, "Lattice regulator"). The neurons are
 * identical; a neuron's cell moment is A^k E_P[cos(k.s)] = A^k G(s) / G(0).
 */
import type { Rng } from '../random/rng.js';
import type { MomentumStrategy } from './momentum-strategy.js';

/** What the strategy needs of a Brillouin-zone density (lattice-cos-net.ts builds it). */
export interface LatticeModeTable {
  readonly dimension: number;
  /** Momentum components, [modes * d] row-major. */
  readonly momenta: Float64Array;
  /** The lattice G(0). */
  readonly propagatorAtZero: number;
  /** The index of the mode a uniform u in [0, 1) falls on. */
  mode(uniform: number): number;
  /** The lattice propagator at separation s. */
  propagator(separation: readonly number[]): number;
}

export function latticeMomenta(density: LatticeModeTable): MomentumStrategy {
  const { dimension } = density;
  const amplitude = Math.sqrt(2 * density.propagatorAtZero);
  return {
    sampling: 'lattice',
    identicalNeurons: true,
    strata: null,
    fixedMomenta: null,
    gaussianNodes: null,
    split: null,
    tilted: null,
    joint: null,
    description: {},
    drawMomentum(rng: Rng, _neuron: number, momenta: Float64Array, offset: number): number {
      const mode = density.mode(rng.uniform());
      for (let mu = 0; mu < dimension; mu++) momenta[offset + mu] = density.momenta[mode * dimension + mu]!;
      return amplitude;
    },
    cellMoments: (order, s) => Float64Array.of((amplitude ** order * density.propagator(s)) / density.propagatorAtZero),
  };
}
