/**
 * How a cos-net's neurons get their momenta: one strategy per mode of `momentumSampling`
 * (momenta-independent.ts, momenta-stratified.ts, momenta-quadrature.ts, momenta-split.ts; the
 * registry is momentum-strategies.ts), and the lattice cos-net's Brillouin-zone draw (momenta-lattice.ts). A strategy answers the two questions the cos-net asks of its
 * momenta, so that no caller branches on the mode:
 *   - the draw: each neuron's momentum and its amplitude factor A(p) sqrt(N W) (W the probability of
 *     the neuron's cell; 1/N for independent momenta, so the factor is A(p));
 *   - the exact moments: each neuron's cell moment E_cell[A(p)^k cos(p.s)], from which the exact
 *     finite-width moments and connected functions follow (cos-net-exact-moments.ts).
 * The cos-net draws the phase and the amplitude of every neuron after its momentum, in that order
 * (the random stream is part of the ensemble's identity).
 */
import type { Dimension } from '../theory/theory.js';
import type { Rng } from '../random/rng.js';
import type { AlphaMomentumDensity } from './alpha-momentum-density.js';
import type { BoxMass, TiltedNodes } from './box-mass.js';
import type { SplitLayout } from './split-momenta.js';
import type { StratifiedLayout } from './stratified-momenta.js';
import { NnftError } from '../errors.js';

/** The cos-net's modes. split: fixed nodes below a split momentum, stratified cells above (d = 1 without a cutoff; split-momenta.ts). */
export type MomentumSampling = 'independent' | 'stratified' | 'quadrature' | 'split';

/** Every strategy's name: the cos-net's modes and the lattice cos-net's Brillouin zone (momenta-lattice.ts). */
export type MomentumStrategyName = MomentumSampling | 'lattice';

/** A neuron on a fixed momentum with its amplitude factor A(p_i) sqrt(N W_i). */
export interface QuadratureMomentum {
  readonly components: readonly number[];
  readonly factor: number;
}

/** What a strategy is built from: the cos-net's momentum density and the options that shape the layout. */
export interface MomentumSetting {
  readonly dimension: Dimension;
  readonly width: number;
  readonly density: AlphaMomentumDensity;
  readonly cutoff: number | null;
  readonly splitMomentum: number | null;
  readonly boxMass: BoxMass | null;
  /** Gaussian amplitude pairs (law kurtosis, kurtosis 2) without a shared scale: what a box mass needs. */
  readonly gaussianPairs: boolean;
  /** E_rho[A(p)^k cos(p.s)] of the full density at |s| = separation, k = 2, 4, 6 (cos-net-moments.ts). */
  readonly densityMoment: (order: number, separation: number) => number;
}

/**
 * Neurons whose whole parameters are drawn jointly, per network and before the others (the split
 * nodes' tilted Gaussian law of a box mass, box-mass.ts): they are the first `size` neurons.
 */
export interface JointNeurons {
  readonly size: number;
  /** Fill momenta, phases and unit-scale coefficients of the first `size` neurons at `firstSlot`. */
  draw(rng: Rng, momenta: Float64Array, phases: Float64Array, coefficients: Float64Array, firstSlot: number): void;
  /** Their covariance at unit amplitude scale: one correlated Gaussian block, no higher cumulants. */
  covariance(x: readonly number[], y: readonly number[]): number;
}

export interface MomentumStrategy {
  readonly sampling: MomentumStrategyName;
  /** Every neuron draws from the same law: each joint cumulant of phi is N times one neuron's. */
  readonly identicalNeurons: boolean;
  /** The cell layout when neurons own cells of the density (stratified, quadrature, split), else null. */
  readonly strata: StratifiedLayout | null;
  /** Momenta that are the same in every network (quadrature), in neuron order, else null. */
  readonly fixedMomenta: readonly QuadratureMomentum[] | null;
  /** Fixed nodes whose field is exactly Gaussian with Gaussian amplitude pairs (quadrature, split), else null. */
  readonly gaussianNodes: readonly QuadratureMomentum[] | null;
  /** Split momenta: the fixed low nodes and the stratified high cells, else null. */
  readonly split: SplitLayout | null;
  /** The split nodes' tilted law when a box mass is drawn into it, else null. */
  readonly tilted: TiltedNodes | null;
  readonly joint: JointNeurons | null;
  /** What the mode adds to the architecture's description (it feeds spec hashes). */
  readonly description: Readonly<Record<string, unknown>>;
  /**
   * Draw the momentum of `neuron` into momenta[offset .. offset + d) and return its amplitude factor
   * A(p) sqrt(N W) (never called for the joint neurons).
   */
  drawMomentum(rng: Rng, neuron: number, momenta: Float64Array, offset: number): number;
  /**
   * Each neuron's cell moment E_cell[f^order cos(p.s)], f = A(p) sqrt(N W) its amplitude factor
   * (without sigma_a^order): one value per neuron, or a single value when the neurons are identical.
   */
  cellMoments(order: number, s: readonly number[]): Float64Array;
}

/** A box mass is drawn into split nodes only: every other mode refuses it. */
export function refuseBoxMass(setting: MomentumSetting): void {
  if (setting.boxMass) {
    throw new NnftError('E_SEMANTIC', 'a box mass is drawn into the law of fixed Gaussian nodes: it needs momentumSampling "split" with Gaussian amplitude pairs (law kurtosis, kurtosis 2) and no shared scale', {
      hint: 'carry the mass term as a deformation term instead',
    });
  }
}

/** A cache of cell moments by (order, s), to 15 digits of s. */
export function cellMomentCache(compute: (order: number, s: readonly number[]) => Float64Array): (order: number, s: readonly number[]) => Float64Array {
  const averages = new Map<string, Float64Array>();
  return (order, s) => {
    const key = `${order}:${s.map((value) => value.toPrecision(15)).join(',')}`;
    let values = averages.get(key);
    if (!values) {
      values = compute(order, s);
      averages.set(key, values);
    }
    return values;
  };
}
